// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/daemon/runtime.hpp"
#include "core/ingress/cron_ops.hpp"
#include "core/ingress/message_preparer.hpp"
#include "core/metrics/delivery_metrics.hpp"
#include "core/protocol/request.hpp"
#include "core/store/group_committer.hpp"
#include "core/store/message_store.hpp"

namespace notify::core {

// Answers one request frame. Called exactly once per request, possibly from another thread
// (sends are answered by the committer thread after their commit).
using ReplyFn = std::function<void(std::string reply)>;

// Read-only views the handler needs besides the store, so it stays independent of the plugin
// host: the "plugins" op's JSON body is produced by whoever owns the plugins.
struct HandlerContext {
  std::function<std::string()> pluginsJson;
  std::function<int64_t()> clock;
  std::string version;
  // Re-reads the configuration (the reload op): a summary, or the errors that kept the running
  // configuration in force.
  std::function<Result<std::string>()> reload;
  DeliveryMetrics* metrics = nullptr;  // null: not measured
  std::function<void()> wakeCronRunner;  // empty when no runner lives in this process
};

// The ingress role: decode, authenticate, validate, then either answer at once or hand the
// messages to the group committer and answer after the commit.
class RequestHandler {
 public:
  // runtime gives the current configuration (a reload swaps it); each request is judged against
  // one snapshot. Frame and batch limits are fixed at construction.
  RequestHandler(const RuntimeHolder& runtime, MessageStore& store, GroupCommitter& committer,
                 HandlerContext context);

  void handle(std::string_view frame, ReplyFn reply);

 private:
  void handleSend(const MessagePreparer& preparer, const std::string& reqId,
                  const Request& request, ReplyFn reply);
  void handleBatch(const MessagePreparer& preparer, const std::string& reqId,
                   const Request& request, ReplyFn reply);
  void handleStatus(const std::string& reqId, const Request& request, ReplyFn reply);
  void handlePlugins(const std::string& reqId, ReplyFn reply);
  void handleRouteExplain(const MessagePreparer& preparer, const std::string& reqId,
                          const Request& request, ReplyFn reply);
  void handleReload(const DaemonConfig& config, const std::string& reqId, const Request& request,
                    ReplyFn reply);
  void handleDeadLetters(const std::string& reqId, const Request& request, ReplyFn reply);
  void handleCancel(const std::string& reqId, const Request& request, ReplyFn reply);

  const RuntimeHolder& runtime_;
  MessageStore& store_;
  GroupCommitter& committer_;
  HandlerContext context_;
  DecodeLimits limits_;
  CronOps cronOps_;
};

}  // namespace notify::core
