// SPDX-License-Identifier: Apache-2.0
#include "core/store/pg_store.hpp"

#include <map>
#include <optional>
#include <set>

#include "core/store/pg_array_param.hpp"
#include "core/store/pg_listener.hpp"
#include "core/store/pg_migrations.hpp"
#include "core/store/pg_store_cron.hpp"
#include "core/store/pg_store_internal.hpp"
#include "core/store/write_rules.hpp"

namespace notify::core {
namespace {

using pg::kReadyChannel;
using pg::storeError;
using pg::str;

// Verdicts, applied only while the message is still in the lease of that attempt. A final state
// takes the message out of the queue; a retry puts its queue row back with its next ready time.
// The messages row gets the state, provider and attempts: none of them is in an index of messages
// (migration 7), so that update is HOT. A failure becomes a dead letter; a provider's message id is
// kept where receipts look for it. The event names the attempt and, unless the claim stored its
// own "sending" event (a reclaim), when it was claimed: that event is implied by this one.
// The queue rows are looked up one by one by id (OFFSET 0 keeps the planner from turning that into
// a join, which the queue's ever-stale statistics made a scan of the whole table) and written by
// ctid; a row another transaction changed meanwhile (a reclaim) no longer matches and is left.
// "= ANY(ARRAY(...))" gives the planner a TID look-up of just those rows (see claimSql).
constexpr const char* kApplyTransitions = R"sql(
WITH t AS (
  SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::bigint[], $5::text[], $6::text[],
    $7::int[], $8::bigint[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
    WITH ORDINALITY AS t(id, attempt, state, ready_ms, provider, provider_message_id, refund,
      at_ms, event_state, actor, event_provider, code, detail, ord)
), live AS (
  SELECT t.ord, t.ready_ms, t.refund, q.row, q.claimed_ms FROM t, LATERAL (
    SELECT ctid AS row, CASE WHEN claim_logged THEN NULL ELSE leased_ms END AS claimed_ms
    FROM queue
    WHERE id = t.id AND attempts = t.attempt AND lease_owner IS NOT NULL OFFSET 0) q
), done AS (
  DELETE FROM queue q USING live
  WHERE q.ctid = ANY(ARRAY(SELECT row FROM live)) AND q.ctid = live.row AND live.ready_ms IS NULL
  RETURNING live.ord, q.attempts - live.refund AS attempts, live.claimed_ms
), again AS (
  UPDATE queue q SET ready_ms = live.ready_ms, lease_owner = NULL, leased_ms = NULL,
    attempts = q.attempts - live.refund
  FROM live
  WHERE q.ctid = ANY(ARRAY(SELECT row FROM live)) AND q.ctid = live.row
    AND live.ready_ms IS NOT NULL
  RETURNING live.ord, q.attempts, live.claimed_ms
), moved AS (
  SELECT t.*, d.attempts AS left_attempts, d.claimed_ms
  FROM (SELECT * FROM done UNION ALL SELECT * FROM again) d JOIN t ON t.ord = d.ord
), upd AS (
  UPDATE messages m SET state = moved.state, provider = moved.provider,
    provider_message_id = CASE WHEN moved.provider_message_id = ''
      THEN m.provider_message_id ELSE moved.provider_message_id END,
    updated_ms = moved.at_ms, attempts = moved.left_attempts
  FROM moved WHERE m.id = moved.id
  RETURNING m.id, m.app
), dead AS (
  INSERT INTO dead_letters (id, app, failed_ms)
  SELECT moved.id, upd.app, moved.at_ms FROM moved JOIN upd ON upd.id = moved.id
  WHERE moved.state = 'failed'
), ids AS (
  INSERT INTO provider_ids (message_id, provider_message_id)
  SELECT id, provider_message_id FROM moved WHERE provider_message_id <> ''
  ON CONFLICT (message_id) DO UPDATE SET provider_message_id = EXCLUDED.provider_message_id
)
INSERT INTO events (message_id, at_ms, state, actor, provider, code, detail, claimed_ms, attempt)
SELECT id, at_ms, event_state, actor, event_provider, code, detail, claimed_ms, attempt
FROM moved ORDER BY ord
)sql";

// $1 now, $2 limit, $3 lease expiry, $4 owner[, $5 lane]. SKIP LOCKED: nodes claiming at the
// same time take different rows instead of waiting for each other. Only the narrow queue row is
// written; the message's content is read beside it. The "sending" event is implied by the leased
// row (migration 7), except after a reclaim (the lease of a sender that died expired): then it is
// stored with the reclaim's reason, after the expired attempt's own if that was still implied, and
// the state it was claimed from is "sending". The update finds the locked rows by ctid (unchanged
// while the lock is held). Both look-ups are spelled out for the planner, which otherwise (from a
// generic plan's guess of hundreds of rows, or a queue's ever-stale statistics) hashed a scan of
// the whole table: "= ANY(ARRAY(...))" gives it a TID look-up of just the locked rows, and
// LATERAL ... OFFSET 0 one primary-key look-up per claimed message.
std::string claimSql(bool byLane) {
  return std::string(R"sql(
WITH ready AS (
  SELECT ctid AS row, id, lease_owner AS old_owner, ready_ms AS old_ready,
    leased_ms AS old_leased, claim_logged AS old_logged
  FROM queue WHERE ready_ms <= $1)sql") +
         (byLane ? " AND lane = $5" : "") + R"sql(
  ORDER BY ready_ms, id LIMIT $2 FOR UPDATE SKIP LOCKED
), leased AS (
  UPDATE queue q SET ready_ms = $3, lease_owner = $4, leased_ms = $1, attempts = q.attempts + 1,
    claim_logged = ready.old_owner IS NOT NULL, scheduled_app = NULL
  FROM ready WHERE q.ctid = ANY(ARRAY(SELECT row FROM ready)) AND q.ctid = ready.row
  RETURNING q.id, q.attempts, ready.old_owner, ready.old_ready, ready.old_leased,
    ready.old_logged
), ev AS (
  INSERT INTO events (message_id, at_ms, state, actor, provider, code, detail)
  SELECT id, at_ms, 'sending', 'dispatcher', '', '', detail FROM (
    SELECT id, old_ready, 1 AS k, old_leased AS at_ms, 'attempt ' || (attempts - 1) AS detail
    FROM leased WHERE old_owner IS NOT NULL AND NOT old_logged
    UNION ALL
    SELECT id, old_ready, 2, $1, 'attempt ' || attempts || '; reclaimed after the lease of ' ||
      old_owner || ' expired'
    FROM leased WHERE old_owner IS NOT NULL) e
  ORDER BY old_ready, id, k
)
SELECT l.id, m.app, m.template, m.channel, m.to_json, m.vars_json, m.attrs_json, m.subject,
  m.body, l.attempts, m.created_ms, m.lane,
  CASE WHEN l.old_owner IS NULL THEN m.state ELSE 'sending' END AS old_state, l.old_owner,
  l.old_ready, m.providers, m.send_at_ms
FROM leased l, LATERAL (SELECT * FROM messages WHERE id = l.id OFFSET 0) m
ORDER BY l.old_ready, l.id
)sql";
}

}  // namespace

PgStore::PgStore(std::string conninfo, size_t poolSize)
    : pool_(std::move(conninfo), poolSize), cron_(std::make_unique<PgCronStore>(pool_)) {}

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
  using E = PgArrayParam::Element;
  for (const auto& round : rounds) {
    // kApplyTransitions' $1..$13, in binary form.
    std::vector<PgArrayParam> columns = {
        PgArrayParam(E::kText), PgArrayParam(E::kInt4), PgArrayParam(E::kText),
        PgArrayParam(E::kInt8), PgArrayParam(E::kText), PgArrayParam(E::kText),
        PgArrayParam(E::kInt4), PgArrayParam(E::kInt8), PgArrayParam(E::kText),
        PgArrayParam(E::kText), PgArrayParam(E::kText), PgArrayParam(E::kText),
        PgArrayParam(E::kText)};
    for (const Transition* t : round) {
      columns[0].addText(t->messageId);
      columns[1].addInteger(int64_t{t->attempt});
      columns[2].addText(stateName(t->state));
      columns[3].addInteger(t->readyMs);
      columns[4].addText(t->provider);
      columns[5].addText(t->providerMessageId);
      columns[6].addInteger(int64_t{t->refundAttempt ? 1 : 0});
      columns[7].addInteger(t->event.atMs);
      columns[8].addText(stateName(t->event.state));
      columns[9].addText(t->event.actor);
      columns[10].addText(t->event.provider);
      columns[11].addText(t->event.code);
      columns[12].addText(t->event.detail);
    }
    std::vector<std::string> params;
    params.reserve(columns.size());
    for (const PgArrayParam& column : columns) {
      params.push_back(column.bytes());
    }
    conn.preparedBinary("apply_transitions", kApplyTransitions, params);
  }
}

Result<std::vector<ClaimedMessage>> PgStore::claim(const ClaimRequest& request) {
  try {
    return inTransaction(PgCommit::kRelaxed,
                         [&](PgConnection& conn) { return claimIn(conn, request); });
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

std::vector<ClaimedMessage> PgStore::claimIn(PgConnection& conn, const ClaimRequest& request) {
  bool byLane = !request.lane.empty();
  PgParams params = {str(request.nowMs), std::to_string(request.limit),
                     str(request.nowMs + request.leaseMs), request.owner};
  if (byLane) {
    params.emplace_back(request.lane);
  }
  // One statement selects, leases and records the "sending" events.
  PgResult rows = conn.prepared(byLane ? "claim_lane" : "claim_any", claimSql(byLane), params);
  queueVacuum_.noteChanges(static_cast<uint64_t>(rows.rows()));
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
                     ? conn->prepared("next_ready", "SELECT MIN(ready_ms) FROM queue", {})
                     : conn->prepared("next_ready_lane",
                                      "SELECT MIN(ready_ms) FROM queue WHERE lane = $1", {lane});
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
