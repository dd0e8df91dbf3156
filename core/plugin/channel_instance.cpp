// SPDX-License-Identifier: Apache-2.0
#include "core/plugin/channel_instance.hpp"

#include <array>

#include "core/common/utf8.hpp"
#include "core/plugin/result_buffers.hpp"

namespace notify::core {
namespace {

notify_str view(const std::string& s) {
  return notify_str{s.data(), s.size()};
}

std::vector<notify_kv> toKv(const KeyValues& pairs) {
  std::vector<notify_kv> kv;
  kv.reserve(pairs.size());
  for (const auto& [key, value] : pairs) {
    kv.push_back({view(key), view(value)});
  }
  return kv;
}

}  // namespace

const char* statusName(notify_status status) {
  switch (status) {
    case NOTIFY_DELIVERED:
      return "delivered";
    case NOTIFY_ACCEPTED:
      return "accepted";
    case NOTIFY_RETRY:
      return "retry";
    case NOTIFY_RATE_LIMITED:
      return "rate_limited";
    case NOTIFY_REJECTED:
      return "rejected";
    case NOTIFY_BAD_CONFIG:
      return "bad_config";
    case NOTIFY_INTERNAL_ERROR:
      break;
  }
  return "internal_error";
}

ChannelInstance::ChannelInstance(std::shared_ptr<const PluginLibrary> library, std::string name,
                                 std::unique_ptr<HostServices> host)
    : library_(std::move(library)), name_(std::move(name)), host_(std::move(host)) {}

Result<std::unique_ptr<ChannelInstance>> ChannelInstance::create(
    std::shared_ptr<const PluginLibrary> library, std::string name, const KeyValues& config,
    std::shared_ptr<HttpEngine> http, HostServices::Clock clock) {
  const notify_channel_v1& d = library->descriptor();
  std::vector<notify_kv> kv = toKv(config);
  std::array<char, 1024> err{};
  if (d.validate != nullptr) {
    int32_t status = d.validate(kv.data(), kv.size(), err.data(), err.size());
    if (status != 0) {
      return makeError("bad_config", err.data());
    }
  }
  auto host = std::make_unique<HostServices>(name, std::move(http), std::move(clock));
  std::unique_ptr<ChannelInstance> instance(
      new ChannelInstance(std::move(library), std::move(name), std::move(host)));
  void* handle = nullptr;
  int32_t status =
      d.create(instance->host_->api(), kv.data(), kv.size(), &handle, err.data(), err.size());
  if (status != 0 || handle == nullptr) {
    std::string code = status == NOTIFY_BAD_CONFIG ? "bad_config" : "plugin_error";
    std::string reason = err[0] != '\0' ? err.data() : "create failed without a reason";
    return makeError(code, reason);
  }
  instance->instance_ = handle;
  return instance;
}

ChannelInstance::~ChannelInstance() {
  if (instance_ != nullptr) {
    library_->descriptor().destroy(instance_);
  }
}

PluginMessage::PluginMessage(const OutboundMessage& message)
    : to_(toKv(message.to)), vars_(toKv(message.vars)), attrs_(toKv(message.attrs)) {
  raw_.struct_size = sizeof(raw_);
  raw_.message_id = view(message.id);
  raw_.app = view(message.app);
  raw_.template_name = view(message.templateName);
  raw_.channel = view(message.channel);
  raw_.to = to_.data();
  raw_.to_count = to_.size();
  raw_.subject = view(message.subject);
  raw_.body = view(message.body);
  raw_.vars = vars_.data();
  raw_.vars_count = vars_.size();
  raw_.attrs = attrs_.data();
  raw_.attrs_count = attrs_.size();
  raw_.attempt = message.attempt;
  raw_.deadline_unix_ms = message.deadlineUnixMs;
}

ResultBuffers::ResultBuffers() {
  raw.struct_size = sizeof(raw);
  raw.status = NOTIFY_INTERNAL_ERROR;
  raw.provider_code = code.data();
  raw.provider_code_cap = code.size();
  raw.provider_message_id = providerId.data();
  raw.provider_message_id_cap = providerId.size();
  raw.detail = detail.data();
  raw.detail_cap = detail.size();
}

SendOutcome ResultBuffers::outcome() {
  SendOutcome outcome;
  bool known = raw.status >= NOTIFY_DELIVERED && raw.status <= NOTIFY_INTERNAL_ERROR;
  outcome.status = known ? static_cast<notify_status>(raw.status) : NOTIFY_INTERNAL_ERROR;
  // Terminate defensively: a plugin may have filled a buffer without the NUL. The text is made
  // well-formed UTF-8 (a provider's GBK error text, a character cut at the buffer's end): it is
  // stored, and PostgreSQL would refuse the whole commit it is part of.
  code.back() = providerId.back() = detail.back() = '\0';
  outcome.providerCode = toValidUtf8(code.data());
  outcome.providerMessageId = toValidUtf8(providerId.data());
  outcome.detail = known ? toValidUtf8(detail.data())
                         : "plugin returned unknown status " + std::to_string(raw.status);
  outcome.retryAfterMs = raw.retry_after_ms > 0 ? raw.retry_after_ms : 0;
  return outcome;
}

SendOutcome ChannelInstance::send(const OutboundMessage& message) {
  PluginMessage raw(message);
  ResultBuffers out;
  CallDeadlineScope deadline(message.deadlineUnixMs);
  const notify_channel_v1& d = library_->descriptor();
  if ((d.flags & NOTIFY_CHANNEL_THREADSAFE_SEND) != 0) {
    d.send(instance_, raw.raw(), &out.raw);
  } else {
    std::lock_guard lock(sendMutex_);
    d.send(instance_, raw.raw(), &out.raw);
  }
  return out.outcome();
}

}  // namespace notify::core
