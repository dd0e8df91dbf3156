// SPDX-License-Identifier: Apache-2.0
// The host side of parse_receipts (ABI minor 1): a plugin built against minor 0 has a shorter
// descriptor, so the hook is read only when struct_size covers it.
#include <cstddef>
#include <cstring>

#include "core/common/utf8.hpp"
#include "core/plugin/channel_instance.hpp"

namespace notify::core {
namespace {

constexpr size_t kMaxReceiptsPerRequest = 1000;
constexpr size_t kReplyCap = 4096;
constexpr size_t kErrCap = 512;

using ReceiptsHook = decltype(notify_channel_v1::parse_receipts);

ReceiptsHook hookOf(const notify_channel_v1& d) {
  constexpr size_t kEnd = offsetof(notify_channel_v1, parse_receipts) + sizeof(ReceiptsHook);
  return d.struct_size >= kEnd ? d.parse_receipts : nullptr;
}

std::vector<notify_kv> kvOf(const KeyValues& pairs) {
  std::vector<notify_kv> out;
  out.reserve(pairs.size());
  for (const auto& [key, value] : pairs) {
    out.push_back({{key.data(), key.size()}, {value.data(), value.size()}});
  }
  return out;
}

// A fixed-size field of a receipt as stored text: up to its NUL or its end (a plugin may have
// filled it without one), well-formed UTF-8 whatever the plugin copied from the report.
template <size_t N>
std::string textOf(const char (&field)[N]) {
  return toValidUtf8(std::string_view(field, strnlen(field, N)));
}

}  // namespace

bool ChannelInstance::acceptsReceipts() const {
  return hookOf(library_->descriptor()) != nullptr;
}

Result<ParsedReceipts> ChannelInstance::parseReceipts(const InboundReport& report) const {
  ReceiptsHook hook = hookOf(library_->descriptor());
  if (hook == nullptr) {
    return makeError("not_found", "provider '" + name_ + "' takes no delivery reports");
  }
  std::vector<notify_kv> query = kvOf(report.query);
  std::vector<notify_kv> headers = kvOf(report.headers);
  notify_http_inbound raw{};
  raw.struct_size = sizeof(raw);
  raw.method = {report.method.data(), report.method.size()};
  raw.query = query.data();
  raw.query_count = query.size();
  raw.headers = headers.data();
  raw.header_count = headers.size();
  raw.body = {report.body.data(), report.body.size()};
  std::vector<notify_receipt> out(kMaxReceiptsPerRequest);
  std::string reply(kReplyCap, '\0');
  char err[kErrCap] = {0};
  int32_t n =
      hook(instance_, &raw, out.data(), out.size(), reply.data(), reply.size(), err, sizeof(err));
  if (n < 0) {
    // An inauthentic request is told apart so the endpoint can answer 403 rather than 400.
    return makeError(n == NOTIFY_RECEIPT_INAUTHENTIC ? "forbidden" : "invalid_request",
                     "provider '" + name_ + "' refused the report: " + err);
  }
  ParsedReceipts parsed;
  parsed.reply = reply.c_str();
  for (int32_t i = 0; i < n; ++i) {
    const notify_receipt& r = out[static_cast<size_t>(i)];
    parsed.receipts.push_back({r.status == NOTIFY_DELIVERED, textOf(r.provider_message_id),
                               textOf(r.code), textOf(r.detail)});
  }
  return parsed;
}

}  // namespace notify::core
