// SPDX-License-Identifier: Apache-2.0
// The contract every built channel plugin must keep, run against each build/plugins/*.so:
// a sane descriptor, declared parameters, a bad-config answer (not a crash) to a missing
// configuration, and a classified answer to a message it cannot deliver.
#include <gtest/gtest.h>

#include <array>
#include <filesystem>

#include "core/http/http_engine.hpp"
#include "core/plugin/channel_instance.hpp"
#include "core/plugin/plugin_library.hpp"
#include "support/test_env.hpp"

namespace notify::core {
namespace {

std::vector<std::string> builtPlugins() {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(test::buildDir() / "plugins", ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("channel_", 0) == 0 && entry.path().extension() == ".so") {
      files.push_back(entry.path().stem().string().substr(8));
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// A configuration that satisfies every declared parameter while pointing all network
// endpoints at a closed loopback port, so no send can leave the machine.
KeyValues harmlessConfig(const PluginInfo& info, const test::TempDir& dir, int closedPort) {
  KeyValues config;
  for (const auto& p : info.params) {
    std::string value;
    if (p.type == NOTIFY_PARAM_PATH) {
      value = (dir / (p.name + ".out")).string();
    } else if (p.name.find("url") != std::string::npos) {
      value = "http://127.0.0.1:" + std::to_string(closedPort) + "/x";
    } else if (p.name == "host") {
      value = "127.0.0.1";
    } else if (p.name == "port") {
      value = std::to_string(closedPort);
    } else if (p.type == NOTIFY_PARAM_SECRET) {
      value = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";  // valid base64 after a prefix
    } else if (p.hasDefault) {
      value = p.defaultValue;
    } else if (p.type == NOTIFY_PARAM_INT) {
      value = "1";
    } else if (p.type == NOTIFY_PARAM_BOOL) {
      value = "false";
    } else if (p.type != NOTIFY_PARAM_LIST) {
      value = "conformance";
    }
    if (p.name == "timeout_ms") {
      value = "500";
    }
    config.emplace_back(p.name, value);
  }
  return config;
}

class PluginConformance : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto path = test::buildDir() / "plugins" / ("channel_" + GetParam() + ".so");
    auto loaded = PluginLibrary::load(path);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    library_ = loaded.value();
  }

  std::shared_ptr<const PluginLibrary> library_;
};

TEST_P(PluginConformance, DescriptorIsSane) {
  const PluginInfo& info = library_->info();
  EXPECT_EQ(info.name, GetParam());
  EXPECT_FALSE(info.version.empty());
  EXPECT_FALSE(info.description.empty());
  for (const auto& p : info.params) {
    EXPECT_FALSE(p.help.empty()) << p.name << " has no help text";
    if (p.type == NOTIFY_PARAM_SECRET) {
      EXPECT_FALSE(p.hasDefault) << p.name << ": a secret cannot have a default";
    }
    if (p.required) {
      EXPECT_FALSE(p.hasDefault) << p.name << ": required and defaulted";
    }
  }
}

TEST_P(PluginConformance, MissingRequiredConfigurationIsBadConfigNotACrash) {
  const notify_channel_v1& d = library_->descriptor();
  bool needsConfig = false;
  for (const auto& p : library_->info().params) {
    needsConfig = needsConfig || p.required;
  }
  std::array<char, 512> err{};
  void* instance = nullptr;
  auto pool = std::make_shared<HttpEngine>();
  HostServices host("conformance", pool);
  int32_t status = d.create(host.api(), nullptr, 0, &instance, err.data(), err.size());
  if (needsConfig) {
    EXPECT_EQ(status, NOTIFY_BAD_CONFIG);
    EXPECT_NE(err[0], '\0') << "a refusal must say why";
  }
  if (status == 0 && instance != nullptr) {
    d.destroy(instance);
  }
}

TEST_P(PluginConformance, UndeliverableMessageGetsAClassifiedAnswer) {
  test::TempDir dir;
  int closedPort = test::freeLoopbackPort();
  auto instance = ChannelInstance::create(library_, "conformance",
                                          harmlessConfig(library_->info(), dir, closedPort),
                                          std::make_shared<HttpEngine>());
  if (!instance) {
    // Some plugins validate formats our generic values cannot meet; refusing is fine.
    EXPECT_EQ(instance.error().code, "bad_config") << instance.error().message;
    return;
  }
  OutboundMessage message;  // no recipient, no content
  message.id = "019a0000-0000-7000-8000-00000000c0de";
  message.deadlineUnixMs = 0;
  SendOutcome outcome = instance.value()->send(message);
  EXPECT_NE(outcome.status, NOTIFY_INTERNAL_ERROR) << outcome.detail;
  if (outcome.status != NOTIFY_DELIVERED && outcome.status != NOTIFY_ACCEPTED) {
    EXPECT_FALSE(outcome.detail.empty()) << "a failure must say why";
  }
}

TEST_P(PluginConformance, ASplitSendClassifiesAsSendDoes) {
  test::TempDir dir;
  int closedPort = test::freeLoopbackPort();
  auto http = std::make_shared<HttpEngine>();
  auto instance = ChannelInstance::create(library_, "conformance",
                                          harmlessConfig(library_->info(), dir, closedPort), http);
  if (!instance || !instance.value()->splitsSend()) {
    return;  // a synchronous plugin, or one our generic values cannot configure
  }
  OutboundMessage message;
  message.id = "019a0000-0000-7000-8000-00000000c0de";
  message.to = {{"phone", "+8613800000000"}, {"email", "a@example.com"}, {"user", "u1"}};
  message.body = "hello";
  message.deadlineUnixMs = 0;
  PluginMessage raw(message);
  PreparedSend prepared = instance.value()->prepare(raw);
  ASSERT_NE(prepared.kind, PreparedSend::Kind::kUseSend) << "nothing here needs a token";
  SendOutcome split = prepared.outcome;
  if (prepared.kind == PreparedSend::Kind::kRequest) {
    EXPECT_FALSE(prepared.call.method.empty());
    EXPECT_NE(prepared.call.url.find(std::to_string(closedPort)), std::string::npos)
        << "the request must go where the configuration says: " << prepared.call.url;
    split = instance.value()->complete(raw, http->send(prepared.call));
  }
  SendOutcome sync = instance.value()->send(message);
  EXPECT_NE(split.status, NOTIFY_INTERNAL_ERROR) << split.detail;
  EXPECT_EQ(split.status, sync.status) << split.detail << " / " << sync.detail;
  EXPECT_EQ(split.providerCode, sync.providerCode);
}

INSTANTIATE_TEST_SUITE_P(BuiltPlugins, PluginConformance, ::testing::ValuesIn(builtPlugins()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace notify::core
