// SPDX-License-Identifier: Apache-2.0
#include "core/store/pg_store.hpp"

#include <map>
#include <optional>
#include <set>

#include "core/store/pg_listener.hpp"
#include "core/store/pg_migrations.hpp"
#include "core/store/pg_store_internal.hpp"
#include "core/store/write_rules.hpp"

namespace notify::core {
namespace {

using pg::kReadyChannel;
using pg::kRelaxedCommit;
using pg::storeError;
using pg::str;

// Verdicts, applied only while the message is still in the lease of that attempt.
constexpr const char* kApplyTransitions = R"sql(
WITH t AS (
  SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::bigint[], $5::text[], $6::text[],
    $7::int[], $8::bigint[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
    WITH ORDINALITY AS t(id, attempt, state, ready_ms, provider, provider_message_id, refund,
      at_ms, event_state, actor, event_provider, code, detail, ord)
), upd AS (
  UPDATE messages m SET state = t.state, ready_ms = t.ready_ms, lease_owner = NULL,
    provider = t.provider, provider_message_id = CASE WHEN t.provider_message_id = ''
      THEN m.provider_message_id ELSE t.provider_message_id END,
    updated_ms = t.at_ms, attempts = m.attempts - t.refund
  FROM t WHERE m.id = t.id AND m.state = 'sending' AND m.attempts = t.attempt
  RETURNING t.ord
)
INSERT INTO events (message_id, at_ms, state, actor, provider, code, detail)
SELECT t.id, t.at_ms, t.event_state, t.actor, t.event_provider, t.code, t.detail
FROM t JOIN upd ON upd.ord = t.ord ORDER BY t.ord
)sql";

// $1 now, $2 limit, $3 lease expiry, $4 owner[, $5 lane]. SKIP LOCKED: nodes claiming at the
// same time take different rows instead of waiting for each other.
std::string claimSql(bool byLane) {
  return std::string(R"sql(
WITH ready AS (
  SELECT id, state AS old_state, lease_owner AS old_owner, ready_ms AS old_ready FROM messages
  WHERE ready_ms IS NOT NULL AND ready_ms <= $1)sql") +
         (byLane ? " AND lane = $5" : "") + R"sql(
  ORDER BY ready_ms, id LIMIT $2 FOR UPDATE SKIP LOCKED
), upd AS (
  UPDATE messages m SET state = 'sending', attempts = m.attempts + 1, ready_ms = $3,
    lease_owner = $4, updated_ms = $1
  FROM ready WHERE m.id = ready.id
  RETURNING m.id, m.app, m.template, m.channel, m.to_json, m.vars_json, m.attrs_json, m.subject,
    m.body, m.attempts, m.created_ms, m.lane, ready.old_state, ready.old_owner, ready.old_ready,
    m.providers, m.send_at_ms
), ev AS (
  INSERT INTO events (message_id, at_ms, state, actor, provider, code, detail)
  SELECT id, $1, 'sending', 'dispatcher', '', '', 'attempt ' || attempts ||
    CASE WHEN old_state = 'sending'
      THEN '; reclaimed after the lease of ' || COALESCE(old_owner, '') || ' expired'
      ELSE '' END
  FROM upd ORDER BY old_ready, id
)
SELECT * FROM upd ORDER BY old_ready, id
)sql";
}

// The filter shared by listing and replaying dead letters: $1 app, $2 id, $3 template,
// $4 since, $5 until.
constexpr const char* kDeadLetterWhere =
    " WHERE m.state = 'failed' AND m.app = $1"
    " AND ($2 = '' OR m.id = $2) AND ($3 = '' OR m.template = $3)"
    " AND m.updated_ms >= $4 AND m.updated_ms <= $5";

PgParams deadLetterParams(const DeadLetterQuery& q) {
  return {q.app,
          q.messageId,
          q.templateName,
          std::to_string(q.sinceMs),
          std::to_string(q.untilMs),
          std::to_string(q.limit)};
}

}  // namespace

PgStore::PgStore(std::string conninfo, size_t poolSize) : pool_(std::move(conninfo), poolSize) {}

PgStore::~PgStore() = default;

Result<void> PgStore::migrate() {
  try {
    PgPool::Lease conn = pool_.acquire();
    migratePostgres(*conn);
    return {};
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

void PgStore::applyTransitions(PgConnection& conn, const std::vector<Transition>& transitions) {
  // One UPDATE touches a row once, so a message named twice goes in a later round, in order:
  // round k holds the k-th verdict on each message.
  std::map<std::string, size_t> seen;
  std::vector<std::vector<const Transition*>> rounds;
  for (const Transition& t : transitions) {
    size_t round = seen[t.messageId]++;
    if (rounds.size() <= round) {
      rounds.emplace_back();
    }
    rounds[round].push_back(&t);
  }
  for (const auto& round : rounds) {
    std::vector<std::vector<std::optional<std::string>>> columns(13);
    for (const Transition* t : round) {
      std::optional<std::string> ready;
      if (t->readyMs) {
        ready = str(*t->readyMs);
      }
      std::optional<std::string> row[] = {t->messageId,
                                          std::to_string(t->attempt),
                                          stateName(t->state),
                                          ready,
                                          t->provider,
                                          t->providerMessageId,
                                          t->refundAttempt ? "1" : "0",
                                          str(t->event.atMs),
                                          stateName(t->event.state),
                                          t->event.actor,
                                          t->event.provider,
                                          t->event.code,
                                          t->event.detail};
      for (size_t c = 0; c < columns.size(); ++c) {
        columns[c].push_back(std::move(row[c]));
      }
    }
    PgParams params;
    for (const auto& column : columns) {
      params.emplace_back(pgArray(column));
    }
    conn.prepared("apply_transitions", kApplyTransitions, params);
  }
}

Result<std::vector<ClaimedMessage>> PgStore::claim(const ClaimRequest& request) {
  try {
    return inTransaction([&](PgConnection& conn) { return claimIn(conn, request); });
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

std::vector<ClaimedMessage> PgStore::claimIn(PgConnection& conn, const ClaimRequest& request) {
  conn.exec(kRelaxedCommit);
  bool byLane = !request.lane.empty();
  PgParams params = {str(request.nowMs), std::to_string(request.limit),
                     str(request.nowMs + request.leaseMs), request.owner};
  if (byLane) {
    params.emplace_back(request.lane);
  }
  // One statement selects, leases and records the "sending" events.
  PgResult rows = conn.prepared(byLane ? "claim_lane" : "claim_any", claimSql(byLane), params);
  std::vector<ClaimedMessage> claimed;
  claimed.reserve(static_cast<size_t>(rows.rows()));
  for (int r = 0; r < rows.rows(); ++r) {
    ClaimedMessage m;
    m.id = rows.text(r, 0);
    m.app = rows.text(r, 1);
    m.templateName = rows.text(r, 2);
    m.channel = rows.text(r, 3);
    m.toJson = rows.text(r, 4);
    m.varsJson = rows.text(r, 5);
    m.attrsJson = rows.text(r, 6);
    m.subject = rows.text(r, 7);
    m.body = rows.text(r, 8);
    m.attempt = static_cast<uint32_t>(rows.integer(r, 9));
    m.createdMs = rows.integer(r, 10);
    m.lane = rows.text(r, 11);
    m.claimedFrom = parseState(rows.text(r, 12)).value_or(MessageState::kQueued);
    m.providers = splitProviders(rows.text(r, 15));
    m.sendAtMs = rows.integer(r, 16);
    claimed.push_back(std::move(m));
  }
  return claimed;
}

Result<std::optional<int64_t>> PgStore::nextReadyMs(const std::string& lane) {
  try {
    PgPool::Lease conn = pool_.acquire();
    PgResult r = lane.empty()
                     ? conn->prepared("next_ready",
                                      "SELECT MIN(ready_ms) FROM messages WHERE ready_ms IS NOT "
                                      "NULL",
                                      {})
                     : conn->prepared("next_ready_lane",
                                      "SELECT MIN(ready_ms) FROM messages WHERE lane = $1 AND "
                                      "ready_ms IS NOT NULL",
                                      {lane});
    std::optional<int64_t> next;
    if (r.rows() > 0 && !r.isNull(0, 0)) {
      next = r.integer(0, 0);
    }
    return next;
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<std::optional<MessageRecord>> PgStore::find(const std::string& id) {
  try {
    PgPool::Lease conn = pool_.acquire();
    PgResult q = conn->prepared(
        "find_message",
        "SELECT id, app, template, channel, state, provider, provider_message_id, attempts, "
        "created_ms, updated_ms, req_id, tags_json, lane, first_state, first_detail "
        "FROM messages "
        "WHERE id = $1",
        {id});
    if (q.rows() == 0) {
      return std::optional<MessageRecord>();
    }
    MessageRecord r;
    r.id = q.text(0, 0);
    r.app = q.text(0, 1);
    r.templateName = q.text(0, 2);
    r.channel = q.text(0, 3);
    r.state = parseState(q.text(0, 4)).value_or(MessageState::kAccepted);
    r.provider = q.text(0, 5);
    r.providerMessageId = q.text(0, 6);
    r.attempts = static_cast<uint32_t>(q.integer(0, 7));
    r.createdMs = q.integer(0, 8);
    r.updatedMs = q.integer(0, 9);
    r.reqId = q.text(0, 10);
    r.tagsJson = q.text(0, 11);
    r.lane = q.text(0, 12);
    GuardVerdict first;  // the first state event, as the write decided it
    first.state = parseState(q.text(0, 13)).value_or(MessageState::kQueued);
    first.detail = q.text(0, 14);
    r.events.push_back({r.createdMs, MessageState::kAccepted, "app:" + r.app, "", "", ""});
    r.events.push_back({r.createdMs, first.state, first.actor(r.app), "", "", first.detail});
    PgResult events = conn->prepared(
        "find_events",
        "SELECT at_ms, state, actor, provider, code, detail FROM events WHERE message_id = $1 "
        "ORDER BY seq",
        {id});
    for (int e = 0; e < events.rows(); ++e) {
      r.events.push_back(
          {events.integer(e, 0), parseState(events.text(e, 1)).value_or(MessageState::kAccepted),
           events.text(e, 2), events.text(e, 3), events.text(e, 4), events.text(e, 5)});
    }
    return std::optional<MessageRecord>(std::move(r));
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<std::vector<DeadLetter>> PgStore::deadLetters(const DeadLetterQuery& query) {
  try {
    PgPool::Lease conn = pool_.acquire();
    // The last event of a failed message holds the error that ended it.
    PgResult q = conn->prepared(
        "dead_letters",
        std::string("SELECT m.id, m.template, m.channel, m.provider, m.attempts, m.created_ms, "
                    "m.updated_ms, e.code, e.detail FROM messages m LEFT JOIN LATERAL (SELECT "
                    "code, detail FROM events WHERE message_id = m.id ORDER BY seq DESC LIMIT 1) "
                    "e ON true") +
            kDeadLetterWhere + " ORDER BY m.updated_ms DESC LIMIT $6",
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
      PgResult replayed = conn.prepared(
          "replay",
          std::string("WITH picked AS (SELECT m.id FROM messages m") + kDeadLetterWhere +
              " LIMIT $6 FOR UPDATE SKIP LOCKED), upd AS (UPDATE messages m SET state = "
              "'queued', attempts = 0, ready_ms = $7, lease_owner = NULL, updated_ms = $7 FROM "
              "picked WHERE m.id = picked.id RETURNING m.id), ev AS (INSERT INTO events "
              "(message_id, at_ms, state, actor, provider, code, detail) SELECT id, $7, "
              "'queued', $8, '', '', 'replayed from the dead letters' FROM upd) "
              "SELECT count(*) FROM upd",
          params);
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
      // FOR UPDATE: a claim holding the row makes this wait and then see "sending" (too late);
      // a claim after this skips the locked row and then finds it canceled.
      bool byId = !query.messageId.empty();
      PgResult found = conn.prepared(
          byId ? "cancel_find_id" : "cancel_find_key",
          byId ? "SELECT id, state FROM messages WHERE app = $1 AND id = $2 FOR UPDATE"
               : "SELECT id, state FROM messages WHERE app = $1 AND idempotency_key = $2 "
                 "FOR UPDATE",
          {query.app, byId ? query.messageId : query.idempotencyKey});
      CancelOutcome outcome;
      if (found.rows() == 0) {
        return outcome;
      }
      outcome.found = true;
      outcome.messageId = found.text(0, 0);
      outcome.state = parseState(found.text(0, 1)).value_or(MessageState::kAccepted);
      if (!isCancelable(outcome.state)) {
        return outcome;
      }
      conn.prepared("cancel_one",
                    "UPDATE messages SET state = 'canceled', ready_ms = NULL, lease_owner = "
                    "NULL, updated_ms = $2 WHERE id = $1",
                    {outcome.messageId, str(query.nowMs)});
      conn.prepared("cancel_event",
                    "INSERT INTO events (message_id, at_ms, state, actor, provider, code, "
                    "detail) VALUES ($1, $2, 'canceled', $3, '', '', $4)",
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
      PgResult recalled = conn.prepared(
          "recall_tag",
          "WITH picked AS (SELECT m.id FROM messages m WHERE m.app = $1 AND m.state = "
          "'scheduled' AND m.tags_json::jsonb ? $2 FOR UPDATE SKIP LOCKED), upd AS (UPDATE "
          "messages m SET state = 'canceled', ready_ms = NULL, lease_owner = NULL, updated_ms "
          "= $3 FROM picked WHERE m.id = picked.id RETURNING m.id), ev AS (INSERT INTO events "
          "(message_id, at_ms, state, actor, provider, code, detail) SELECT id, $3, "
          "'canceled', $4, '', '', $5 FROM upd) SELECT count(*) FROM upd",
          {app, tag, str(nowMs), actor, "recalled by tag '" + tag + "'"});
      return static_cast<size_t>(recalled.integer(0, 0));
    });
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<size_t> PgStore::purge(int64_t beforeMs, size_t limit) {
  static const std::string kFinalStates = [] {
    std::vector<std::optional<std::string>> names;
    for (auto& name : storedFinalStateNames()) {
      names.emplace_back(std::move(name));
    }
    return pgArray(names);
  }();
  try {
    PgPool::Lease conn = pool_.acquire();
    // SKIP LOCKED: nodes purging at once take different rows. No ORDER BY: the scan stops at
    // the first limit matches, which are the oldest rows in practice.
    PgResult purged = conn->prepared(
        "purge",
        "WITH doomed AS (SELECT id FROM messages WHERE state = ANY($1::text[]) AND updated_ms < "
        "$2 LIMIT $3 FOR UPDATE SKIP LOCKED), ev AS (DELETE FROM events e USING doomed WHERE "
        "e.message_id = doomed.id) DELETE FROM messages m USING doomed WHERE m.id = doomed.id "
        "RETURNING m.id",
        {kFinalStates, str(beforeMs), std::to_string(limit)});
    return static_cast<size_t>(purged.rows());
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

void PgStore::onChange(std::function<void()> callback) {
  if (!listener_) {
    listener_ = std::make_unique<PgListener>(pool_.conninfo(), kReadyChannel);
  }
  listener_->add(std::move(callback));
}

}  // namespace notify::core
