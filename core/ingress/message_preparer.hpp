// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <map>
#include <memory>
#include <string>

#include "core/common/result.hpp"
#include "core/config/daemon_config.hpp"
#include "core/dispatch/rate_limiter.hpp"
#include "core/protocol/request.hpp"
#include "core/routing/route_policy.hpp"
#include "core/store/message.hpp"

namespace notify::core {

// Judges a send request against the configuration (callers, templates, channels) and turns it
// into a rendered message ready to store. Pure: configuration + request + clock in, message or
// error out. Thread-safe (reads an immutable configuration).
class MessagePreparer {
 public:
  explicit MessagePreparer(std::shared_ptr<const DaemonConfig> config);

  // unauthorized unless app exists and token matches (compared in constant time).
  Result<void> authenticate(const std::string& app, const std::string& token) const;

  // Takes one permit from the app's rate limits ([apps.X] rate_limits); "rate_limited" with
  // the time to wait when the app is over them. Thread-safe.
  Result<void> admit(const std::string& app, int64_t nowMs) const;

  // Which routing rule a request would take, and why (the route_explain op).
  Result<RouteDecision> explainRoute(const std::string& app, const SendRequest& request) const;

  // fieldPrefix is prepended to the field of any error ("messages[3]." in a batch).
  Result<NewMessage> prepare(const std::string& app, const SendRequest& request,
                             const std::string& reqIdJson, const std::string& fieldPrefix,
                             int64_t nowMs) const;

 private:
  Result<NewMessage> build(const std::string& app, const SendRequest& request,
                           const std::string& reqIdJson, int64_t nowMs) const;

  std::shared_ptr<const DaemonConfig> config_;
  std::map<std::string, std::unique_ptr<RateLimiter>> appLimits_;  // only apps with limits
};

}  // namespace notify::core
