// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/common/result.hpp"
#include "core/plugin/host_services.hpp"
#include "core/plugin/plugin_library.hpp"

namespace notify::core {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// What the core hands a plugin for one attempt.
struct OutboundMessage {
  std::string id;
  std::string app;
  std::string templateName;
  std::string channel;
  KeyValues to;
  std::string subject;
  std::string body;
  KeyValues vars;
  KeyValues attrs;
  uint32_t attempt = 1;
  int64_t deadlineUnixMs = 0;
};

// The classified answer of one attempt, copied out of the plugin's result buffers.
struct SendOutcome {
  notify_status status = NOTIFY_INTERNAL_ERROR;
  std::string providerCode;
  std::string providerMessageId;
  std::string detail;
  int64_t retryAfterMs = 0;
};

const char* statusName(notify_status status);

// A delivery-report request from a provider, for the plugin to parse (ABI minor 1).
struct InboundReport {
  std::string method;
  KeyValues query;
  KeyValues headers;  // names lower-case
  std::string body;
};

struct ParsedReceipt {
  bool delivered = false;
  std::string providerMessageId;
  std::string code;
  std::string detail;
};

struct ParsedReceipts {
  std::vector<ParsedReceipt> receipts;
  std::string reply;  // the body the provider expects as the answer
};

// One configured provider: a plugin instance created from a checked configuration. Sends are
// serialised per instance unless the plugin declares NOTIFY_CHANNEL_THREADSAFE_SEND. Callers
// hold a shared_ptr across each send, so the instance is destroyed only when no send runs.
class ChannelInstance {
 public:
  // config must already be checked against the plugin's parameters (ParamValidator).
  static Result<std::unique_ptr<ChannelInstance>> create(
      std::shared_ptr<const PluginLibrary> library, std::string name, const KeyValues& config,
      std::shared_ptr<HttpClientPool> http, HostServices::Clock clock = {});

  ChannelInstance(const ChannelInstance&) = delete;
  ChannelInstance& operator=(const ChannelInstance&) = delete;
  ~ChannelInstance();

  SendOutcome send(const OutboundMessage& message);

  // Delivery reports (channel_receipts.cpp): whether the plugin parses them, and parsing one
  // request ("invalid_request" when malformed or not authentic). Thread-safe.
  bool acceptsReceipts() const;
  Result<ParsedReceipts> parseReceipts(const InboundReport& report) const;

  const std::string& name() const { return name_; }
  const PluginInfo& plugin() const { return library_->info(); }

 private:
  ChannelInstance(std::shared_ptr<const PluginLibrary> library, std::string name,
                  std::unique_ptr<HostServices> host);

  // Declared first so it is destroyed last: the library outlives everything created from it.
  std::shared_ptr<const PluginLibrary> library_;
  std::string name_;
  std::unique_ptr<HostServices> host_;
  void* instance_ = nullptr;
  std::mutex sendMutex_;
};

}  // namespace notify::core
