// SPDX-License-Identifier: Apache-2.0
// The PostgreSQL store's observability queries: send log, statistics, gauges, alert history,
// retention pruning and delivery receipts (the SQLite versions are in sqlite_send_log.cpp).
#include "core/store/pg_send_log.hpp"

#include <cstdio>
#include <map>

#include "core/common/json_writer.hpp"
#include "core/store/pg_guarded.hpp"
#include "core/store/pg_store.hpp"
#include "core/store/write_rules.hpp"

namespace notify::core {
namespace {

std::string str(int64_t v) {
  return std::to_string(v);
}

std::string realText(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", v);
  return text;
}

constexpr const char* kRecordColumns =
    "m.id, m.app, m.template, m.channel, m.state, m.provider, m.provider_message_id, "
    "m.attempts, m.created_ms, m.updated_ms, m.req_id, m.tags_json, m.lane, m.to_json, "
    "m.owner, m.business_line, m.first_state, m.first_detail, m.open_claim_ms";

// Messages as the send log shows them, named "m" so the shared filters (queryConditions) apply.
// A message whose queue row is leased is "sending" (migration 7): the claim wrote only that row,
// with the attempt and the time it was taken; open_claim_ms is that time while the attempt's
// "sending" event is implied by the row.
constexpr const char* kMessagesAsSeen =
    "(SELECT m.id, m.app, m.template, m.channel, CASE WHEN q.lease_owner IS NULL THEN m.state "
    "ELSE 'sending' END AS state, m.provider, m.provider_message_id, COALESCE(q.attempts, "
    "m.attempts) AS attempts, m.created_ms, CASE WHEN q.lease_owner IS NULL THEN m.updated_ms "
    "ELSE q.leased_ms END AS updated_ms, m.req_id, m.tags_json, m.lane, m.to_json, m.owner, "
    "m.business_line, m.first_state, m.first_detail, CASE WHEN q.lease_owner IS NOT NULL AND NOT "
    "q.claim_logged THEN q.leased_ms END AS open_claim_ms FROM messages m LEFT JOIN queue q ON "
    "q.id = m.id) m";

// The "sending" event of an attempt, where the store implies it instead of storing it.
MessageEvent impliedSending(int64_t claimedMs, int64_t attempt) {
  return {claimedMs, MessageState::kSending, "dispatcher", "", "", "attempt " + str(attempt)};
}

// A record from a kRecordColumns row. The first two events ("accepted", then "queued" or
// "scheduled", by the app at created_ms) are not stored as rows (migration 1); they are
// rebuilt here from first_state and first_detail, with the actor the write decided.
MessageRecord recordFrom(const PgResult& q, int row) {
  MessageRecord r;
  r.id = q.text(row, 0);
  r.app = q.text(row, 1);
  r.templateName = q.text(row, 2);
  r.channel = q.text(row, 3);
  r.state = parseState(q.text(row, 4)).value_or(MessageState::kAccepted);
  r.provider = q.text(row, 5);
  r.providerMessageId = q.text(row, 6);
  r.attempts = static_cast<uint32_t>(q.integer(row, 7));
  r.createdMs = q.integer(row, 8);
  r.updatedMs = q.integer(row, 9);
  r.reqId = q.text(row, 10);
  r.tagsJson = q.text(row, 11);
  r.lane = q.text(row, 12);
  r.toJson = q.text(row, 13);
  r.owner = q.text(row, 14);
  r.businessLine = q.text(row, 15);
  GuardVerdict first;  // the first state event, as the write decided it
  first.state = parseState(q.text(row, 16)).value_or(MessageState::kQueued);
  first.detail = q.text(row, 17);
  r.events.push_back({r.createdMs, MessageState::kAccepted, "app:" + r.app, "", "", ""});
  r.events.push_back({r.createdMs, first.state, first.actor(r.app), "", "", first.detail});
  return r;
}

// Appends the events of every record, in order, with one query: each stored event, after the
// "sending" event it implies (claimed_ms, attempt: migration 7), then the open attempt's
// "sending" event (openClaims, by record) if it is still implied by the queue row.
void readEvents(PgConnection& conn, std::vector<MessageRecord>& records,
                const std::vector<std::optional<int64_t>>& openClaims) {
  if (records.empty()) {
    return;
  }
  std::vector<std::optional<std::string>> ids;
  std::map<std::string, MessageRecord*> byId;
  for (auto& r : records) {
    ids.emplace_back(r.id);
    byId[r.id] = &r;
  }
  PgResult events = conn.prepared(
      "events_of",
      "SELECT message_id, at_ms, state, actor, provider, code, detail, claimed_ms, attempt FROM "
      "events WHERE message_id = ANY($1::text[]) ORDER BY seq",
      {pgArray(ids)});
  for (int e = 0; e < events.rows(); ++e) {
    MessageRecord* record = byId.at(events.text(e, 0));
    if (!events.isNull(e, 7)) {
      record->events.push_back(impliedSending(events.integer(e, 7), events.integer(e, 8)));
    }
    record->events.push_back(
        {events.integer(e, 1), parseState(events.text(e, 2)).value_or(MessageState::kAccepted),
         events.text(e, 3), events.text(e, 4), events.text(e, 5), events.text(e, 6)});
  }
  for (size_t r = 0; r < records.size(); ++r) {
    if (openClaims[r]) {
      records[r].events.push_back(impliedSending(*openClaims[r], records[r].attempts));
    }
  }
}

// Retention takes messages that are not queued (finished, or never sendable), oldest first.
// FOR UPDATE SKIP LOCKED on the messages row: nodes pruning at once take different rows, and a
// message a replay or receipt holds is left for the next pass. $1 the cutoff, $2 the batch.
constexpr const char* kPruneBodies = R"sql(
WITH picked AS (
  SELECT id FROM messages m WHERE created_ms < $1
    AND NOT EXISTS (SELECT 1 FROM queue q WHERE q.id = m.id)
    AND (body <> '' OR subject <> '' OR vars_json <> '{}' OR attrs_json <> '{}')
  LIMIT $2 FOR UPDATE SKIP LOCKED
)
UPDATE messages m SET subject = '', body = '', vars_json = '{}', attrs_json = '{}'
FROM picked WHERE m.id = picked.id RETURNING m.id
)sql";

constexpr const char* kPruneRecords = R"sql(
WITH doomed AS (
  SELECT id FROM messages m WHERE created_ms < $1
    AND NOT EXISTS (SELECT 1 FROM queue q WHERE q.id = m.id)
  LIMIT $2 FOR UPDATE SKIP LOCKED
), ev AS (
  DELETE FROM events e USING doomed WHERE e.message_id = doomed.id
), rc AS (
  DELETE FROM message_recipients r USING doomed WHERE r.message_id = doomed.id
), dl AS (
  DELETE FROM dead_letters d USING doomed WHERE d.id = doomed.id
), ids AS (
  DELETE FROM provider_ids p USING doomed WHERE p.message_id = doomed.id
)
DELETE FROM messages m USING doomed WHERE m.id = doomed.id RETURNING m.id
)sql";

// The message a provider sent under its message id ($1) as provider $2. provider_ids keeps each
// message's latest provider message id, indexed (messages' own column is not: an outcome writing
// it would not be a HOT update).
constexpr const char* kReceiptFind = R"sql(
SELECT m.id, m.state, m.app, m.template, m.channel
FROM provider_ids p JOIN messages m ON m.id = p.message_id
WHERE p.provider_message_id = $1 AND m.provider = $2
LIMIT 1 FOR UPDATE OF m
)sql";

// $1 id, $2 state, $3 at, $4.. the event. A report of failure makes the message a dead letter.
constexpr const char* kReceiptApply = R"sql(
WITH upd AS (
  UPDATE messages SET state = $2, updated_ms = $3 WHERE id = $1 RETURNING id, app
), dead AS (
  INSERT INTO dead_letters (id, app, failed_ms) SELECT id, app, $3 FROM upd WHERE $2 = 'failed'
)
INSERT INTO events (message_id, at_ms, state, actor, provider, code, detail)
VALUES ($1, $3, $2, $4, $5, $6, $7)
)sql";

}  // namespace

RecipientColumns recipientColumns(const std::vector<const NewMessage*>& messages) {
  RecipientColumns columns;
  for (const NewMessage* m : messages) {
    for (const auto& [kind, address] : parseJsonObjectOfStrings(m->toJson)) {
      columns.addresses.addText(normalizeAddress(address));
      columns.messageIds.addText(m->id);
    }
  }
  return columns;
}

Result<std::vector<MessageRecord>> PgStore::findMessages(const MessageQuery& query) {
  std::string where;
  PgParams params;
  for (const QueryCondition& c : queryConditions(query)) {
    params.emplace_back(c.integer ? str(*c.integer) : c.text);
    std::string clause = c.clause;
    clause.replace(clause.find('?'), 1, "$" + std::to_string(params.size()));
    where += (where.empty() ? " WHERE " : " AND ") + clause;
  }
  params.emplace_back(std::to_string(query.limit));
  std::string sql = std::string("SELECT ") + kRecordColumns + " FROM " + kMessagesAsSeen + where +
                    " ORDER BY m.created_ms DESC LIMIT $" + std::to_string(params.size());
  return pgGuarded(pool_, [&](PgConnection& conn) {
    PgResult rows = conn.query(sql, params);
    std::vector<MessageRecord> records;
    std::vector<std::optional<int64_t>> openClaims;
    for (int r = 0; r < rows.rows(); ++r) {
      records.push_back(recordFrom(rows, r));
      openClaims.push_back(rows.isNull(r, 18) ? std::nullopt
                                              : std::optional<int64_t>(rows.integer(r, 18)));
    }
    readEvents(conn, records, openClaims);
    return records;
  });
}

Result<std::vector<SendStats>> PgStore::sendStats(int64_t sinceMs, int64_t untilMs) {
  return pgGuarded(pool_, [&](PgConnection& conn) {
    PgResult q = conn.prepared(
        "send_stats",
        "SELECT app, channel, provider, COUNT(*), "
        "COUNT(*) FILTER (WHERE state IN ('delivered', 'provider_accepted')), "
        "COUNT(*) FILTER (WHERE state = 'failed'), "
        "COUNT(*) FILTER (WHERE state NOT IN " +
            std::string(kFinalStatesSql) +
            "), "
            "COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM events e WHERE e.message_id = m.id AND "
            "e.state = 'rate_limited')) "
            "FROM messages m WHERE created_ms >= $1 AND created_ms <= $2 "
            "GROUP BY app, channel, provider ORDER BY app, channel, provider",
        {str(sinceMs), str(untilMs)});
    std::vector<SendStats> rows;
    for (int r = 0; r < q.rows(); ++r) {
      rows.push_back({q.text(r, 0), q.text(r, 1), q.text(r, 2), q.integer(r, 3), q.integer(r, 4),
                      q.integer(r, 5), q.integer(r, 6), q.integer(r, 7)});
    }
    return rows;
  });
}

Result<StoreGauges> PgStore::gauges(int64_t nowMs) {
  return pgGuarded(pool_, [&](PgConnection& conn) {
    StoreGauges out;
    PgResult lanes = conn.prepared(
        "gauge_lanes",
        "SELECT lane, COUNT(*), MIN(created_ms) FROM queue WHERE scheduled_app IS NULL OR "
        "ready_ms <= $1 GROUP BY lane ORDER BY lane",
        {str(nowMs)});
    for (int r = 0; r < lanes.rows(); ++r) {
      out.lanes.push_back({lanes.text(r, 0), lanes.integer(r, 1), lanes.integer(r, 2)});
    }
    out.deadLetters =
        conn.prepared("gauge_failed", "SELECT COUNT(*) FROM dead_letters", {}).integer(0, 0);
    return out;
  });
}

Result<int64_t> PgStore::countGuardMarks(const std::string& key, int64_t sinceMs) {
  return pgGuarded(pool_, [&](PgConnection& conn) {
    PgResult q = conn.prepared("count_guard_marks",
                               "SELECT COUNT(*) FROM guard_marks WHERE key = $1 AND at_ms >= $2",
                               {key, str(sinceMs)});
    return q.integer(0, 0);
  });
}

Result<void> PgStore::recordAlert(const AlertEvent& event) {
  return pgGuarded(pool_, [&](PgConnection& conn) {
    conn.prepared("record_alert",
                  "INSERT INTO alert_history (at_ms, rule, firing, value, detail) "
                  "VALUES ($1, $2, $3, $4, $5)",
                  {str(event.atMs), event.rule, event.firing ? "true" : "false",
                   realText(event.value), event.detail});
  });
}

Result<std::vector<AlertEvent>> PgStore::alertHistory(int64_t sinceMs, size_t limit) {
  return pgGuarded(pool_, [&](PgConnection& conn) {
    PgResult q = conn.prepared(
        "alert_history",
        "SELECT at_ms, rule, firing, value, detail FROM alert_history WHERE at_ms >= $1 "
        "ORDER BY at_ms DESC, seq DESC LIMIT $2",
        {str(sinceMs), std::to_string(limit)});
    std::vector<AlertEvent> out;
    for (int r = 0; r < q.rows(); ++r) {
      out.push_back({q.integer(r, 0), q.text(r, 1), q.text(r, 2) == "t", std::stod(q.text(r, 3)),
                     q.text(r, 4)});
    }
    return out;
  });
}

// Each part takes its rows with FOR UPDATE SKIP LOCKED: nodes pruning at once take different
// rows, and a row a dispatcher holds is left for the next pass.
Result<size_t> PgStore::prune(const PruneRequest& request) {
  std::string limit = std::to_string(request.limit);
  Result<size_t> pruned = pgGuarded(pool_, [&](PgConnection& conn) {
    // One part: $1 the cutoff, $2 the batch; a part whose cutoff is 0 is off.
    auto part = [&](const char* name, const char* sql, int64_t beforeMs) -> size_t {
      return beforeMs > 0
                 ? static_cast<size_t>(conn.prepared(name, sql, {str(beforeMs), limit}).rows())
                 : 0;
    };
    return part("prune_bodies", kPruneBodies, request.bodiesBeforeMs) +
           part("prune_records", kPruneRecords, request.recordsBeforeMs) +
           part("prune_alerts",
                "DELETE FROM alert_history WHERE seq IN (SELECT seq FROM alert_history WHERE "
                "at_ms < $1 LIMIT $2) RETURNING seq",
                request.alertsBeforeMs);
  });
  // Guard marks are stamped with their message's creation time: those older than the records
  // name messages that are gone (or about to go), and no guard window reaches back that far.
  if (pruned && request.recordsBeforeMs > 0) {
    Result<size_t> marks =
        pruneGuardMarks(request.recordsBeforeMs, static_cast<int64_t>(request.limit));
    if (!marks) {
      return marks.error();
    }
    *pruned += *marks;
  }
  return pruned;
}

Result<ReceiptApplied> PgStore::applyReceipt(const std::string& provider,
                                             const std::string& providerMessageId,
                                             MessageState state, const MessageEvent& event) {
  return pgGuarded(pool_, [&](PgConnection& conn) {
    PgResult found = conn.prepared("receipt_find", kReceiptFind, {providerMessageId, provider});
    ReceiptApplied applied;
    if (found.rows() == 0) {
      return applied;
    }
    applied.matched = true;
    applied.app = found.text(0, 2);
    applied.templateName = found.text(0, 3);
    applied.channel = found.text(0, 4);
    // Only a message the provider accepted waits for a report; a repeated report changes
    // nothing.
    applied.moved = found.text(0, 1) == stateName(MessageState::kProviderAccepted);
    if (applied.moved) {
      conn.prepared("receipt_apply", kReceiptApply,
                    {found.text(0, 0), stateName(state), str(event.atMs), event.actor,
                     event.provider, event.code, event.detail});
    }
    return applied;
  });
}

}  // namespace notify::core
