// SPDX-License-Identifier: Apache-2.0
// What the SMS plugins' integration tests share: channel "sms" (needs to.phone) carried by the
// test's provider "sms", template login_code (vars code, minutes) with the provider's template
// id and parameter list as attrs, and template bare, whose content has no attrs at all.
#pragma once

#include <string>
#include <vector>

#include "support/fakeprov_daemon_test.hpp"

namespace notify::test {

class SmsThroughFakeProv : public FakeProvDaemonTest {
 protected:
  // providerToml: the [providers.sms] table, header included.
  void startSms(const std::string& providerToml, const std::string& templateId,
                const std::string& params) {
    startDaemon(providerToml + R"(
[channels.sms]
recipient = "phone"
providers = ["sms"]

[templates.login_code]
vars = ["code", "minutes"]

[templates.login_code.content.sms]
body = "Your code is {{code}}, valid for {{minutes}} minutes"
attrs = { template_id = ")" +
                templateId + R"(", params = ")" + params + R"(" }

[templates.bare]
vars = ["code"]

[templates.bare.content.sms]
body = "Code {{code}}"
)");
  }

  // The events of a message the core tried max_attempts (3 in the test config) times.
  static std::vector<std::string> triedThreeTimes() {
    return {"accepted", "queued",   "sending", "retrying",
            "sending",  "retrying", "sending", "failed"};
  }

  struct Reached {
    Poco::JSON::Object::Ptr message;
    Poco::JSON::Object::Ptr event;  // its first event in the state; null when never reached
  };

  // Waits until message id is in state; a test failure when it never gets there.
  Reached reach(const std::string& id, const std::string& state) {
    Reached out{waitForState(*client_, id, state), nullptr};
    if (out.message && out.message->getValue<std::string>("state") == state) {
      out.event = eventsIn(out.message, state).at(0);
    } else {
      ADD_FAILURE() << id << " never reached " << state;
    }
    return out;
  }

  std::string sendCode(const std::string& phone, const std::string& code) {
    return send("login_code", R"({"phone":")" + phone + "\"}",
                R"({"code":")" + code + R"(","minutes":"5"})");
  }
};

}  // namespace notify::test
