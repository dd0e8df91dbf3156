// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/config/daemon_config.hpp"
#include "core/protocol/request.hpp"
#include "core/store/message_store.hpp"

namespace notify::core {

// The cron_* ops and audience_push: an app sees and steers only its own jobs ([cron.X] app).
// Each answer is one store call; runs themselves happen in the dispatcher role's CronRunner,
// which wakeRunner nudges when it lives in this process (other nodes notice within seconds).
class CronOps {
 public:
  CronOps(std::shared_ptr<const DaemonConfig> config, MessageStore& store,
          std::function<int64_t()> clock, std::function<void()> wakeRunner);

  // The reply to one already authenticated request of a cron op.
  std::string handle(const std::string& reqId, const Request& request);

 private:
  std::string list(const std::string& reqId, const std::string& app, CronStore& cron);
  std::string runs(const std::string& reqId, const std::string& job, size_t limit, CronStore& cron);
  std::string push(const std::string& reqId, const Request& request, CronStore& cron);

  std::shared_ptr<const DaemonConfig> config_;
  MessageStore& store_;
  std::function<int64_t()> clock_;
  std::function<void()> wakeRunner_;
};

}  // namespace notify::core
