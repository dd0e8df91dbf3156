// SPDX-License-Identifier: Apache-2.0
// The channel class of plugins whose every message is one signed POST to a configured URL
// (sms_tencent, sms_aliyun, webhook): the decisions stay the plugin's pure functions, this only
// wires them to the host. Header-only: a class template over those functions.
#pragma once

#include <type_traits>
#include <utility>

#include "notify/channel.hpp"

namespace notify::plugin::common {

// The plugin's configuration, from parse(config) or, for a plugin that needs host services to
// read it (decoding a secret), parse(config, host).
template <auto parse>
auto parseWithHost(const sdk::Config& config, const sdk::Host& host) {
  if constexpr (std::is_invocable_v<decltype(parse), const sdk::Config&, const sdk::Host&>) {
    return parse(config, host);
  } else {
    return parse(config);
  }
}

// A channel built from three pure functions of a plugin:
//   parse(config[, host])                    → Config with url and timeoutMs
//   build(config, message, host, nowUnixMs)  → Request with headers, body and, optionally,
//                                              error (non-empty: nothing is sent, the message
//                                              is rejected with code "bad_message")
//   classify(httpResult)                     → the outcome of the POST
// It is an sdk::HttpChannel: the host makes the POST and may keep many in flight. The
// configuration is read-only after construction, so prepare and complete are thread-safe.
template <auto parse, auto build, auto classify>
class PostChannel : public sdk::HttpChannel {
 public:
  PostChannel(sdk::Host host, const sdk::Config& config)
      : sdk::HttpChannel(host), config_(parseWithHost<parse>(config, host)) {}

  sdk::Prepared prepare(const sdk::Message& message) const override {
    auto request = build(config_, message, host(), host().nowUnixMs());
    if constexpr (requires { request.error; }) {
      if (!request.error.empty()) {
        return sdk::Prepared::outcome(
            sdk::Outcome::rejected(request.error).withCode("bad_message"));
      }
    }
    return sdk::Prepared::request(sdk::HttpRequest{"POST", config_.url, std::move(request.headers),
                                                   std::move(request.body), config_.timeoutMs});
  }

  sdk::Outcome complete(const sdk::Message&, const sdk::HttpResult& result) const override {
    return classify(result);
  }

 private:
  decltype(parseWithHost<parse>(std::declval<const sdk::Config&>(),
                                std::declval<const sdk::Host&>())) config_;
};

}  // namespace notify::plugin::common
