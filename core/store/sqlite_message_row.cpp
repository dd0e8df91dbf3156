// SPDX-License-Identifier: Apache-2.0
#include "core/store/sqlite_message_row.hpp"

namespace notify::core {

MessageRecord readMessageRow(SqliteStatement& q) {
  MessageRecord r;
  r.id = q.text(0);
  r.app = q.text(1);
  r.templateName = q.text(2);
  r.channel = q.text(3);
  r.state = parseState(q.text(4)).value_or(MessageState::kAccepted);
  r.provider = q.text(5);
  r.providerMessageId = q.text(6);
  r.attempts = static_cast<uint32_t>(q.integer(7));
  r.createdMs = q.integer(8);
  r.updatedMs = q.integer(9);
  r.reqId = q.text(10);
  r.tagsJson = q.text(11);
  r.lane = q.text(12);
  r.toJson = q.text(13);
  r.owner = q.text(14);
  r.businessLine = q.text(15);
  if (std::optional<MessageState> first = parseState(q.text(16))) {
    const std::string actor = "app:" + r.app;
    r.events.push_back({r.createdMs, MessageState::kAccepted, actor, "", "", ""});
    r.events.push_back({r.createdMs, *first, actor, "", "", q.text(17)});
  }
  return r;
}

std::optional<int64_t> openClaimMs(SqliteStatement& q, const MessageRecord& record) {
  if (record.state != MessageState::kSending || q.integer(18) != 0) {
    return std::nullopt;
  }
  return record.updatedMs;
}

MessageEvent impliedSendingEvent(int64_t claimedMs, uint32_t attempt) {
  return {claimedMs,    MessageState::kSending,
          "dispatcher", "",
          "",           "attempt " + std::to_string(attempt)};
}

}  // namespace notify::core
