// SPDX-License-Identifier: Apache-2.0
// PgStore's write path: ingest batches with their idempotency keys, guard checks, suppression,
// routed chains and send_at, decided inside the write transaction with the rules the SQLite
// store uses (core/store/write_rules.hpp).
//
// Messages without guard checks take the fast path: one multi-row INSERT, ON CONFLICT DO NOTHING
// on the idempotency index, and a look-up only for the rows that were not inserted. Messages with
// guard checks first take the transaction-scoped advisory locks of their guard keys' slots (in
// ascending order, so two batches never wait for each other in a cycle), which serialises every
// node's decisions on those keys until commit; then their marks are read in one statement,
// decided in batch order, and inserted with the messages.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "core/store/pg_array_param.hpp"
#include "core/store/pg_send_log.hpp"
#include "core/store/pg_store_internal.hpp"
#include "core/store/write_rules.hpp"

namespace notify::core {
namespace {

using pg::str;

// Rows go in the order given, so within a batch the first of two equal idempotency keys wins,
// as in SQLite. The "accepted" and first state events are implied by the row (see migration 1;
// first_detail and the state say who and why, migration 3). A sendable message (queued or
// scheduled) also gets its queue row (migration 7): ready at send_at when it has one, else at
// once; a scheduled one names its app there, for recall by tag. One stored claimed (its id in
// $22 with its lease's end in $23, the owner $24; see NewMessage::claimLeaseMs) gets its queue
// row leased as attempt 1, as a claim would have left it.
// The send log's recipient rows ($25 addresses, $26 message ids; see pg_send_log.hpp) go in
// with the messages that were stored.
// The arrays are unnested in the select list (a ProjectSet streams them in order; unnest() in
// FROM would materialise them first). $1..$21 are the columns, in InsertColumns::add's order.
// Two forms: rows without an idempotency key go in with a plain insert; ON CONFLICT would make
// every row a speculative insert (a lock, a look-up in each unique index and one more WAL record
// each) for a conflict only a key can cause. Rows with a key go in with ON CONFLICT DO NOTHING.
constexpr const char* kInsertRows = R"sql(
WITH ins AS (
INSERT INTO messages (id, app, template, channel, to_json, vars_json, attrs_json, subject, body,
  tags_json, req_id, idempotency_key, state, first_state, created_ms, updated_ms, lane,
  payload_hash, providers, send_at_ms, first_detail, owner, business_line)
SELECT id, app, template, channel, to_json, vars_json, attrs_json, subject, body, tags_json,
  req_id, idempotency_key, state, state, created_ms, created_ms, lane, payload_hash,
  providers, send_at_ms, first_detail, owner, business_line
FROM (SELECT unnest($1::text[]) AS id, unnest($2::text[]) AS app,
  unnest($3::text[]) AS template, unnest($4::text[]) AS channel, unnest($5::text[]) AS to_json,
  unnest($6::text[]) AS vars_json, unnest($7::text[]) AS attrs_json,
  unnest($8::text[]) AS subject, unnest($9::text[]) AS body, unnest($10::text[]) AS tags_json,
  unnest($11::text[]) AS req_id, unnest($12::text[]) AS idempotency_key,
  unnest($13::text[]) AS state, unnest($14::bigint[]) AS created_ms, unnest($15::text[]) AS lane,
  unnest($16::text[]) AS payload_hash, unnest($17::text[]) AS providers,
  unnest($18::bigint[]) AS send_at_ms, unnest($19::text[]) AS first_detail,
  unnest($20::text[]) AS owner, unnest($21::text[]) AS business_line) u
)sql";
constexpr const char* kInsertDependents = R"sql(
RETURNING id, app, state, created_ms, lane, send_at_ms
), queued AS (
INSERT INTO queue (id, lane, ready_ms, created_ms, scheduled_app, attempts, lease_owner,
  leased_ms)
SELECT ins.id, lane,
  COALESCE(c.lease_until, CASE WHEN send_at_ms > 0 THEN send_at_ms ELSE created_ms END),
  created_ms, CASE WHEN state = 'scheduled' THEN app END,
  CASE WHEN c.lease_until IS NULL THEN 0 ELSE 1 END,
  CASE WHEN c.lease_until IS NULL THEN NULL ELSE $24::text END,
  CASE WHEN c.lease_until IS NULL THEN NULL ELSE created_ms END
FROM ins LEFT JOIN unnest($22::text[], $23::bigint[]) AS c(id, lease_until) ON c.id = ins.id
WHERE state IN ('queued', 'scheduled')
), recipients AS (
INSERT INTO message_recipients (address, message_id)
SELECT r.address, r.message_id FROM unnest($25::text[], $26::text[]) AS r(address, message_id)
JOIN ins ON ins.id = r.message_id
)
)sql";
// The plain form says how many rows it stored (all, or it fails); the keyed one, which.
const std::string kInsertMessages =
    std::string(kInsertRows) + kInsertDependents + "SELECT count(*) FROM ins";
const std::string kInsertKeyedMessages =
    std::string(kInsertRows) + "ON CONFLICT DO NOTHING" + kInsertDependents + "SELECT id FROM ins";

// The messages already holding the given app + idempotency keys.
constexpr const char* kFindKeyHolders = R"sql(
SELECT u.ord, m.id, m.payload_hash, m.created_ms
FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(app, key, ord)
JOIN messages m ON m.app = u.app AND m.idempotency_key = u.key
)sql";

// A key past its retention is free again: its holder keeps the message, not the key.
constexpr const char* kFreeKeys =
    "UPDATE messages SET idempotency_key = NULL WHERE id = ANY($1::text[])";

// The advisory locks of a batch's guard keys, in the order given (ascending). The two-integer
// form keeps them apart from the single-bigint locks of migrations and rate permits.
constexpr const char* kLockGuardKeys =
    "SELECT count(pg_advisory_xact_lock(7243062, h)) FROM unnest($1::int[]) AS h";

// Per (key, since, limit): marks at or after since (counted up to limit), and the latest one.
constexpr const char* kReadMarks = R"sql(
SELECT u.ord,
  (SELECT count(*) FROM (SELECT 1 FROM guard_marks g WHERE g.key = u.key AND g.at_ms >= u.since
     LIMIT u.lim) c),
  l.message_id, l.at_ms
FROM unnest($1::text[], $2::bigint[], $3::bigint[]) WITH ORDINALITY AS u(key, since, lim, ord)
LEFT JOIN LATERAL (SELECT message_id, at_ms FROM guard_marks g
  WHERE g.key = u.key AND g.at_ms >= u.since ORDER BY g.at_ms DESC LIMIT 1) l ON true
)sql";

constexpr const char* kInsertMarks =
    "INSERT INTO guard_marks (key, at_ms, message_id) "
    "SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[])";

// SKIP LOCKED: nodes pruning at once take different rows.
constexpr const char* kPruneMarks =
    "DELETE FROM guard_marks WHERE ctid = ANY(ARRAY(SELECT ctid FROM guard_marks "
    "WHERE at_ms < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)) RETURNING 1";

// How often a batch is decided again when another node's commit took one of its idempotency
// keys between the look-up and the insert.
constexpr int kRaceRounds = 3;

// Guard keys share this many advisory locks. A batch holds one lock per slot its keys fall in,
// so it never holds more than this many, whatever its size: PostgreSQL's shared lock table
// (max_locks_per_transaction x max_connections, 6,400 by default) is shared by every session.
// Two keys in one slot are serialised although they need not be; that costs time, never
// correctness.
constexpr uint32_t kGuardLockSlots = 1024;

// The same slot on every node: FNV-1a.
int32_t lockSlot(const std::string& key) {
  uint32_t h = 2166136261u;
  for (unsigned char c : key) {
    h = (h ^ c) * 16777619u;
  }
  return static_cast<int32_t>(h % kGuardLockSlots);
}

// Text arrays for unnest(), one per column.
using Columns = std::vector<std::vector<std::optional<std::string>>>;

PgParams arrays(const Columns& columns) {
  PgParams params;
  for (const auto& column : columns) {
    params.emplace_back(pgArray(column));
  }
  return params;
}

// One multi-row insert's columns, in kInsertMessages' parameter order, in binary form.
class InsertColumns {
 public:
  // claimOwner: see WriteBatch::claimOwner. Returns whether m is stored claimed if stored.
  bool add(const NewMessage& m, const GuardVerdict& v, const std::string& claimOwner) {
    auto column = columns_.begin();
    auto text = [&](std::string_view value) { (column++)->addText(value); };
    text(m.id);
    text(m.app);
    text(m.templateName);
    text(m.channel);
    text(m.toJson);
    text(m.varsJson);
    text(m.attrsJson);
    text(m.subject);
    text(m.body);
    text(m.tagsJson);
    text(m.reqId);
    if (m.idempotencyKey.empty()) {
      (column++)->addNull();
    } else {
      text(m.idempotencyKey);
      keyed_ = true;
    }
    text(stateName(v.state));
    (column++)->addInteger(m.createdMs);
    text(m.lane);
    text(m.payloadHash);
    text(joinProviders(m.providers));
    (column++)->addInteger(isScheduled(m) ? m.sendAtMs : int64_t{0});
    text(v.detail);
    text(m.owner);
    text(m.businessLine);
    bool claimed = storedClaimed(m, v, claimOwner);
    if (claimed) {
      claimedIds_.addText(m.id);
      leaseEnds_.addInteger(m.createdMs + m.claimLeaseMs);
      owner_ = claimOwner;
    }
    messages_.push_back(&m);
    return claimed;
  }

  size_t size() const { return messages_.size(); }

  // Inserts the rows; returns the ids that were stored (the others hit an idempotency key).
  std::set<std::string> insert(PgConnection& conn) const {
    std::set<std::string> stored;
    if (!keyed_) {
      insertAll(conn);
      for (const NewMessage* m : messages_) {
        stored.insert(m->id);
      }
      return stored;
    }
    PgResult inserted =
        conn.preparedBinary("insert_keyed_messages", kInsertKeyedMessages, params());
    for (int r = 0; r < inserted.rows(); ++r) {
      stored.insert(inserted.text(r, 0));
    }
    return stored;
  }

  // Rows without an idempotency key: the plain form, where a conflict is an error, as in SQLite
  // (ids are unique by making). Throws unless every row was stored.
  void insertAll(PgConnection& conn) const {
    if (size() == 0) {
      return;
    }
    PgResult count = conn.preparedBinary("insert_messages", kInsertMessages, params());
    if (count.integer(0, 0) != static_cast<int64_t>(size())) {
      throw PgError("an insert of " + std::to_string(size()) + " messages stored " +
                        count.text(0, 0),
                    false);
    }
  }

 private:
  // kInsertMessages' parameters, in binary form.
  std::vector<std::string> params() const {
    std::vector<std::string> params;
    params.reserve(columns_.size() + 5);
    for (const PgArrayParam& column : columns_) {
      params.push_back(column.bytes());
    }
    params.push_back(claimedIds_.bytes());
    params.push_back(leaseEnds_.bytes());
    params.push_back(owner_);  // text, in binary form: its bytes
    RecipientColumns recipients = recipientColumns(messages_);
    params.push_back(recipients.addresses.bytes());
    params.push_back(recipients.messageIds.bytes());
    return params;
  }

  // The element types of kInsertMessages' $1..$21.
  static std::vector<PgArrayParam> emptyColumns() {
    using E = PgArrayParam::Element;
    std::vector<PgArrayParam> columns(21, PgArrayParam(E::kText));
    columns[13] = PgArrayParam(E::kInt8);  // created_ms
    columns[17] = PgArrayParam(E::kInt8);  // send_at_ms
    return columns;
  }
  std::vector<PgArrayParam> columns_ = emptyColumns();
  PgArrayParam claimedIds_{PgArrayParam::Element::kText};  // $22..$24: the ones stored claimed
  PgArrayParam leaseEnds_{PgArrayParam::Element::kInt8};
  std::string owner_;
  bool keyed_ = false;  // some row has an idempotency key
  std::vector<const NewMessage*> messages_;  // for their recipient rows; live for the write
};

// The holders of the given messages' keys, by index into messages.
std::map<size_t, KeyHolder> findKeyHolders(PgConnection& conn,
                                           const std::vector<const NewMessage*>& messages) {
  Columns columns(2);
  std::vector<size_t> asked;
  for (size_t i = 0; i < messages.size(); ++i) {
    if (!messages[i]->idempotencyKey.empty()) {
      columns[0].emplace_back(messages[i]->app);
      columns[1].emplace_back(messages[i]->idempotencyKey);
      asked.push_back(i);
    }
  }
  std::map<size_t, KeyHolder> holders;
  if (asked.empty()) {
    return holders;
  }
  PgResult rows = conn.prepared("find_key_holders", kFindKeyHolders, arrays(columns));
  for (int r = 0; r < rows.rows(); ++r) {
    size_t ord = static_cast<size_t>(rows.integer(r, 0)) - 1;
    holders[asked.at(ord)] = {rows.text(r, 1), rows.text(r, 2), rows.integer(r, 3)};
  }
  return holders;
}

void freeKeys(PgConnection& conn, const std::vector<std::optional<std::string>>& holderIds) {
  if (!holderIds.empty()) {
    conn.prepared("free_keys", kFreeKeys, {pgArray(holderIds)});
  }
}

// Messages without guard checks, in one insert. A row not inserted hit an idempotency key: its
// holder is looked up then, and only then.
std::vector<InsertOutcome> insertPlain(PgConnection& conn,
                                       const std::vector<const NewMessage*>& messages,
                                       const std::string& claimOwner) {
  struct NoMarks : MarkSource {
    int64_t count(const std::string&, int64_t, int64_t) override { return 0; }
    std::string latest(const std::string&, int64_t) override { return ""; }
  } none;
  std::vector<InsertOutcome> outcomes(messages.size());
  std::vector<GuardVerdict> verdicts;
  verdicts.reserve(messages.size());
  for (const NewMessage* m : messages) {
    verdicts.push_back(judgeGuards(*m, none));
  }
  std::vector<size_t> pending(messages.size());
  for (size_t i = 0; i < pending.size(); ++i) {
    pending[i] = i;
  }
  for (int round = 0; !pending.empty(); ++round) {
    if (round == kRaceRounds) {
      throw PgError("idempotency keys kept changing hands during this write", false);
    }
    // Rows without a key in one insert, those with one in another (see kInsertMessages). Only
    // the first round has rows without a key.
    InsertColumns unkeyed;
    InsertColumns keyed;
    std::vector<bool> claimed;
    for (size_t i : pending) {
      InsertColumns& rows = messages[i]->idempotencyKey.empty() ? unkeyed : keyed;
      claimed.push_back(rows.add(*messages[i], verdicts[i], claimOwner));
    }
    unkeyed.insertAll(conn);
    std::set<std::string> stored = keyed.insert(conn);
    std::vector<const NewMessage*> blocked;
    std::vector<size_t> blockedAt;
    for (size_t p = 0; p < pending.size(); ++p) {
      size_t i = pending[p];
      if (messages[i]->idempotencyKey.empty() || stored.count(messages[i]->id) > 0) {
        outcomes[i] = guardOutcome(verdicts[i]);
        outcomes[i].claimed = claimed[p];
      } else {
        blocked.push_back(messages[i]);
        blockedAt.push_back(i);
      }
    }
    std::map<size_t, KeyHolder> holders = findKeyHolders(conn, blocked);
    std::vector<std::optional<std::string>> expired;
    pending.clear();
    for (size_t b = 0; b < blocked.size(); ++b) {
      auto holder = holders.find(b);
      if (holder == holders.end()) {
        pending.push_back(blockedAt[b]);  // its holder was purged meanwhile: try again
        continue;
      }
      KeyVerdict verdict = judgeKey(*blocked[b], holder->second);
      if (verdict == KeyVerdict::kExpired) {
        expired.emplace_back(holder->second.messageId);
        pending.push_back(blockedAt[b]);
      } else {
        outcomes[blockedAt[b]] = keyOutcome(*blocked[b], holder->second, verdict);
      }
    }
    freeKeys(conn, expired);
  }
  return outcomes;
}

// The marks under a batch's guard keys: what the database held when the batch's locks were
// taken, plus what the batch's own earlier messages leave.
class BatchMarks : public MarkSource {
 public:
  BatchMarks(PgConnection& conn, const std::vector<const NewMessage*>& messages) {
    std::set<std::tuple<std::string, int64_t, int64_t>> asked;
    for (const NewMessage* m : messages) {
      for (const GuardCheck& g : m->guards) {
        asked.emplace(g.key, g.sinceMs, g.limit);
      }
    }
    Columns columns(3);
    for (const auto& [key, since, limit] : asked) {
      columns[0].emplace_back(key);
      columns[1].emplace_back(str(since));
      columns[2].emplace_back(str(limit));
    }
    PgResult rows = conn.prepared("read_marks", kReadMarks, arrays(columns));
    std::vector<std::tuple<std::string, int64_t, int64_t>> order(asked.begin(), asked.end());
    for (int r = 0; r < rows.rows(); ++r) {
      const auto& [key, since, limit] = order.at(static_cast<size_t>(rows.integer(r, 0)) - 1);
      counts_[{key, since, limit}] = rows.integer(r, 1);
      if (!rows.isNull(r, 2)) {
        latest_[{key, since}] = {rows.integer(r, 3), rows.text(r, 2)};
      }
    }
  }

  int64_t count(const std::string& key, int64_t sinceMs, int64_t limit) override {
    int64_t n = counts_[{key, sinceMs, limit}];
    for (const auto& [atMs, id] : added_[key]) {
      n += atMs >= sinceMs ? 1 : 0;
    }
    return n;
  }

  std::string latest(const std::string& key, int64_t sinceMs) override {
    std::pair<int64_t, std::string> best{INT64_MIN, ""};
    if (auto stored = latest_.find({key, sinceMs}); stored != latest_.end()) {
      best = stored->second;
    }
    for (const auto& mark : added_[key]) {
      if (mark.first >= sinceMs && mark.first >= best.first) {
        best = mark;
      }
    }
    return best.second;
  }

  // A stored sendable message leaves a mark under each of its guard keys.
  void add(const NewMessage& m) {
    for (const GuardCheck& g : m.guards) {
      added_[g.key].emplace_back(m.createdMs, m.id);
      rows_[0].emplace_back(g.key);
      rows_[1].emplace_back(str(m.createdMs));
      rows_[2].emplace_back(m.id);
    }
  }

  void insertAdded(PgConnection& conn) const {
    if (!rows_[0].empty()) {
      conn.prepared("insert_marks", kInsertMarks, arrays(rows_));
    }
  }

 private:
  std::map<std::tuple<std::string, int64_t, int64_t>, int64_t> counts_;
  std::map<std::pair<std::string, int64_t>, std::pair<int64_t, std::string>> latest_;
  std::map<std::string, std::vector<std::pair<int64_t, std::string>>> added_;
  Columns rows_ = Columns(3);
};

void lockGuardKeys(PgConnection& conn, const std::vector<const NewMessage*>& messages) {
  std::set<int32_t> ids;
  for (const NewMessage* m : messages) {
    for (const GuardCheck& g : m->guards) {
      ids.insert(lockSlot(g.key));
    }
  }
  std::vector<std::optional<std::string>> ordered;
  for (int32_t id : ids) {
    ordered.emplace_back(std::to_string(id));
  }
  conn.prepared("lock_guard_keys", kLockGuardKeys, {pgArray(ordered)});
}

// One decision of the guarded messages, in batch order; nullopt when another node's commit took
// one of their idempotency keys after the look-up (the caller rolls back and decides again).
std::optional<std::vector<InsertOutcome>> decideGuarded(
    PgConnection& conn, const std::vector<const NewMessage*>& messages,
    const std::string& claimOwner) {
  std::map<size_t, KeyHolder> holders = findKeyHolders(conn, messages);
  BatchMarks marks(conn, messages);
  std::map<std::pair<std::string, std::string>, KeyHolder> batchKeys;
  std::vector<std::optional<std::string>> expired;
  std::vector<InsertOutcome> outcomes(messages.size());
  InsertColumns rows;
  for (size_t i = 0; i < messages.size(); ++i) {
    const NewMessage& m = *messages[i];
    if (!m.idempotencyKey.empty()) {
      auto inBatch = batchKeys.find({m.app, m.idempotencyKey});
      if (inBatch != batchKeys.end()) {
        // Stored by this batch a moment ago: never past its retention.
        KeyVerdict verdict = judgeKey(m, inBatch->second) == KeyVerdict::kConflict
                                 ? KeyVerdict::kConflict
                                 : KeyVerdict::kRepeat;
        outcomes[i] = keyOutcome(m, inBatch->second, verdict);
        continue;
      }
      if (auto holder = holders.find(i); holder != holders.end()) {
        KeyVerdict verdict = judgeKey(m, holder->second);
        if (verdict != KeyVerdict::kExpired) {
          outcomes[i] = keyOutcome(m, holder->second, verdict);
          continue;
        }
        expired.emplace_back(holder->second.messageId);
      }
    }
    GuardVerdict verdict = judgeGuards(m, marks);
    outcomes[i] = guardOutcome(verdict);
    if (verdict.refused) {
      continue;
    }
    outcomes[i].claimed = rows.add(m, verdict, claimOwner);
    if (!m.idempotencyKey.empty()) {
      batchKeys[{m.app, m.idempotencyKey}] = {m.id, m.payloadHash, m.createdMs};
    }
    if (verdict.sendable()) {
      marks.add(m);
    }
  }
  freeKeys(conn, expired);
  if (rows.insert(conn).size() != rows.size()) {
    return std::nullopt;
  }
  marks.insertAdded(conn);
  return outcomes;
}

std::vector<InsertOutcome> insertGuarded(PgConnection& conn,
                                         const std::vector<const NewMessage*>& messages,
                                         const std::string& claimOwner) {
  for (int round = 0; round < kRaceRounds; ++round) {
    conn.exec("SAVEPOINT guarded");
    if (auto outcomes = decideGuarded(conn, messages, claimOwner)) {
      conn.exec("RELEASE SAVEPOINT guarded");
      return *outcomes;
    }
    conn.exec("ROLLBACK TO SAVEPOINT guarded");
  }
  throw PgError("idempotency keys kept changing hands during this write", false);
}

}  // namespace

Result<std::vector<InsertOutcome>> PgStore::write(const WriteBatch& batch) {
  // A batch of outcomes alone acknowledges nothing to a caller.
  return writeWith(batch, batch.inserts.empty() ? PgCommit::kRelaxed : PgCommit::kDurable);
}

Result<std::vector<InsertOutcome>> PgStore::writeUnsynced(const WriteBatch& batch) {
  return writeWith(batch, PgCommit::kRelaxed);
}

Result<void> PgStore::syncWrites() {
  try {
    // A transaction with an id writes a commit record, and with synchronous_commit on its commit
    // waits until the WAL is flushed up to that record: every earlier commit is durable then,
    // whichever session or node made it.
    inTransaction(PgCommit::kDurable, [](PgConnection& conn) {
      conn.prepared("sync_wal", "SELECT txid_current()", {});
    });
    return {};
  } catch (const std::exception& e) {
    return pg::storeError(e);
  }
}

Result<std::vector<InsertOutcome>> PgStore::writeWith(const WriteBatch& batch, PgCommit commit) {
  std::vector<const NewMessage*> plain;
  std::vector<const NewMessage*> guarded;
  for (const NewMessage& m : batch.inserts) {
    (m.guards.empty() ? plain : guarded).push_back(&m);
  }
  try {
    auto outcomes = inTransaction(commit, [&](PgConnection& conn) {
      // The locks come before any insert: an insert may wait for another transaction's
      // idempotency key, and that one must never be waiting for a lock this one holds.
      if (!guarded.empty()) {
        lockGuardKeys(conn, guarded);
      }
      // A guarded message whose key an unguarded one of the same batch holds is its repeat,
      // whatever their order in the batch.
      std::vector<InsertOutcome> plainOut = insertPlain(conn, plain, batch.claimOwner);
      std::vector<InsertOutcome> guardedOut;
      if (!guarded.empty()) {
        guardedOut = insertGuarded(conn, guarded, batch.claimOwner);
      }
      // Claimers (of every node) are told at commit about messages they have to claim: not
      // those stored claimed, which are this node's already.
      auto waiting = [](const InsertOutcome& o) {
        return o.inserted && !o.claimed &&
               (o.state == MessageState::kQueued || o.state == MessageState::kScheduled);
      };
      if (std::any_of(plainOut.begin(), plainOut.end(), waiting) ||
          std::any_of(guardedOut.begin(), guardedOut.end(), waiting)) {
        conn.exec(std::string("NOTIFY ") + pg::kReadyChannel);  // delivered at commit
      }
      if (!batch.transitions.empty()) {
        applyTransitions(conn, batch.transitions);
        queueVacuum_.noteChanges(batch.transitions.size());
      }
      std::vector<InsertOutcome> merged;
      merged.reserve(batch.inserts.size());
      size_t p = 0;
      size_t g = 0;
      for (const NewMessage& m : batch.inserts) {
        merged.push_back(m.guards.empty() ? std::move(plainOut[p++]) : std::move(guardedOut[g++]));
      }
      return merged;
    });
    if (!guarded.empty() && ++guardedWrites_ % kGuardMarkPruneEvery == 0) {
      // Best effort: a failed prune is retried kGuardMarkPruneEvery guarded writes later.
      (void)pruneGuardMarks(guarded.front()->createdMs - kGuardMarkHorizonMs, kGuardMarkPruneBatch);
    }
    return outcomes;
  } catch (const std::exception& e) {
    return pg::storeError(e);
  }
}

Result<size_t> PgStore::pruneGuardMarks(int64_t beforeMs, int64_t limit) {
  try {
    PgPool::Lease conn = pool_.acquire();
    PgResult pruned = conn->prepared("prune_marks", kPruneMarks, {str(beforeMs), str(limit)});
    return static_cast<size_t>(pruned.rows());
  } catch (const std::exception& e) {
    return pg::storeError(e);
  }
}

}  // namespace notify::core
