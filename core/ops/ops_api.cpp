// SPDX-License-Identifier: Apache-2.0
#include "core/ops/ops_api.hpp"

#include <charconv>

#include "core/common/json_writer.hpp"
#include "core/common/log.hpp"
#include "core/common/time.hpp"
#include "core/protocol/reply.hpp"

namespace notify::core {
namespace {

constexpr size_t kMaxLimit = 1000;

OpsResponse json(std::string body) {
  return {200, "application/json", std::move(body)};
}

std::string param(const OpsRequest& request, const std::string& name) {
  auto it = request.query.find(name);
  return it == request.query.end() ? std::string() : it->second;
}

// Reads since/until/limit into the query; an error response when one is malformed.
std::optional<OpsResponse> readRange(const OpsRequest& request, int64_t nowMs, int64_t& sinceMs,
                                     int64_t& untilMs) {
  for (auto [name, target] : {std::pair{"since", &sinceMs}, std::pair{"until", &untilMs}}) {
    std::string text = param(request, name);
    if (text.empty()) {
      continue;
    }
    std::optional<int64_t> at = parseSince(text, nowMs);
    if (!at) {
      return opsError(400, "invalid_request",
                      std::string(name) + " must be a duration (30m, 24h, 7d) or RFC 3339 time",
                      name);
    }
    *target = *at;
  }
  return std::nullopt;
}

std::optional<OpsResponse> readLimit(const OpsRequest& request, size_t& limit) {
  std::string text = param(request, "limit");
  if (text.empty()) {
    return std::nullopt;
  }
  size_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > kMaxLimit) {
    return opsError(400, "invalid_request",
                    "limit must be a whole number from 1 to " + std::to_string(kMaxLimit),
                    "limit");
  }
  limit = value;
  return std::nullopt;
}

void writeRecord(JsonWriter& w, const MessageRecord& r, bool reveal) {
  w.beginObject();
  writeMessageFields(w, r);
  w.key("to").beginObject();
  for (const auto& [kind, address] : parseJsonObjectOfStrings(r.toJson)) {
    w.key(kind).value(reveal ? address : maskAddress(normalizeAddress(address)));
  }
  w.endObject();
  w.optional("owner", r.owner).optional("business_line", r.businessLine);
  w.endObject();
}

OpsResponse messages(const OpsSources& s, const OpsRequest& request) {
  MessageQuery q;
  q.id = param(request, "id");
  q.recipient = param(request, "to");
  q.app = param(request, "app");
  q.templateName = param(request, "template");
  q.channel = param(request, "channel");
  q.provider = param(request, "provider");
  if (std::string status = param(request, "status"); !status.empty()) {
    q.state = parseState(status);
    if (!q.state) {
      return opsError(400, "invalid_request", "unknown status '" + status + "'", "status");
    }
  }
  if (auto bad = readRange(request, s.clock(), q.sinceMs, q.untilMs)) {
    return *bad;
  }
  if (auto bad = readLimit(request, q.limit)) {
    return *bad;
  }
  Result<std::vector<MessageRecord>> found = s.store.findMessages(q);
  if (!found) {
    return opsError(503, found.error().code, found.error().message);
  }
  bool reveal = param(request, "reveal") == "1";
  JsonWriter w;
  w.beginObject().key("ok").value(true).key("messages").beginArray();
  for (const auto& r : *found) {
    writeRecord(w, r, reveal);
  }
  w.endArray().endObject();
  return json(w.take());
}

OpsResponse oneMessage(const OpsSources& s, const OpsRequest& request) {
  MessageQuery q;
  q.id = request.path.substr(std::string("/api/messages/").size());
  q.limit = 1;
  Result<std::vector<MessageRecord>> found = s.store.findMessages(q);
  if (!found) {
    return opsError(503, found.error().code, found.error().message);
  }
  if (found->empty()) {
    return opsError(404, "not_found", "no message " + q.id, "id");
  }
  JsonWriter w;
  w.beginObject().key("ok").value(true).key("message");
  writeRecord(w, found->front(), param(request, "reveal") == "1");
  return json(w.endObject().take());
}

OpsResponse stats(const OpsSources& s, const OpsRequest& request) {
  int64_t now = s.clock();
  int64_t since = now - 3600000;
  int64_t until = now;
  if (auto bad = readRange(request, now, since, until)) {
    return *bad;
  }
  Result<std::vector<SendStats>> rows = s.store.sendStats(since, until);
  if (!rows) {
    return opsError(503, rows.error().code, rows.error().message);
  }
  JsonWriter w;
  w.beginObject().key("ok").value(true);
  w.key("since").value(formatRfc3339Ms(since)).key("until").value(formatRfc3339Ms(until));
  w.key("rows").beginArray();
  for (const auto& r : *rows) {
    w.beginObject().key("app").value(r.app).key("channel").value(r.channel);
    w.key("provider").value(r.provider).key("total").value(r.total).key("delivered").value(r.delivered);
    w.key("failed").value(r.failed).key("pending").value(r.pending);
    w.key("rate_limited").value(r.rateLimited).endObject();
  }
  w.endArray().endObject();
  return json(w.take());
}

OpsResponse alerts(const OpsSources& s, const OpsRequest& request) {
  int64_t now = s.clock();
  int64_t since = now - 86400000;
  int64_t until = now;
  size_t limit = 100;
  if (auto bad = readRange(request, now, since, until)) {
    return *bad;
  }
  if (auto bad = readLimit(request, limit)) {
    return *bad;
  }
  Result<std::vector<AlertEvent>> history = s.store.alertHistory(since, limit);
  if (!history) {
    return opsError(503, history.error().code, history.error().message);
  }
  JsonWriter w;
  w.beginObject().key("ok").value(true).key("alerts").beginArray();
  for (const auto& a : *history) {
    w.beginObject().key("at").value(formatRfc3339Ms(a.atMs)).key("rule").value(a.rule);
    w.key("state").value(a.firing ? "firing" : "resolved");
    w.key("value").raw(std::to_string(a.value)).key("detail").value(a.detail).endObject();
  }
  w.endArray().endObject();
  return json(w.take());
}

}  // namespace

std::optional<int64_t> parseSince(std::string_view text, int64_t nowMs) {
  if (text.size() >= 2) {
    int64_t amount = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, amount);
    if (ec == std::errc() && end == text.data() + text.size() - 1 && amount >= 0) {
      switch (text.back()) {
        case 's':
          return nowMs - amount * 1000;
        case 'm':
          return nowMs - amount * 60000;
        case 'h':
          return nowMs - amount * 3600000;
        case 'd':
          return nowMs - amount * 86400000;
        default:
          break;
      }
    }
  }
  return parseRfc3339(text);
}

std::map<std::string, OpsHandler> opsRoutes(const OpsSources& sources) {
  const OpsSources s = sources;
  std::map<std::string, OpsHandler> routes;
  routes["/metrics"] = [s](const OpsRequest&) {
    return OpsResponse{200, "text/plain; version=0.0.4; charset=utf-8",
                       s.metrics.registry().exposition()};
  };
  routes["/healthz"] = [](const OpsRequest&) { return json(R"({"ok":true})"); };
  routes["/readyz"] = [s](const OpsRequest&) {
    Result<void> ready = s.ready();
    return ready ? json(R"({"ok":true})")
                 : opsError(503, ready.error().code, ready.error().message);
  };
  routes["/api/messages"] = [s](const OpsRequest& r) { return messages(s, r); };
  routes["/api/messages/"] = [s](const OpsRequest& r) { return oneMessage(s, r); };
  routes["/api/stats"] = [s](const OpsRequest& r) { return stats(s, r); };
  routes["/api/alerts"] = [s](const OpsRequest& r) { return alerts(s, r); };
  return routes;
}

}  // namespace notify::core
