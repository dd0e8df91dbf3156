// SPDX-License-Identifier: Apache-2.0
// The host side of prepare/complete (ABI minor 2): a plugin built against an older minor has a
// shorter descriptor, so the hooks are read only when struct_size covers them.
#include <cstddef>

#include "core/plugin/channel_instance.hpp"
#include "core/plugin/result_buffers.hpp"

namespace notify::core {
namespace {

using CompleteHook = decltype(notify_channel_v1::complete);
constexpr size_t kMinor2End = offsetof(notify_channel_v1, complete) + sizeof(CompleteHook);

std::string text(notify_str s) {
  return s.size == 0 ? std::string() : std::string(s.data, s.size);
}

// What the plugin handed to emit during one prepare call.
struct Emitted {
  int count = 0;
  HttpCall call;
  uint32_t requestedTimeoutMs = 0;
};

void emit(void* ctx, const notify_http_request* request) noexcept {
  auto& emitted = *static_cast<Emitted*>(ctx);
  if (++emitted.count > 1 || request == nullptr) {
    return;
  }
  try {
    emitted.call.method = text(request->method);
    emitted.call.url = text(request->url);
    emitted.call.body = text(request->body);
    emitted.call.headers.reserve(request->header_count);
    for (size_t i = 0; i < request->header_count; ++i) {
      emitted.call.headers.emplace_back(text(request->headers[i].key),
                                        text(request->headers[i].value));
    }
    emitted.requestedTimeoutMs = request->timeout_ms;
  } catch (...) {
    emitted.count = -1000;  // out of memory: reported as a plugin-side failure below
  }
}

PreparedSend done(SendOutcome outcome) {
  PreparedSend prepared;
  prepared.kind = PreparedSend::Kind::kDone;
  prepared.outcome = std::move(outcome);
  return prepared;
}

PreparedSend internalError(std::string detail) {
  SendOutcome outcome;
  outcome.status = NOTIFY_INTERNAL_ERROR;
  outcome.detail = std::move(detail);
  return done(std::move(outcome));
}

}  // namespace

bool ChannelInstance::splitsSend() const {
  const notify_channel_v1& d = library_->descriptor();
  return d.struct_size >= kMinor2End && d.prepare != nullptr && d.complete != nullptr;
}

PreparedSend ChannelInstance::prepare(const PluginMessage& message) const {
  const notify_channel_v1& d = library_->descriptor();
  ResultBuffers out;
  Emitted emitted;
  const int32_t rc = d.prepare(instance_, message.raw(), &emit, &emitted, &out.raw);
  if (rc == NOTIFY_PREPARE_USE_SEND) {
    PreparedSend prepared;
    prepared.kind = PreparedSend::Kind::kUseSend;
    return prepared;
  }
  if (rc == NOTIFY_PREPARE_DONE) {
    return done(out.outcome());
  }
  if (rc != NOTIFY_PREPARED) {
    return internalError("plugin prepare returned unknown value " + std::to_string(rc));
  }
  if (emitted.count != 1) {
    return internalError("plugin prepared " + std::to_string(std::max(emitted.count, 0)) +
                         " requests for one message; exactly one is expected");
  }
  const int64_t timeout = exchangeTimeoutMs(emitted.requestedTimeoutMs, message.deadlineUnixMs());
  if (timeout == 0) {
    return done(
        complete(message, HttpOutcome{NOTIFY_HOST_TIMEOUT, "message deadline already passed", {}}));
  }
  PreparedSend prepared;
  prepared.kind = PreparedSend::Kind::kRequest;
  prepared.call = std::move(emitted.call);
  prepared.call.timeoutMs = static_cast<uint32_t>(timeout);
  return prepared;
}

SendOutcome ChannelInstance::complete(const PluginMessage& message,
                                      const HttpOutcome& exchange) const {
  std::vector<notify_kv> headers;
  headers.reserve(exchange.reply.headers.size());
  for (const auto& [name, value] : exchange.reply.headers) {
    headers.push_back({{name.data(), name.size()}, {value.data(), value.size()}});
  }
  notify_http_response response{};
  response.struct_size = sizeof(response);
  response.status = exchange.reply.status;
  response.headers = headers.data();
  response.header_count = headers.size();
  response.body = {exchange.reply.body.data(), exchange.reply.body.size()};
  ResultBuffers out;
  library_->descriptor().complete(instance_, message.raw(), exchange.code,
                                  {exchange.error.data(), exchange.error.size()},
                                  exchange.code == NOTIFY_HOST_OK ? &response : nullptr, &out.raw);
  return out.outcome();
}

}  // namespace notify::core
