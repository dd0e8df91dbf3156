// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>

#include "core/store/message.hpp"
#include "core/store/sqlite_db.hpp"

namespace notify::core {

// The messages columns of a MessageRecord (table alias m), in the order readMessageRow reads
// them; shared by find() and the send-log queries so both fill a record the same way.
inline constexpr const char* kMessageRecordColumns =
    "m.id, m.app, m.template, m.channel, m.state, m.provider, m.provider_message_id, "
    "m.attempts, m.created_ms, m.updated_ms, m.req_id, m.tags_json, m.lane, m.to_json, "
    "m.owner, m.business_line, m.first_state, m.first_detail, m.claim_logged";

// The record at the statement's current row. Its events are not read here, except the two a
// sendable message's row implies ("accepted" and its first state, see first_state).
MessageRecord readMessageRow(SqliteStatement& q);

// When the record's attempt in progress has its "sending" event implied by the row (it was
// claimed, not reclaimed: schema 7), the time it was claimed; otherwise none.
std::optional<int64_t> openClaimMs(SqliteStatement& q, const MessageRecord& record);

// The "sending" event of an attempt, where the store implies it instead of storing it.
MessageEvent impliedSendingEvent(int64_t claimedMs, uint32_t attempt);

}  // namespace notify::core
