// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <initializer_list>

#include "core/common/json_reader.hpp"
#include "core/common/json_writer.hpp"
#include "core/common/time.hpp"
#include "core/protocol/request.hpp"

namespace notify::core {
namespace {

using Fields = std::initializer_list<std::string_view>;

constexpr size_t kMaxIdempotencyKey = 128;
const Fields kEnvelope = {"op", "req_id", "app", "token"};
const Fields kSendFields = {"template",        "to",      "vars", "channel",
                            "idempotency_key", "send_at", "tags"};

Error badRequest(std::string message, std::string field) {
  return makeError("bad_request", std::move(message), std::move(field));
}

std::string fieldPath(std::string_view prefix, std::string_view key) {
  std::string path(prefix);
  path += key;
  return path;
}

// Refuses the first member (in document order) named in neither list.
std::optional<Error> checkFields(JsonValue object, Fields allowed, std::string_view prefix,
                                 Fields alsoAllowed = {}) {
  for (JsonMember member : object.members()) {
    auto named = [&](Fields list) {
      return std::find(list.begin(), list.end(), member.key) != list.end();
    };
    if (!named(allowed) && !named(alsoAllowed)) {
      return badRequest("unknown field '" + std::string(member.key) + "'",
                        fieldPath(prefix, member.key));
    }
  }
  return std::nullopt;
}

// Reads an optional string field; a present non-string is an error.
std::optional<Error> readString(JsonValue object, std::string_view key, std::string_view prefix,
                                std::string& out, bool required) {
  auto refuse = [&](const char* rule) {
    return badRequest("'" + std::string(key) + "' " + rule, fieldPath(prefix, key));
  };
  JsonValue value = object.get(key);
  if (!value) {
    return required ? std::optional(refuse("is required")) : std::nullopt;
  }
  if (!value.isString()) {
    return refuse("must be a string");
  }
  out.assign(value.text());
  if (required && out.empty()) {
    return refuse("must not be empty");
  }
  return std::nullopt;
}

// Numbers keep their JSON spelling and booleans become "true"/"false"; pairs come out sorted
// by name.
std::optional<Error> readStringMap(JsonValue object, std::string_view key, std::string_view prefix,
                                   bool scalarsAllowed, KeyValues& out) {
  JsonValue map = object.get(key);
  if (!map.isObject()) {
    return badRequest("'" + std::string(key) + "' must be an object", fieldPath(prefix, key));
  }
  out.reserve(map.size());
  for (JsonMember member : map.members()) {
    bool scalar = member.value.isNumber() || member.value.isBool();
    if (!member.value.isString() && !(scalarsAllowed && scalar)) {
      return badRequest(scalarsAllowed ? "must be a string, number or boolean" : "must be a string",
                        fieldPath(prefix, key) + "." + std::string(member.key));
    }
    out.emplace_back(member.key, member.value.text());
  }
  sortByKey(out);
  return std::nullopt;
}

Result<SendRequest> decodeSend(JsonValue o, std::string_view prefix, Fields envelope) {
  if (auto e = checkFields(o, kSendFields, prefix, envelope)) {
    return *e;
  }
  SendRequest send;
  if (auto e = readString(o, "template", prefix, send.templateName, true)) {
    return *e;
  }
  if (!o.get("to")) {
    return badRequest("'to' is required", fieldPath(prefix, "to"));
  }
  if (auto e = readStringMap(o, "to", prefix, false, send.to)) {
    return *e;
  }
  if (send.to.empty()) {
    return makeError("invalid_recipient", "'to' needs at least one address",
                     fieldPath(prefix, "to"));
  }
  if (o.get("vars")) {
    if (auto e = readStringMap(o, "vars", prefix, true, send.vars)) {
      return *e;
    }
  }
  if (auto e = readString(o, "channel", prefix, send.channel, false)) {
    return *e;
  }
  if (auto e = readString(o, "idempotency_key", prefix, send.idempotencyKey, false)) {
    return *e;
  }
  if (send.idempotencyKey.size() > kMaxIdempotencyKey) {
    return badRequest("'idempotency_key' is longer than 128 bytes",
                      fieldPath(prefix, "idempotency_key"));
  }
  if (JsonValue sendAt = o.get("send_at")) {
    if (!sendAt.isString()) {
      return badRequest("'send_at' must be a string", fieldPath(prefix, "send_at"));
    }
    send.sendAtMs = parseRfc3339(sendAt.text());
    if (!send.sendAtMs) {
      return makeError("invalid_send_at",
                       "'send_at' must be RFC 3339 with an offset, e.g. 2026-11-26T09:00:00+08:00",
                       fieldPath(prefix, "send_at"));
    }
  }
  if (JsonValue tags = o.get("tags")) {
    if (!tags.isArray()) {
      return badRequest("'tags' must be an array of strings", fieldPath(prefix, "tags"));
    }
    send.tags.reserve(tags.size());
    for (JsonValue tag : tags.elements()) {
      if (!tag.isString()) {
        return badRequest("must be a string",
                          fieldPath(prefix, "tags[") + std::to_string(send.tags.size()) + "]");
      }
      send.tags.emplace_back(tag.text());
    }
  }
  return send;
}

Result<Request> decodeBatch(JsonValue o, const DecodeLimits& limits, Request request) {
  JsonValue messages = o.get("messages");
  if (!messages) {
    return badRequest("'messages' is required", "messages");
  }
  if (!messages.isArray()) {
    return badRequest("'messages' must be an array", "messages");
  }
  if (messages.size() == 0) {
    return badRequest("'messages' must not be empty", "messages");
  }
  if (messages.size() > limits.maxBatch) {
    return makeError("batch_too_large",
                     "'messages' has " + std::to_string(messages.size()) + " elements; at most " +
                         std::to_string(limits.maxBatch) + " are allowed",
                     "messages");
  }
  request.batch.reserve(messages.size());
  for (JsonValue item : messages.elements()) {
    std::string element = "messages[" + std::to_string(request.batch.size()) + "]";
    if (!item.isObject()) {
      request.batch.emplace_back(badRequest("must be an object", std::move(element)));
      continue;
    }
    request.batch.push_back(decodeSend(item, element + ".", {}));
  }
  return request;
}

constexpr std::pair<std::string_view, Op> kOps[] = {{"send", Op::kSend},
                                                    {"send_batch", Op::kSendBatch},
                                                    {"status", Op::kStatus},
                                                    {"ping", Op::kPing},
                                                    {"plugins", Op::kPlugins},
                                                    {"dlq_list", Op::kDlqList},
                                                    {"dlq_replay", Op::kDlqReplay},
                                                    {"route_explain", Op::kRouteExplain},
                                                    {"reload", Op::kReload},
                                                    {"cancel", Op::kCancel},
                                                    {"cron_list", Op::kCronList},
                                                    {"cron_run_now", Op::kCronRunNow},
                                                    {"cron_pause", Op::kCronPause},
                                                    {"cron_resume", Op::kCronResume},
                                                    {"cron_runs", Op::kCronRuns},
                                                    {"cron_cancel", Op::kCronCancel},
                                                    {"audience_push", Op::kAudiencePush}};

std::optional<Error> readTime(JsonValue o, std::string_view key, std::optional<int64_t>& out) {
  if (!o.get(key)) {
    return std::nullopt;
  }
  std::string text;
  if (auto e = readString(o, key, "", text, false)) {
    return e;
  }
  out = parseRfc3339(text);
  if (!out) {
    return badRequest("'" + std::string(key) + "' must be RFC 3339 with an offset",
                      std::string(key));
  }
  return std::nullopt;
}

// An optional integer field within [low, high].
std::optional<Error> readLimit(JsonValue o, int64_t low, int64_t high, size_t& out) {
  JsonValue limit = o.get("limit");
  if (!limit) {
    return std::nullopt;
  }
  std::optional<int64_t> value = limit.integer();
  if (!value || *value < low || *value > high) {
    return badRequest(
        "'limit' must be an integer from " + std::to_string(low) + " to " + std::to_string(high),
        "limit");
  }
  out = static_cast<size_t>(*value);
  return std::nullopt;
}

Result<Request> decodeDeadLetters(JsonValue o, Request request) {
  if (auto e =
          checkFields(o, {"message_id", "template", "since", "until", "limit"}, "", kEnvelope)) {
    return *e;
  }
  DeadLetterFilter& f = request.deadLetters;
  if (auto e = readString(o, "message_id", "", f.messageId, false)) {
    return *e;
  }
  if (auto e = readString(o, "template", "", f.templateName, false)) {
    return *e;
  }
  if (auto e = readTime(o, "since", f.sinceMs)) {
    return *e;
  }
  if (auto e = readTime(o, "until", f.untilMs)) {
    return *e;
  }
  if (auto e = readLimit(o, 1, 10000, f.limit)) {
    return *e;
  }
  bool filtered = !f.messageId.empty() || !f.templateName.empty() || f.sinceMs || f.untilMs;
  if (request.op == Op::kDlqReplay && !filtered) {
    return badRequest("dlq_replay needs message_id, template, since or until", "");
  }
  return request;
}

Result<Request> decodeCancel(JsonValue o, Request request) {
  if (auto e = checkFields(o, {"message_id", "idempotency_key", "tag"}, "", kEnvelope)) {
    return *e;
  }
  CancelTarget& c = request.cancel;
  for (auto [key, out] :
       {std::pair{"message_id", &c.messageId}, std::pair{"idempotency_key", &c.idempotencyKey},
        std::pair{"tag", &c.tag}}) {
    if (o.get(key)) {
      if (auto e = readString(o, key, "", *out, true)) {
        return *e;
      }
    }
  }
  int given = !c.messageId.empty() + !c.idempotencyKey.empty() + !c.tag.empty();
  if (given != 1) {
    return badRequest("cancel needs exactly one of message_id, idempotency_key or tag",
                      given == 0 ? "message_id" : "");
  }
  return request;
}

// cron_run_now, cron_pause, cron_resume, cron_cancel, cron_runs: a job name (and a limit).
Result<Request> decodeCronJobOp(JsonValue o, Request request) {
  std::optional<Error> unknown = request.op == Op::kCronRuns
                                     ? checkFields(o, {"job", "limit"}, "", kEnvelope)
                                     : checkFields(o, {"job"}, "", kEnvelope);
  if (auto e = unknown) {
    return *e;
  }
  if (auto e = readString(o, "job", "", request.job, true)) {
    return *e;
  }
  if (auto e = readLimit(o, 1, 1000, request.limit)) {
    return *e;
  }
  return request;
}

Result<Request> decodeAudiencePush(JsonValue o, const DecodeLimits& limits, Request request) {
  if (auto e = checkFields(o, {"list", "rows", "replace"}, "", kEnvelope)) {
    return *e;
  }
  AudiencePush& push = request.audience;
  if (auto e = readString(o, "list", "", push.list, true)) {
    return *e;
  }
  if (JsonValue replace = o.get("replace")) {
    if (!replace.isBool()) {
      return badRequest("'replace' must be true or false", "replace");
    }
    push.replace = replace.kind() == JsonKind::kTrue;
  }
  JsonValue rows = o.get("rows");
  if (!rows.isArray()) {
    return badRequest("'rows' must be an array of {\"to\": {…}, \"vars\": {…}}", "rows");
  }
  if (rows.size() > limits.maxBatch) {
    return makeError("batch_too_large",
                     "'rows' has " + std::to_string(rows.size()) + " elements; at most " +
                         std::to_string(limits.maxBatch) + " are allowed",
                     "rows");
  }
  push.rows.reserve(rows.size());
  for (JsonValue row : rows.elements()) {
    std::string prefix = "rows[" + std::to_string(push.rows.size()) + "].";
    if (!row.isObject()) {
      return badRequest("must be an object", prefix.substr(0, prefix.size() - 1));
    }
    if (auto e = checkFields(row, {"to", "vars"}, prefix)) {
      return *e;
    }
    std::pair<KeyValues, KeyValues> entry;
    if (!row.get("to")) {
      return badRequest("'to' is required", prefix + "to");
    }
    if (auto e = readStringMap(row, "to", prefix, false, entry.first)) {
      return *e;
    }
    if (row.get("vars")) {
      if (auto e = readStringMap(row, "vars", prefix, true, entry.second)) {
        return *e;
      }
    }
    push.rows.push_back(std::move(entry));
  }
  return request;
}

Result<Request> decodeObject(JsonValue o, const DecodeLimits& limits) {
  Request request;
  std::string op;
  if (auto e = readString(o, "op", "", op, true)) {
    return *e;
  }
  const auto* it =
      std::find_if(std::begin(kOps), std::end(kOps), [&](const auto& p) { return op == p.first; });
  if (it == std::end(kOps)) {
    return makeError("unknown_op",
                     "unknown op '" + op +
                         "'; valid: send, send_batch, status, cancel, ping, plugins, dlq_list, "
                         "dlq_replay, route_explain, reload, cron_list, cron_run_now, cron_pause, "
                         "cron_resume, cron_runs, cron_cancel, audience_push",
                     "op");
  }
  request.op = it->second;
  if (request.op != Op::kPing) {
    if (auto e = readString(o, "app", "", request.app, true)) {
      return *e;
    }
    if (auto e = readString(o, "token", "", request.token, true)) {
      return makeError("unauthorized", e->message, e->field);
    }
  }
  switch (request.op) {
    case Op::kSend:
    case Op::kRouteExplain: {
      Result<SendRequest> send = decodeSend(o, "", kEnvelope);
      if (!send) {
        return send.error();
      }
      request.send = std::move(send).value();
      return request;
    }
    case Op::kSendBatch:
      if (auto e = checkFields(o, {"messages"}, "", kEnvelope)) {
        return *e;
      }
      return decodeBatch(o, limits, std::move(request));
    case Op::kStatus:
      if (auto e = checkFields(o, {"message_id"}, "", kEnvelope)) {
        return *e;
      }
      if (auto e = readString(o, "message_id", "", request.messageId, true)) {
        return *e;
      }
      return request;
    case Op::kDlqList:
    case Op::kDlqReplay:
      return decodeDeadLetters(o, std::move(request));
    case Op::kCancel:
      return decodeCancel(o, std::move(request));
    case Op::kCronRunNow:
    case Op::kCronPause:
    case Op::kCronResume:
    case Op::kCronRuns:
    case Op::kCronCancel:
      return decodeCronJobOp(o, std::move(request));
    case Op::kAudiencePush:
      return decodeAudiencePush(o, limits, std::move(request));
    case Op::kCronList:
    case Op::kPing:
    case Op::kPlugins:
    case Op::kReload:
      if (auto e = checkFields(o, kEnvelope, "")) {
        return *e;
      }
      return request;
  }
  return makeError("internal", "unhandled op");
}

// Syntax errors are bad_json (the field stays empty: the text is not a request yet); a
// duplicate key is a bad_request naming the field.
Error jsonError(const JsonError& error) {
  if (error.kind == JsonError::Kind::kDuplicateKey) {
    return badRequest("duplicate field '" + error.path + "'", error.path);
  }
  if (error.kind == JsonError::Kind::kNul) {
    std::string where = error.path.empty() ? "the request" : "field '" + error.path + "'";
    return badRequest(where + " contains \\u0000 (NUL), which no text may contain", error.path);
  }
  std::string message =
      "not valid JSON: " + error.message + " at byte " + std::to_string(error.offset);
  if (!error.path.empty()) {
    message += " (in " + error.path + ")";
  }
  return makeError("bad_json", std::move(message));
}

// req_id is echoed as JSON: a number as spelled, a string re-quoted.
std::optional<Error> readReqId(JsonValue root, std::string& out) {
  JsonValue reqId = root.get("req_id");
  if (!reqId) {
    return std::nullopt;
  }
  if (reqId.isNumber()) {
    out.assign(reqId.text());
  } else if (reqId.isString()) {
    appendJsonString(out, reqId.text());
  } else {
    return badRequest("'req_id' must be a string or a number", "req_id");
  }
  return std::nullopt;
}

}  // namespace

DecodedRequest decodeRequest(std::string_view frame, const DecodeLimits& limits) {
  DecodedRequest decoded;
  if (frame.size() > limits.maxFrameBytes) {
    decoded.request = makeError("frame_too_large",
                                "request is " + std::to_string(frame.size()) + " bytes; at most " +
                                    std::to_string(limits.maxFrameBytes) + " are allowed");
    return decoded;
  }
  try {
    JsonDocument document;
    if (std::optional<JsonError> error = document.parse(frame)) {
      decoded.request = jsonError(*error);
      return decoded;
    }
    JsonValue root = document.root();
    if (!root.isObject()) {
      decoded.request = makeError("bad_json", "the request must be a JSON object");
      return decoded;
    }
    if (auto e = readReqId(root, decoded.reqIdJson)) {
      decoded.request = *e;
      return decoded;
    }
    decoded.request = decodeObject(root, limits);
  } catch (const std::exception& e) {  // std::bad_alloc: the request path replies, never throws
    decoded.request = makeError("bad_request", std::string("malformed request: ") + e.what());
  }
  return decoded;
}

}  // namespace notify::core
