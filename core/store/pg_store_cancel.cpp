// SPDX-License-Identifier: Apache-2.0
// PgStore's ways in and out of the queue besides claims and outcomes: dead letters and their
// replay, cancel, and recall by tag.
//
// Locks are taken in one order everywhere, so two transactions never wait for each other in a
// cycle: a message's queue row before its messages row (claims, outcomes, cancel, recall), and a
// message that is not queued by its messages row before its side rows (replay, retention,
// receipts). Claims lock queue rows only.
#include "core/store/pg_store_internal.hpp"

namespace notify::core {
namespace {

using pg::kReadyChannel;
using pg::storeError;
using pg::str;

// The filter shared by listing and replaying dead letters: $1 app, $2 id, $3 template,
// $4 since, $5 until.
constexpr const char* kDeadLetterWhere =
    " WHERE d.app = $1 AND ($2 = '' OR d.id = $2) AND ($3 = '' OR m.template = $3)"
    " AND d.failed_ms >= $4 AND d.failed_ms <= $5";

PgParams deadLetterParams(const DeadLetterQuery& q) {
  return {q.app,
          q.messageId,
          q.templateName,
          std::to_string(q.sinceMs),
          std::to_string(q.untilMs),
          std::to_string(q.limit)};
}

// $6 limit, $7 now, $8 actor. A replayed message leaves the dead letters and joins the queue with
// fresh attempts. FOR UPDATE OF m: the messages row is the lock retention takes too.
const std::string kReplay =
    std::string("WITH picked AS (SELECT d.id FROM dead_letters d JOIN messages m ON m.id = d.id") +
    kDeadLetterWhere + R"sql( LIMIT $6 FOR UPDATE OF m SKIP LOCKED
), gone AS (
  DELETE FROM dead_letters d USING picked WHERE d.id = picked.id RETURNING d.id
), upd AS (
  UPDATE messages m SET state = 'queued', attempts = 0, updated_ms = $7
  FROM gone WHERE m.id = gone.id RETURNING m.id, m.lane, m.created_ms
), enq AS (
  INSERT INTO queue (id, lane, ready_ms, created_ms) SELECT id, lane, $7, created_ms FROM upd
), ev AS (
  INSERT INTO events (message_id, at_ms, state, actor, provider, code, detail)
  SELECT id, $7, 'queued', $8, '', '', 'replayed from the dead letters' FROM upd
)
SELECT count(*) FROM upd
)sql";

// $1 id, $2 now, $3 actor, $4 detail: out of the queue, canceled, with its event.
constexpr const char* kCancelOne = R"sql(
WITH gone AS (
  DELETE FROM queue WHERE id = $1
), upd AS (
  UPDATE messages SET state = 'canceled', updated_ms = $2 WHERE id = $1
)
INSERT INTO events (message_id, at_ms, state, actor, provider, code, detail)
VALUES ($1, $2, 'canceled', $3, '', '', $4)
)sql";

// $1 app, $2 tag, $3 now, $4 actor, $5 detail. A queue row names its app only while it waits as
// "scheduled" (a claim clears it), so this reads no other message.
constexpr const char* kRecallByTag = R"sql(
WITH picked AS (
  SELECT q.id FROM queue q JOIN messages m ON m.id = q.id
  WHERE q.scheduled_app = $1 AND m.tags_json::jsonb ? $2 FOR UPDATE OF q SKIP LOCKED
), gone AS (
  DELETE FROM queue q USING picked WHERE q.id = picked.id RETURNING q.id
), upd AS (
  UPDATE messages m SET state = 'canceled', updated_ms = $3 FROM gone WHERE m.id = gone.id
  RETURNING m.id
), ev AS (
  INSERT INTO events (message_id, at_ms, state, actor, provider, code, detail)
  SELECT id, $3, 'canceled', $4, '', '', $5 FROM upd
)
SELECT count(*) FROM upd
)sql";

}  // namespace

Result<std::vector<DeadLetter>> PgStore::deadLetters(const DeadLetterQuery& query) {
  try {
    PgPool::Lease conn = pool_.acquire();
    // The last event of a failed message holds the error that ended it.
    PgResult q = conn->prepared(
        "dead_letters",
        std::string("SELECT m.id, m.template, m.channel, m.provider, m.attempts, m.created_ms, "
                    "d.failed_ms, e.code, e.detail FROM dead_letters d JOIN messages m ON m.id = "
                    "d.id LEFT JOIN LATERAL (SELECT code, detail FROM events WHERE message_id = "
                    "m.id ORDER BY seq DESC LIMIT 1) e ON true") +
            kDeadLetterWhere + " ORDER BY d.failed_ms DESC LIMIT $6",
        deadLetterParams(query));
    std::vector<DeadLetter> letters;
    for (int r = 0; r < q.rows(); ++r) {
      letters.push_back({q.text(r, 0), q.text(r, 1), q.text(r, 2), q.text(r, 3),
                         static_cast<uint32_t>(q.integer(r, 4)), q.integer(r, 5), q.integer(r, 6),
                         q.text(r, 7), q.text(r, 8)});
    }
    return letters;
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<size_t> PgStore::replay(const DeadLetterQuery& query, int64_t nowMs,
                               const std::string& actor) {
  try {
    return inTransaction([&](PgConnection& conn) {
      PgParams params = deadLetterParams(query);
      params.emplace_back(str(nowMs));
      params.emplace_back(actor);
      PgResult replayed = conn.prepared("replay", kReplay, params);
      size_t count = static_cast<size_t>(replayed.integer(0, 0));
      if (count > 0) {
        conn.exec(std::string("NOTIFY ") + kReadyChannel);
      }
      return count;
    });
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<CancelOutcome> PgStore::cancel(const CancelQuery& query) {
  try {
    return inTransaction([&](PgConnection& conn) {
      bool byId = !query.messageId.empty();
      PgResult found =
          conn.prepared(byId ? "cancel_find_id" : "cancel_find_key",
                        byId ? "SELECT id FROM messages WHERE app = $1 AND id = $2"
                             : "SELECT id FROM messages WHERE app = $1 AND idempotency_key = $2",
                        {query.app, byId ? query.messageId : query.idempotencyKey});
      CancelOutcome outcome;
      if (found.rows() == 0) {
        return outcome;
      }
      outcome.found = true;
      outcome.messageId = found.text(0, 0);
      // The queue row first, as claims take it: a claim holding it makes this wait and then see
      // the lease (too late); a claim after this skips the locked row and then finds it gone.
      PgResult queued = conn.prepared(
          "cancel_lock_queue", "SELECT lease_owner IS NOT NULL FROM queue WHERE id = $1 FOR UPDATE",
          {outcome.messageId});
      PgResult state =
          conn.prepared("cancel_lock_message",
                        "SELECT state FROM messages WHERE id = $1 FOR UPDATE", {outcome.messageId});
      if (state.rows() == 0) {
        return CancelOutcome{};  // retention deleted it a moment ago
      }
      outcome.state = queued.rows() > 0 && queued.text(0, 0) == "t"
                          ? MessageState::kSending
                          : parseState(state.text(0, 0)).value_or(MessageState::kAccepted);
      if (!isCancelable(outcome.state)) {
        return outcome;
      }
      conn.prepared("cancel_one", kCancelOne,
                    {outcome.messageId, str(query.nowMs), query.actor,
                     std::string("canceled while ") + stateName(outcome.state)});
      outcome.canceled = true;
      outcome.state = MessageState::kCanceled;
      return outcome;
    });
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<size_t> PgStore::cancelScheduledByTag(const std::string& app, const std::string& tag,
                                             int64_t nowMs, const std::string& actor) {
  try {
    return inTransaction([&](PgConnection& conn) {
      PgResult recalled =
          conn.prepared("recall_tag", kRecallByTag,
                        {app, tag, str(nowMs), actor, "recalled by tag '" + tag + "'"});
      return static_cast<size_t>(recalled.integer(0, 0));
    });
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

}  // namespace notify::core
