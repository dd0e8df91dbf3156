// SPDX-License-Identifier: Apache-2.0
#include "core/store/pg_store.hpp"

#include <map>
#include <optional>
#include <set>

#include "core/store/pg_listener.hpp"
#include "core/store/pg_migrations.hpp"
#include "core/store/pg_send_log.hpp"
#include "core/store/pg_store_cron.hpp"

namespace notify::core {
namespace {

constexpr const char* kReadyChannel = "notify_ready";

// For transactions that acknowledge nothing to a caller (claims, outcomes): they need not wait
// for the WAL flush. If the database server itself crashes, the last of them may be lost; the
// message then is claimed and sent again — at-least-once, as after a node crash. Ingest, whose
// commit is an ack, always waits for the flush.
constexpr const char* kRelaxedCommit = "SET LOCAL synchronous_commit = off";

// One statement stores a whole ingest batch. Rows go in the order given, so within a batch the
// first of two equal idempotency keys wins, as in SQLite. The "accepted" and first state events
// are implied by the row (see migration 1).
constexpr const char* kInsertMessages = R"sql(
WITH ins AS (
INSERT INTO messages (id, app, template, channel, to_json, vars_json, attrs_json, subject, body,
  tags_json, req_id, idempotency_key, state, first_state, created_ms, updated_ms, ready_ms, lane,
  owner, business_line)
SELECT id, app, template, channel, to_json, vars_json, attrs_json, subject, body, tags_json,
  req_id, idempotency_key, state, state, created_ms, created_ms, ready_ms, lane, owner,
  business_line
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
  $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[],
  $14::bigint[], $15::bigint[], $16::text[], $17::text[], $18::text[]) WITH ORDINALITY
  AS u(id, app, template, channel, to_json, vars_json, attrs_json, subject, body, tags_json,
       req_id, idempotency_key, state, created_ms, ready_ms, lane, owner, business_line, ord)
ORDER BY ord
ON CONFLICT DO NOTHING
RETURNING id
), recipients AS (
INSERT INTO message_recipients (address, message_id)
SELECT r.address, r.message_id FROM unnest($19::text[], $20::text[]) AS r(address, message_id)
JOIN ins ON ins.id = r.message_id
)
SELECT id FROM ins
)sql";

// The messages already holding the given app + idempotency keys.
constexpr const char* kFindIdempotent = R"sql(
SELECT u.ord, m.id FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(app, key, ord)
JOIN messages m ON m.app = u.app AND m.idempotency_key = u.key
)sql";

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
    m.body, m.attempts, m.created_ms, m.lane, ready.old_state, ready.old_owner, ready.old_ready
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

Error storeError(const std::exception& e) {
  return makeError("unavailable", std::string("store: ") + e.what());
}

std::string str(int64_t v) {
  return std::to_string(v);
}

}  // namespace

PgStore::PgStore(std::string conninfo, size_t poolSize)
    : pool_(std::move(conninfo), poolSize), cron_(std::make_unique<PgCronStore>(pool_)) {}

PgStore::~PgStore() = default;

template <typename F>
auto PgStore::inTransaction(F&& body) -> decltype(body(std::declval<PgConnection&>())) {
  return inPgTransaction(pool_, std::forward<F>(body));
}

Result<void> PgStore::migrate() {
  try {
    PgPool::Lease conn = pool_.acquire();
    migratePostgres(*conn);
    return {};
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

std::vector<InsertOutcome> PgStore::insertMessages(PgConnection& conn,
                                                   const std::vector<NewMessage>& inserts) {
  std::vector<std::vector<std::optional<std::string>>> columns(18);
  for (auto& column : columns) {
    column.reserve(inserts.size());
  }
  for (const NewMessage& m : inserts) {
    bool scheduled = m.sendAtMs > m.createdMs;
    MessageState state = scheduled ? MessageState::kScheduled : MessageState::kQueued;
    std::optional<std::string> key;
    if (!m.idempotencyKey.empty()) {
      key = m.idempotencyKey;
    }
    std::optional<std::string> row[] = {m.id,
                                        m.app,
                                        m.templateName,
                                        m.channel,
                                        m.toJson,
                                        m.varsJson,
                                        m.attrsJson,
                                        m.subject,
                                        m.body,
                                        m.tagsJson,
                                        m.reqId,
                                        key,
                                        stateName(state),
                                        str(m.createdMs),
                                        str(scheduled ? m.sendAtMs : m.createdMs),
                                        m.lane,
                                        m.owner,
                                        m.businessLine};
    for (size_t c = 0; c < columns.size(); ++c) {
      columns[c].push_back(std::move(row[c]));
    }
  }
  PgParams params;
  for (const auto& column : columns) {
    params.emplace_back(pgArray(column));
  }
  RecipientColumns recipients = recipientColumns(inserts);
  params.emplace_back(pgArray(recipients.addresses));
  params.emplace_back(pgArray(recipients.messageIds));
  PgResult inserted = conn.prepared("insert_messages", kInsertMessages, params);
  std::set<std::string> stored;
  for (int r = 0; r < inserted.rows(); ++r) {
    stored.insert(inserted.text(r, 0));
  }
  std::vector<InsertOutcome> outcomes(inserts.size());
  std::vector<std::optional<std::string>> apps;
  std::vector<std::optional<std::string>> keys;
  std::vector<size_t> asked;  // index into inserts of each looked-up key
  for (size_t i = 0; i < inserts.size(); ++i) {
    outcomes[i].inserted = stored.count(inserts[i].id) > 0;
    // Guard checks, suppression and routed chains are not implemented here yet (issue 4):
    // PostgreSQL reports plain stores and idempotent repeats only.
    outcomes[i].state = inserts[i].sendAtMs > inserts[i].createdMs ? MessageState::kScheduled
                                                                    : MessageState::kQueued;
    if (!outcomes[i].inserted) {
      outcomes[i].result = InsertOutcome::Result::kIdempotentRepeat;
    }
    if (!outcomes[i].inserted && !inserts[i].idempotencyKey.empty()) {
      apps.emplace_back(inserts[i].app);
      keys.emplace_back(inserts[i].idempotencyKey);
      asked.push_back(i);
    }
  }
  if (!asked.empty()) {
    PgResult originals =
        conn.prepared("find_idempotent", kFindIdempotent, {pgArray(apps), pgArray(keys)});
    for (int r = 0; r < originals.rows(); ++r) {
      size_t ord = static_cast<size_t>(originals.integer(r, 0)) - 1;
      outcomes[asked.at(ord)].duplicateOf = originals.text(r, 1);
    }
  }
  return outcomes;
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

namespace {

// What this store does not apply yet (issue 4's guardrails and routing): such a message is
// refused with a clear error rather than stored and sent as if the rule did not exist.
std::string unsupportedFeature(const NewMessage& m) {
  if (!m.guards.empty()) {
    return "guardrails (content dedup, frequency caps, daily quota)";
  }
  if (!m.suppressReason.empty()) {
    return "suppression (disabled template, quiet hours)";
  }
  if (!m.providers.empty()) {
    return "routed provider chains ([[routes]])";
  }
  return "";
}

}  // namespace

Result<std::vector<InsertOutcome>> PgStore::write(const WriteBatch& batch) {
  std::vector<NewMessage> supported;
  std::vector<std::optional<InsertOutcome>> refused(batch.inserts.size());
  for (size_t i = 0; i < batch.inserts.size(); ++i) {
    std::string feature = unsupportedFeature(batch.inserts[i]);
    if (feature.empty()) {
      supported.push_back(batch.inserts[i]);
      continue;
    }
    InsertOutcome out;
    out.result = InsertOutcome::Result::kRefused;
    out.errorCode = "unsupported";
    out.reason = "the PostgreSQL store does not apply " + feature +
                 " yet; use the SQLite store or remove that configuration";
    refused[i] = std::move(out);
  }
  try {
    return inTransaction([&](PgConnection& conn) {
      std::vector<InsertOutcome> outcomes;
      if (supported.empty()) {
        conn.exec(kRelaxedCommit);
      } else {
        outcomes = insertMessages(conn, supported);
        conn.exec(std::string("NOTIFY ") + kReadyChannel);  // delivered at commit
      }
      if (supported.size() != batch.inserts.size()) {
        std::vector<InsertOutcome> merged;
        size_t next = 0;
        for (auto& r : refused) {
          merged.push_back(r ? *r : outcomes[next++]);
        }
        outcomes = std::move(merged);
      }
      if (!batch.transitions.empty()) {
        applyTransitions(conn, batch.transitions);
      }
      return outcomes;
    });
  } catch (const std::exception& e) {
    return storeError(e);
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
  MessageQuery query;
  query.id = id;
  query.limit = 1;
  Result<std::vector<MessageRecord>> found = findMessages(query);
  if (!found) {
    return found.error();
  }
  if (found->empty()) {
    return std::optional<MessageRecord>();
  }
  return std::optional<MessageRecord>(std::move(found->front()));
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

CronStore* PgStore::cronStore() {
  return cron_.get();
}

void PgStore::onChange(std::function<void()> callback) {
  if (!listener_) {
    listener_ = std::make_unique<PgListener>(pool_.conninfo(), kReadyChannel);
  }
  listener_->add(std::move(callback));
}

}  // namespace notify::core
