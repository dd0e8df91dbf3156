// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "notify/channel_abi.h"

namespace notify::core {

class HttpEngine;

// While alive on a thread, HTTP calls made through the host on that thread never wait past
// the given deadline (the message's). The dispatcher opens one around each send.
class CallDeadlineScope {
 public:
  explicit CallDeadlineScope(int64_t deadlineUnixMs);
  ~CallDeadlineScope();
  CallDeadlineScope(const CallDeadlineScope&) = delete;
  CallDeadlineScope& operator=(const CallDeadlineScope&) = delete;

 private:
  int64_t previous_;
};

// How long one exchange may take: requestedMs (0: 10 s), never past deadlineUnixMs (0: no
// deadline), in real milliseconds under a test clock. 0 when the deadline has passed.
int64_t exchangeTimeoutMs(uint32_t requestedMs, int64_t deadlineUnixMs);

// The host services table handed to plugins (notify_host_api), backed by Poco. One object per
// channel instance so that log lines carry the instance's name; the HTTP connection pool is
// shared. Thread-safe: every service may be called concurrently.
class HostServices {
 public:
  using Clock = std::function<int64_t()>;  // Unix milliseconds

  HostServices(std::string instanceName, std::shared_ptr<HttpEngine> http, Clock clock = {});
  HostServices(const HostServices&) = delete;
  HostServices& operator=(const HostServices&) = delete;
  ~HostServices();

  const notify_host_api* api() const { return &api_; }
  const std::string& instanceName() const { return instanceName_; }
  HttpEngine& http() const { return *http_; }
  int64_t now() const;

 private:
  notify_host_api api_{};
  std::string instanceName_;
  std::shared_ptr<HttpEngine> http_;
  Clock clock_;
};

}  // namespace notify::core
