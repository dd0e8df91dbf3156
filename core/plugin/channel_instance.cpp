// SPDX-License-Identifier: Apache-2.0
#include "core/plugin/channel_instance.hpp"

#include <array>

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
    std::shared_ptr<HttpClientPool> http, HostServices::Clock clock) {
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

SendOutcome ChannelInstance::send(const OutboundMessage& message) {
  std::vector<notify_kv> to = toKv(message.to);
  std::vector<notify_kv> vars = toKv(message.vars);
  std::vector<notify_kv> attrs = toKv(message.attrs);
  notify_message raw{};
  raw.struct_size = sizeof(raw);
  raw.message_id = view(message.id);
  raw.app = view(message.app);
  raw.template_name = view(message.templateName);
  raw.channel = view(message.channel);
  raw.to = to.data();
  raw.to_count = to.size();
  raw.subject = view(message.subject);
  raw.body = view(message.body);
  raw.vars = vars.data();
  raw.vars_count = vars.size();
  raw.attrs = attrs.data();
  raw.attrs_count = attrs.size();
  raw.attempt = message.attempt;
  raw.deadline_unix_ms = message.deadlineUnixMs;

  std::array<char, 128> code{};
  std::array<char, 256> providerId{};
  std::array<char, 1024> detail{};
  notify_result out{};
  out.struct_size = sizeof(out);
  out.status = NOTIFY_INTERNAL_ERROR;
  out.provider_code = code.data();
  out.provider_code_cap = code.size();
  out.provider_message_id = providerId.data();
  out.provider_message_id_cap = providerId.size();
  out.detail = detail.data();
  out.detail_cap = detail.size();

  {
    CallDeadlineScope deadline(message.deadlineUnixMs);
    const notify_channel_v1& d = library_->descriptor();
    if ((d.flags & NOTIFY_CHANNEL_THREADSAFE_SEND) != 0) {
      d.send(instance_, &raw, &out);
    } else {
      std::lock_guard lock(sendMutex_);
      d.send(instance_, &raw, &out);
    }
  }
  SendOutcome outcome;
  bool known = out.status >= NOTIFY_DELIVERED && out.status <= NOTIFY_INTERNAL_ERROR;
  outcome.status = known ? static_cast<notify_status>(out.status) : NOTIFY_INTERNAL_ERROR;
  // Terminate defensively: a plugin may have filled a buffer without the NUL.
  code.back() = providerId.back() = detail.back() = '\0';
  outcome.providerCode = code.data();
  outcome.providerMessageId = providerId.data();
  outcome.detail =
      known ? detail.data() : "plugin returned unknown status " + std::to_string(out.status);
  outcome.retryAfterMs = out.retry_after_ms > 0 ? out.retry_after_ms : 0;
  return outcome;
}

}  // namespace notify::core
