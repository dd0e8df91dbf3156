// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/common/result.hpp"
#include "core/http/http_types.hpp"
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

// An OutboundMessage as the ABI carries it (notify_message): views into the message and the
// key/value arrays they need. The message must outlive it; neither moves while it is used.
class PluginMessage {
 public:
  explicit PluginMessage(const OutboundMessage& message);
  PluginMessage(const PluginMessage&) = delete;
  PluginMessage& operator=(const PluginMessage&) = delete;

  const notify_message* raw() const { return &raw_; }
  int64_t deadlineUnixMs() const { return raw_.deadline_unix_ms; }

 private:
  std::vector<notify_kv> to_;
  std::vector<notify_kv> vars_;
  std::vector<notify_kv> attrs_;
  notify_message raw_{};
};

// What the plugin's prepare hook decided (ABI minor 2).
struct PreparedSend {
  enum class Kind { kRequest, kDone, kUseSend };
  Kind kind = Kind::kDone;
  HttpCall call;        // kRequest: the exchange to make, its timeout within the deadline
  SendOutcome outcome;  // kDone
};

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
      std::shared_ptr<HttpEngine> http, HostServices::Clock clock = {});

  ChannelInstance(const ChannelInstance&) = delete;
  ChannelInstance& operator=(const ChannelInstance&) = delete;
  ~ChannelInstance();

  SendOutcome send(const OutboundMessage& message);

  // A send split around its HTTP exchange (channel_split_send.cpp, ABI minor 2): whether the
  // plugin offers it, the request for one message, and the outcome of its exchange. Both
  // calls are thread-safe and never block; the message must be the same for both.
  bool splitsSend() const;
  PreparedSend prepare(const PluginMessage& message) const;
  SendOutcome complete(const PluginMessage& message, const HttpOutcome& exchange) const;

  // Delivery reports (channel_receipts.cpp): whether the plugin parses them, and parsing one
  // request ("invalid_request" when malformed or not authentic). Thread-safe.
  bool acceptsReceipts() const;
  Result<ParsedReceipts> parseReceipts(const InboundReport& report) const;

  const std::string& name() const { return name_; }
  // The host's HTTP client, shared by every instance: split sends make their exchange on it.
  HttpEngine& http() const { return host_->http(); }
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
