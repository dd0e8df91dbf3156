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
// Thread-safe send: the configuration is read-only after construction and every host service
// may be called concurrently.
template <auto parse, auto build, auto classify>
class PostChannel : public sdk::Channel {
 public:
  PostChannel(sdk::Host host, const sdk::Config& config)
      : host_(host), config_(parseWithHost<parse>(config, host)) {}

  sdk::Outcome send(const sdk::Message& message) override {
    const auto request = build(config_, message, host_, host_.nowUnixMs());
    if constexpr (requires { request.error; }) {
      if (!request.error.empty()) {
        return sdk::Outcome::rejected(request.error).withCode("bad_message");
      }
    }
    return classify(
        host_.http("POST", config_.url, request.headers, request.body, config_.timeoutMs));
  }

 private:
  sdk::Host host_;
  decltype(parseWithHost<parse>(std::declval<const sdk::Config&>(),
                                std::declval<const sdk::Host&>())) config_;
};

}  // namespace notify::plugin::common
