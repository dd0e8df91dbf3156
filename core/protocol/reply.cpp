// SPDX-License-Identifier: Apache-2.0
#include "core/protocol/reply.hpp"

#include "core/common/time.hpp"

namespace notify::core {
namespace {

void writeError(JsonWriter& w, const Error& error) {
  w.key("error").beginObject();
  w.key("code").value(error.code).key("message").value(error.message);
  w.optional("field", error.field);
  w.endObject();
}

void writeAccepted(JsonWriter& w, const Accepted& a) {
  w.key("message_id").value(a.messageId).key("status").value(a.status);
  w.optional("duplicate_of", a.duplicateOf);
  w.optional("reason", a.reason);
}

}  // namespace

JsonWriter beginReply(const std::string& reqIdJson, bool ok) {
  JsonWriter w;
  w.beginObject().key("ok").value(ok);
  if (!reqIdJson.empty()) {
    w.key("req_id").raw(reqIdJson);
  }
  return w;
}

std::string encodeError(const std::string& reqIdJson, const Error& error) {
  JsonWriter w = beginReply(reqIdJson, false);
  writeError(w, error);
  return w.endObject().take();
}

std::string encodeAccepted(const std::string& reqIdJson, const Accepted& accepted) {
  JsonWriter w = beginReply(reqIdJson, true);
  writeAccepted(w, accepted);
  return w.endObject().take();
}

std::string encodeBatch(const std::string& reqIdJson, const std::vector<Result<Accepted>>& items) {
  JsonWriter w = beginReply(reqIdJson, true);
  w.key("results").beginArray();
  for (const auto& item : items) {
    w.beginObject().key("ok").value(item.ok());
    if (item) {
      writeAccepted(w, item.value());
    } else {
      writeError(w, item.error());
    }
    w.endObject();
  }
  w.endArray();
  return w.endObject().take();
}

void writeMessageFields(JsonWriter& w, const MessageRecord& r) {
  w.key("message_id").value(r.id).key("app").value(r.app).key("template").value(r.templateName);
  w.key("channel").value(r.channel).key("state").value(stateName(r.state));
  w.optional("lane", r.lane);
  w.optional("provider", r.provider);
  w.optional("provider_message_id", r.providerMessageId);
  w.key("attempts").value(static_cast<int64_t>(r.attempts));
  w.key("created_at").value(formatRfc3339Ms(r.createdMs));
  w.key("updated_at").value(formatRfc3339Ms(r.updatedMs));
  if (!r.reqId.empty()) {
    w.key("req_id").raw(r.reqId);  // stored as the caller's JSON
  }
  if (!r.tagsJson.empty()) {
    w.key("tags").raw(r.tagsJson);
  }
  w.key("events").beginArray();
  for (const auto& e : r.events) {
    w.beginObject();
    w.key("at").value(formatRfc3339Ms(e.atMs)).key("state").value(stateName(e.state));
    w.key("actor").value(e.actor);
    w.optional("provider", e.provider);
    w.optional("code", e.code);
    w.optional("detail", e.detail);
    w.endObject();
  }
  w.endArray();
}

std::string encodeStatus(const std::string& reqIdJson, const MessageRecord& r) {
  JsonWriter w = beginReply(reqIdJson, true);
  w.key("message").beginObject();
  writeMessageFields(w, r);
  w.endObject();
  return w.endObject().take();
}

std::string encodeDeadLetters(const std::string& reqIdJson, const std::vector<DeadLetter>& letters) {
  JsonWriter w = beginReply(reqIdJson, true);
  w.key("dead_letters").beginArray();
  for (const auto& d : letters) {
    w.beginObject().key("message_id").value(d.id).key("template").value(d.templateName);
    w.key("channel").value(d.channel);
    w.optional("provider", d.provider);
    w.key("attempts").value(static_cast<int64_t>(d.attempts));
    w.key("created_at").value(formatRfc3339Ms(d.createdMs));
    w.key("failed_at").value(formatRfc3339Ms(d.failedMs));
    w.optional("code", d.code);
    w.optional("detail", d.detail);
    w.endObject();
  }
  w.endArray();
  return w.endObject().take();
}

std::string encodeReplayed(const std::string& reqIdJson, size_t count) {
  JsonWriter w = beginReply(reqIdJson, true);
  w.key("replayed").value(static_cast<int64_t>(count));
  return w.endObject().take();
}

std::string encodeCancel(const std::string& reqIdJson, const CancelOutcome& outcome) {
  JsonWriter w = beginReply(reqIdJson, true);
  w.key("message_id").value(outcome.messageId);
  w.key("status").value(outcome.canceled ? "canceled" : "too_late");
  w.key("state").value(stateName(outcome.state));
  return w.endObject().take();
}

std::string encodeRecalled(const std::string& reqIdJson, size_t count) {
  JsonWriter w = beginReply(reqIdJson, true);
  w.key("canceled").value(static_cast<int64_t>(count));
  return w.endObject().take();
}

std::string encodePong(const std::string& reqIdJson, const std::string& version) {
  JsonWriter w = beginReply(reqIdJson, true);
  w.key("pong").value(true).key("version").value(version);
  return w.endObject().take();
}

}  // namespace notify::core
