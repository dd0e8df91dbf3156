// SPDX-License-Identifier: Apache-2.0
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>

#include "core/common/time.hpp"
#include "core/protocol/request.hpp"

namespace notify::core {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr size_t kMaxIdempotencyKey = 128;

Error badRequest(std::string message, std::string field) {
  return makeError("bad_request", std::move(message), std::move(field));
}

bool isObject(const Var& v) {
  return v.type() == typeid(Object::Ptr);
}
bool isArray(const Var& v) {
  return v.type() == typeid(Array::Ptr);
}

std::optional<Error> checkFields(const Object& object, const std::vector<std::string>& allowed,
                                 const std::string& prefix) {
  for (const auto& [key, value] : object) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return badRequest("unknown field '" + key + "'", prefix + key);
    }
  }
  return std::nullopt;
}

// Reads an optional string field; a present non-string is an error.
std::optional<Error> readString(const Object& object, const std::string& key,
                                const std::string& prefix, std::string& out, bool required) {
  if (!object.has(key)) {
    return required ? std::optional(badRequest("'" + key + "' is required", prefix + key))
                    : std::nullopt;
  }
  Var value = object.get(key);
  if (!value.isString()) {
    return badRequest("'" + key + "' must be a string", prefix + key);
  }
  out = value.extract<std::string>();
  if (required && out.empty()) {
    return badRequest("'" + key + "' must not be empty", prefix + key);
  }
  return std::nullopt;
}

std::optional<Error> readStringMap(const Object& object, const std::string& key,
                                   const std::string& prefix, bool scalarsAllowed, KeyValues& out) {
  Var value = object.get(key);
  if (!isObject(value)) {
    return badRequest("'" + key + "' must be an object", prefix + key);
  }
  const Object& map = *value.extract<Object::Ptr>();
  for (const auto& [name, item] : map) {
    std::string field = prefix + key + "." + name;
    if (item.isString()) {
      out.emplace_back(name, item.extract<std::string>());
    } else if (scalarsAllowed && (item.isNumeric() || item.isBoolean())) {
      out.emplace_back(name, item.convert<std::string>());
    } else {
      return badRequest(scalarsAllowed ? "must be a string, number or boolean" : "must be a string",
                        field);
    }
  }
  return std::nullopt;
}

Result<SendRequest> decodeSend(const Object& o, const std::string& prefix,
                               const std::vector<std::string>& envelopeFields) {
  std::vector<std::string> allowed = {"template",        "to",      "vars", "channel",
                                      "idempotency_key", "send_at", "tags"};
  allowed.insert(allowed.end(), envelopeFields.begin(), envelopeFields.end());
  if (auto e = checkFields(o, allowed, prefix)) {
    return *e;
  }
  SendRequest send;
  if (auto e = readString(o, "template", prefix, send.templateName, true)) {
    return *e;
  }
  if (!o.has("to")) {
    return badRequest("'to' is required", prefix + "to");
  }
  if (auto e = readStringMap(o, "to", prefix, false, send.to)) {
    return *e;
  }
  if (send.to.empty()) {
    return makeError("invalid_recipient", "'to' needs at least one address", prefix + "to");
  }
  if (o.has("vars")) {
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
    return badRequest("'idempotency_key' is longer than 128 bytes", prefix + "idempotency_key");
  }
  std::string sendAt;
  if (auto e = readString(o, "send_at", prefix, sendAt, false)) {
    return *e;
  }
  if (o.has("send_at")) {
    send.sendAtMs = parseRfc3339(sendAt);
    if (!send.sendAtMs) {
      return makeError("invalid_send_at",
                       "'send_at' must be RFC 3339 with an offset, e.g. 2026-11-26T09:00:00+08:00",
                       prefix + "send_at");
    }
  }
  if (o.has("tags")) {
    Var tags = o.get("tags");
    if (!isArray(tags)) {
      return badRequest("'tags' must be an array of strings", prefix + "tags");
    }
    const Array& array = *tags.extract<Array::Ptr>();
    for (size_t i = 0; i < array.size(); ++i) {
      if (!array.get(static_cast<unsigned>(i)).isString()) {
        return badRequest("must be a string", prefix + "tags[" + std::to_string(i) + "]");
      }
      send.tags.push_back(array.get(static_cast<unsigned>(i)).extract<std::string>());
    }
  }
  return send;
}

Result<Request> decodeBatch(const Object& o, const DecodeLimits& limits, Request request) {
  if (!o.has("messages")) {
    return badRequest("'messages' is required", "messages");
  }
  Var messages = o.get("messages");
  if (!isArray(messages)) {
    return badRequest("'messages' must be an array", "messages");
  }
  const Array& array = *messages.extract<Array::Ptr>();
  if (array.size() == 0) {
    return badRequest("'messages' must not be empty", "messages");
  }
  if (array.size() > limits.maxBatch) {
    return makeError("batch_too_large",
                     "'messages' has " + std::to_string(array.size()) + " elements; at most " +
                         std::to_string(limits.maxBatch) + " are allowed",
                     "messages");
  }
  for (size_t i = 0; i < array.size(); ++i) {
    std::string prefix = "messages[" + std::to_string(i) + "].";
    Var item = array.get(static_cast<unsigned>(i));
    if (!isObject(item)) {
      request.batch.emplace_back(
          badRequest("must be an object", prefix.substr(0, prefix.size() - 1)));
      continue;
    }
    request.batch.push_back(decodeSend(*item.extract<Object::Ptr>(), prefix, {}));
  }
  return request;
}

const std::vector<std::pair<const char*, Op>> kOps = {{"send", Op::kSend},
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

std::optional<Error> readTime(const Object& o, const std::string& key,
                              std::optional<int64_t>& out) {
  if (!o.has(key)) {
    return std::nullopt;
  }
  std::string text;
  if (auto e = readString(o, key, "", text, false)) {
    return e;
  }
  out = parseRfc3339(text);
  if (!out) {
    return badRequest("'" + key + "' must be RFC 3339 with an offset", key);
  }
  return std::nullopt;
}

Result<Request> decodeDeadLetters(const Object& o, Request request) {
  std::vector<std::string> allowed = {"op",       "req_id", "app",   "token", "message_id",
                                      "template", "since",  "until", "limit"};
  if (auto e = checkFields(o, allowed, "")) {
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
  if (o.has("limit")) {
    Var limit = o.get("limit");
    if (!limit.isInteger() || limit.convert<int64_t>() < 1 || limit.convert<int64_t>() > 10000) {
      return badRequest("'limit' must be an integer from 1 to 10000", "limit");
    }
    f.limit = limit.convert<size_t>();
  }
  bool filtered = !f.messageId.empty() || !f.templateName.empty() || f.sinceMs || f.untilMs;
  if (request.op == Op::kDlqReplay && !filtered) {
    return badRequest("dlq_replay needs message_id, template, since or until", "");
  }
  return request;
}

Result<Request> decodeCancel(const Object& o, Request request) {
  if (auto e = checkFields(
          o, {"op", "req_id", "app", "token", "message_id", "idempotency_key", "tag"}, "")) {
    return *e;
  }
  CancelTarget& c = request.cancel;
  for (auto [key, out] :
       {std::pair{"message_id", &c.messageId}, std::pair{"idempotency_key", &c.idempotencyKey},
        std::pair{"tag", &c.tag}}) {
    if (o.has(key)) {
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
Result<Request> decodeCronJobOp(const Object& o, Request request) {
  std::vector<std::string> allowed = {"op", "req_id", "app", "token", "job"};
  if (request.op == Op::kCronRuns) {
    allowed.push_back("limit");
  }
  if (auto e = checkFields(o, allowed, "")) {
    return *e;
  }
  if (auto e = readString(o, "job", "", request.job, true)) {
    return *e;
  }
  if (o.has("limit")) {
    Var limit = o.get("limit");
    if (!limit.isInteger() || limit.convert<int64_t>() < 1 || limit.convert<int64_t>() > 1000) {
      return badRequest("'limit' must be an integer from 1 to 1000", "limit");
    }
    request.limit = limit.convert<size_t>();
  }
  return request;
}

Result<Request> decodeAudiencePush(const Object& o, const DecodeLimits& limits, Request request) {
  if (auto e = checkFields(o, {"op", "req_id", "app", "token", "list", "rows", "replace"}, "")) {
    return *e;
  }
  AudiencePush& push = request.audience;
  if (auto e = readString(o, "list", "", push.list, true)) {
    return *e;
  }
  if (o.has("replace")) {
    if (!o.get("replace").isBoolean()) {
      return badRequest("'replace' must be true or false", "replace");
    }
    push.replace = o.get("replace").convert<bool>();
  }
  Var rows = o.get("rows");
  if (!isArray(rows)) {
    return badRequest("'rows' must be an array of {\"to\": {…}, \"vars\": {…}}", "rows");
  }
  const Array& array = *rows.extract<Array::Ptr>();
  if (array.size() > limits.maxBatch) {
    return makeError("batch_too_large",
                     "'rows' has " + std::to_string(array.size()) + " elements; at most " +
                         std::to_string(limits.maxBatch) + " are allowed",
                     "rows");
  }
  for (size_t i = 0; i < array.size(); ++i) {
    std::string prefix = "rows[" + std::to_string(i) + "].";
    Var item = array.get(static_cast<unsigned>(i));
    if (!isObject(item)) {
      return badRequest("must be an object", prefix.substr(0, prefix.size() - 1));
    }
    const Object& row = *item.extract<Object::Ptr>();
    if (auto e = checkFields(row, {"to", "vars"}, prefix)) {
      return *e;
    }
    std::pair<KeyValues, KeyValues> entry;
    if (!row.has("to")) {
      return badRequest("'to' is required", prefix + "to");
    }
    if (auto e = readStringMap(row, "to", prefix, false, entry.first)) {
      return *e;
    }
    if (row.has("vars")) {
      if (auto e = readStringMap(row, "vars", prefix, true, entry.second)) {
        return *e;
      }
    }
    push.rows.push_back(std::move(entry));
  }
  return request;
}

Result<Request> decodeObject(const Object& o, const DecodeLimits& limits) {
  Request request;
  std::string op;
  if (auto e = readString(o, "op", "", op, true)) {
    return *e;
  }
  auto it = std::find_if(kOps.begin(), kOps.end(), [&](const auto& p) { return op == p.first; });
  if (it == kOps.end()) {
    return makeError("unknown_op",
                     "unknown op '" + op +
                         "'; valid: send, send_batch, status, cancel, ping, plugins, dlq_list, "
                         "dlq_replay, route_explain, reload, cron_list, cron_run_now, cron_pause, "
                         "cron_resume, cron_runs, cron_cancel, audience_push",
                     "op");
  }
  request.op = it->second;
  const std::vector<std::string> envelope = {"op", "req_id", "app", "token"};
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
      Result<SendRequest> send = decodeSend(o, "", envelope);
      if (!send) {
        return send.error();
      }
      request.send = std::move(send).value();
      return request;
    }
    case Op::kSendBatch: {
      std::vector<std::string> allowed = envelope;
      allowed.push_back("messages");
      if (auto e = checkFields(o, allowed, "")) {
        return *e;
      }
      return decodeBatch(o, limits, std::move(request));
    }
    case Op::kStatus: {
      std::vector<std::string> allowed = envelope;
      allowed.push_back("message_id");
      if (auto e = checkFields(o, allowed, "")) {
        return *e;
      }
      if (auto e = readString(o, "message_id", "", request.messageId, true)) {
        return *e;
      }
      return request;
    }
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
      if (auto e = checkFields(o, envelope, "")) {
        return *e;
      }
      return request;
  }
  return makeError("internal", "unhandled op");
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
  Var root;
  try {
    Poco::JSON::Parser parser;
    root = parser.parse(std::string(frame));
  } catch (const Poco::Exception& e) {
    decoded.request = makeError("bad_json", "not valid JSON: " + e.message());
    return decoded;
  } catch (const std::exception& e) {
    decoded.request = makeError("bad_json", std::string("not valid JSON: ") + e.what());
    return decoded;
  }
  if (!isObject(root)) {
    decoded.request = makeError("bad_json", "the request must be a JSON object");
    return decoded;
  }
  const Object& object = *root.extract<Object::Ptr>();
  try {
    if (object.has("req_id")) {
      Var reqId = object.get("req_id");
      if (reqId.isString()) {
        decoded.reqIdJson = Var::toString(reqId);
      } else if (reqId.isNumeric()) {
        decoded.reqIdJson = reqId.convert<std::string>();
      } else {
        decoded.request = badRequest("'req_id' must be a string or a number", "req_id");
        return decoded;
      }
    }
    decoded.request = decodeObject(object, limits);
  } catch (const std::exception& e) {
    decoded.request = makeError("bad_request", std::string("malformed request: ") + e.what());
  }
  return decoded;
}

}  // namespace notify::core
