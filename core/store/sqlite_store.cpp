// SPDX-License-Identifier: Apache-2.0
#include "core/store/sqlite_store.hpp"

#include "core/common/json_writer.hpp"
#include "core/store/sqlite_db.hpp"
#include "core/store/sqlite_message_row.hpp"
#include "core/store/sqlite_schema.hpp"
#include "core/store/write_rules.hpp"

namespace notify::core {
namespace {

// For transactions that acknowledge nothing to a caller (claims, dispatcher outcomes) on a store
// that otherwise syncs every commit: they are appended to the WAL without an fsync of their own.
// A crash of notifyd loses nothing (the OS holds the write); a crash of the machine may lose the
// last of them, which then means the message is claimed and sent again (at-least-once, as after
// any crash). WAL frames are recovered in order, so the next synced commit (an ingest ack) makes
// everything before it durable. Set before BEGIN, restored after the commit.
class RelaxedCommit {
 public:
  RelaxedCommit(SqliteDb& db, bool active) : db_(db), active_(active) {
    if (active_) {
      db_.exec("PRAGMA synchronous=NORMAL");
    }
  }
  ~RelaxedCommit() {
    if (active_) {
      try {
        db_.exec("PRAGMA synchronous=FULL");
      } catch (const std::exception&) {  // the connection is unusable anyway; the next use says so
      }
    }
  }
  RelaxedCommit(const RelaxedCommit&) = delete;
  RelaxedCommit& operator=(const RelaxedCommit&) = delete;

 private:
  SqliteDb& db_;
  bool active_;
};

Error storeError(const std::exception& e) {
  return makeError("unavailable", std::string("store: ") + e.what());
}

}  // namespace

// Prepared once on the writer connection; reused for every batch.
struct SqliteStore::Statements {
  explicit Statements(SqliteDb& db)
      : insertMessage(db.handle(),
                      "INSERT INTO messages (id, app, template, channel, to_json, vars_json, "
                      "attrs_json, subject, body, tags_json, req_id, idempotency_key, state, "
                      "created_ms, updated_ms, ready_ms, lane, payload_hash, providers, owner, "
                      "business_line, send_at_ms, first_state, first_detail, lease_owner, "
                      "attempts) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
        insertRecipient(db.handle(),
                        "INSERT INTO message_recipients (address, message_id) VALUES (?,?)"),
        insertEvent(db.handle(),
                    "INSERT INTO events (message_id, at_ms, state, actor, provider, code, detail) "
                    "VALUES (?,?,?,?,?,?,?)"),
        findIdempotent(db.handle(),
                       "SELECT id, payload_hash, created_ms FROM messages "
                       "WHERE app = ? AND idempotency_key = ?"),
        expireIdempotent(db.handle(), "UPDATE messages SET idempotency_key = NULL WHERE id = ?"),
        countMarks(db.handle(), "SELECT COUNT(*) FROM guard_marks WHERE key = ? AND at_ms >= ?"),
        lastMark(db.handle(),
                 "SELECT message_id FROM guard_marks WHERE key = ? AND at_ms >= ? "
                 "ORDER BY at_ms DESC LIMIT 1"),
        insertMark(db.handle(), "INSERT INTO guard_marks (key, at_ms, message_id) VALUES (?,?,?)"),
        pruneMarks(db.handle(),
                   "DELETE FROM guard_marks WHERE rowid IN (SELECT rowid FROM guard_marks "
                   "WHERE at_ms < ? LIMIT ?)"),
        applyTransition(db.handle(),
                        "UPDATE messages SET state = ?, ready_ms = ?, lease_owner = NULL, "
                        "provider = ?, provider_message_id = CASE WHEN ? = '' THEN "
                        "provider_message_id ELSE ? END, updated_ms = ?, attempts = attempts - ? "
                        "WHERE id = ? AND state = 'sending' AND attempts = ?"),
        selectReady(db.handle(),
                    "SELECT id, app, template, channel, to_json, vars_json, attrs_json, subject, "
                    "body, attempts, created_ms, state, lease_owner, lane, providers, send_at_ms, "
                    "updated_ms, claim_logged FROM messages "
                    "WHERE ready_ms IS NOT NULL AND ready_ms <= ? ORDER BY ready_ms LIMIT ?"),
        selectReadyInLane(
            db.handle(),
            "SELECT id, app, template, channel, to_json, vars_json, attrs_json, "
            "subject, body, attempts, created_ms, state, lease_owner, lane, providers, send_at_ms, "
            "updated_ms, claim_logged FROM messages WHERE lane = ? AND ready_ms IS NOT NULL "
            "AND ready_ms <= ? ORDER BY ready_ms LIMIT ?"),
        markSending(db.handle(),
                    "UPDATE messages SET state = 'sending', attempts = attempts + 1, "
                    "ready_ms = ?, lease_owner = ?, updated_ms = ?, claim_logged = ? "
                    "WHERE id = ?"),
        // An outcome's event, with the "sending" event of its attempt implied (claimed_ms,
        // attempt) unless a reclaim stored that one; inserted only when the outcome applies,
        // under the same conditions as applyTransition, before it changes the row.
        insertOutcomeEvent(
            db.handle(),
            "INSERT INTO events (message_id, at_ms, state, actor, provider, code, detail, "
            "claimed_ms, attempt) SELECT id, ?, ?, ?, ?, ?, ?, CASE WHEN claim_logged THEN NULL "
            "ELSE updated_ms END, CASE WHEN claim_logged THEN NULL ELSE attempts END FROM "
            "messages WHERE id = ? AND state = 'sending' AND attempts = ?") {}

  SqliteStatement insertMessage;
  SqliteStatement insertRecipient;
  SqliteStatement insertEvent;
  SqliteStatement findIdempotent;
  SqliteStatement expireIdempotent;
  SqliteStatement countMarks;
  SqliteStatement lastMark;
  SqliteStatement insertMark;
  SqliteStatement pruneMarks;
  int writesSincePrune = 0;
  SqliteStatement applyTransition;
  SqliteStatement selectReady;
  SqliteStatement selectReadyInLane;
  SqliteStatement markSending;
  SqliteStatement insertOutcomeEvent;

  void event(const std::string& id, const MessageEvent& e) {
    insertEvent.bindStatic(1, id)
        .bind(2, e.atMs)
        .bindStatic(3, stateName(e.state))
        .bindStatic(4, e.actor)
        .bindStatic(5, e.provider)
        .bindStatic(6, e.code)
        .bindStatic(7, e.detail)
        .run();
  }
};

// Prepared once on the reader connection: the claimer asks for the next due time after every
// claim that did not fill its batch, so this is on the latency path.
struct SqliteStore::ReaderStatements {
  explicit ReaderStatements(SqliteDb& db)
      : nextReady(db.handle(), "SELECT MIN(ready_ms) FROM messages WHERE ready_ms IS NOT NULL"),
        nextReadyInLane(db.handle(),
                        "SELECT MIN(ready_ms) FROM messages WHERE lane = ? AND "
                        "ready_ms IS NOT NULL") {}

  SqliteStatement nextReady;
  SqliteStatement nextReadyInLane;
};

SqliteStore::SqliteStore(std::filesystem::path path, bool synchronousFull)
    : path_(std::move(path)), synchronousFull_(synchronousFull) {}

SqliteStore::~SqliteStore() = default;

void SqliteStore::open() {
  if (path_.has_parent_path()) {
    std::filesystem::create_directories(path_.parent_path());
  }
  const char* synchronous = synchronousFull_ ? "FULL" : "NORMAL";
  writer_ = std::make_unique<SqliteDb>(path_.string());
  writer_->exec("PRAGMA journal_mode=WAL");
  writer_->exec(std::string("PRAGMA synchronous=") + synchronous);
  writer_->exec("PRAGMA busy_timeout=10000");
  reader_ = std::make_unique<SqliteDb>(path_.string());
  reader_->exec("PRAGMA busy_timeout=10000");
  walSync_ = std::make_unique<WalSync>(path_);
}

Result<void> SqliteStore::migrate() {
  std::lock_guard lock(writeMutex_);
  try {
    open();
    SqliteTransaction tx(*writer_);
    SqliteStatement version(writer_->handle(), "PRAGMA user_version");
    int64_t current = version.step() ? version.integer(0) : 0;
    version.reset();
    if (current > kSqliteSchemaVersion) {
      return makeError("unavailable", "store schema version " + std::to_string(current) +
                                          " is newer than this notifyd's " +
                                          std::to_string(kSqliteSchemaVersion));
    }
    if (current == 0) {
      writer_->exec(kSqliteSchema);  // already the latest layout
      current = kSqliteSchemaVersion;
    }
    for (int64_t v = current; v < kSqliteSchemaVersion; ++v) {
      writer_->exec(kSqliteUpgrades[v - 1]);
    }
    writer_->exec("PRAGMA user_version=" + std::to_string(kSqliteSchemaVersion));
    tx.commit();
    statements_ = std::make_unique<Statements>(*writer_);
    readerStatements_ = std::make_unique<ReaderStatements>(*reader_);
    return {};
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

namespace {

// The guard marks as the writer connection sees them inside its transaction.
class SqliteMarks : public MarkSource {
 public:
  SqliteMarks(SqliteStatement& countMarks, SqliteStatement& lastMark)
      : countMarks_(countMarks), lastMark_(lastMark) {}

  int64_t count(const std::string& key, int64_t sinceMs, int64_t) override {
    countMarks_.bind(1, key).bind(2, sinceMs);
    int64_t n = countMarks_.step() ? countMarks_.integer(0) : 0;
    countMarks_.reset();
    return n;
  }

  std::string latest(const std::string& key, int64_t sinceMs) override {
    lastMark_.bind(1, key).bind(2, sinceMs);
    std::string id = lastMark_.step() ? lastMark_.text(0) : std::string();
    lastMark_.reset();
    return id;
  }

 private:
  SqliteStatement& countMarks_;
  SqliteStatement& lastMark_;
};

}  // namespace

// Idempotency, then the guard checks, then the insert, all inside the caller's transaction:
// the next message of the same batch (or the next batch) sees this one's marks.
InsertOutcome SqliteStore::insertOne(Statements& s, const NewMessage& m,
                                     const std::string& claimOwner) {
  if (!m.idempotencyKey.empty()) {
    s.findIdempotent.bind(1, m.app).bind(2, m.idempotencyKey);
    std::optional<KeyHolder> holder;
    if (s.findIdempotent.step()) {
      holder = KeyHolder{s.findIdempotent.text(0), s.findIdempotent.text(1),
                         s.findIdempotent.integer(2)};
    }
    s.findIdempotent.reset();
    if (holder) {
      KeyVerdict keyVerdict = judgeKey(m, *holder);
      if (keyVerdict != KeyVerdict::kExpired) {
        return keyOutcome(m, *holder, keyVerdict);
      }
      s.expireIdempotent.bind(1, holder->messageId).run();  // past retention: free again
    }
  }
  SqliteMarks marks(s.countMarks, s.lastMark);
  GuardVerdict verdict = judgeGuards(m, marks);
  if (verdict.refused) {
    return guardOutcome(verdict);
  }
  bool scheduled = isScheduled(m);
  MessageState state = verdict.state;
  bool sendable = verdict.sendable();
  // Stored claimed: attempt 1 under the owner's lease, its "sending" event implied by the row
  // as a claim's is (claim_logged 0, at updated_ms), after the accepted and queued ones.
  bool claimed = storedClaimed(m, verdict, claimOwner);
  s.insertMessage.bindStatic(1, m.id)
      .bindStatic(2, m.app)
      .bindStatic(3, m.templateName)
      .bindStatic(4, m.channel)
      .bindStatic(5, m.toJson)
      .bindStatic(6, m.varsJson)
      .bindStatic(7, m.attrsJson)
      .bindStatic(8, m.subject)
      .bindStatic(9, m.body)
      .bindStatic(10, m.tagsJson)
      .bindStatic(11, m.reqId);
  if (m.idempotencyKey.empty()) {
    s.insertMessage.bindNull(12);
  } else {
    s.insertMessage.bindStatic(12, m.idempotencyKey);
  }
  s.insertMessage.bindStatic(13, claimed ? "sending" : stateName(state))
      .bind(14, m.createdMs)
      .bind(15, m.createdMs);
  if (claimed) {
    s.insertMessage.bind(16, m.createdMs + m.claimLeaseMs);  // the lease's end
  } else if (sendable) {
    s.insertMessage.bind(16, scheduled ? m.sendAtMs : m.createdMs);
  } else {
    s.insertMessage.bindNull(16);
  }
  s.insertMessage.bindStatic(17, m.lane)
      .bindStatic(18, m.payloadHash)
      .bindStatic(19, joinProviders(m.providers))
      .bindStatic(20, m.owner)
      .bindStatic(21, m.businessLine)
      .bind(22, scheduled ? m.sendAtMs : int64_t{0})
      .bind(23, sendable ? stateName(state) : "")
      .bind(24, sendable ? verdict.detail : std::string());
  if (claimed) {
    s.insertMessage.bindStatic(25, claimOwner).bind(26, int64_t{1});
  } else {
    s.insertMessage.bindNull(25).bind(26, int64_t{0});
  }
  s.insertMessage.run();
  for (const auto& [kind, address] : parseJsonObjectOfStrings(m.toJson)) {
    s.insertRecipient.bind(1, normalizeAddress(address)).bind(2, m.id).run();
  }
  if (!sendable) {
    // A sendable message's first two events are implied by its row (first_state): fewer rows
    // and index entries per message on the ingest path. A refused one records who refused it.
    s.event(m.id, {m.createdMs, MessageState::kAccepted, "app:" + m.app, "", "", ""});
    s.event(m.id, {m.createdMs, state, verdict.actor(m.app), "", "", verdict.detail});
  } else {
    for (const GuardCheck& g : m.guards) {
      s.insertMark.bind(1, g.key).bind(2, m.createdMs).bind(3, m.id).run();
    }
  }
  InsertOutcome outcome = guardOutcome(verdict);
  outcome.claimed = claimed;
  return outcome;
}

Result<std::vector<InsertOutcome>> SqliteStore::write(const WriteBatch& batch) {
  // New messages are acknowledged, so they must be on disk first; outcomes need no sync of
  // their own (see RelaxedCommit). Either way the fsync happens after the write lock is
  // released (WalSync): a claim never waits for the disk behind an ingest commit.
  Result<std::vector<InsertOutcome>> written = writeUnsynced(batch);
  if (written && synchronousFull_ && !batch.inserts.empty()) {
    Result<void> synced = syncWrites();
    if (!synced) {
      return synced.error();
    }
  }
  return written;
}

Result<void> SqliteStore::syncWrites() {
  if (!synchronousFull_) {
    return {};
  }
  try {
    walSync_->sync();
    return {};
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<std::vector<InsertOutcome>> SqliteStore::writeUnsynced(const WriteBatch& batch) {
  std::lock_guard lock(writeMutex_);
  try {
    Statements& s = *statements_;
    RelaxedCommit relaxed(*writer_, synchronousFull_);
    SqliteTransaction tx(*writer_);
    std::vector<InsertOutcome> outcomes;
    outcomes.reserve(batch.inserts.size());
    for (const NewMessage& m : batch.inserts) {
      outcomes.push_back(insertOne(s, m, batch.claimOwner));
    }
    if (!batch.inserts.empty() && ++s.writesSincePrune >= kGuardMarkPruneEvery) {
      s.writesSincePrune = 0;
      s.pruneMarks.bind(1, batch.inserts.front().createdMs - kGuardMarkHorizonMs)
          .bind(2, kGuardMarkPruneBatch)
          .run();
    }
    for (const Transition& t : batch.transitions) {
      s.insertOutcomeEvent.bind(1, t.event.atMs)
          .bindStatic(2, stateName(t.event.state))
          .bindStatic(3, t.event.actor)
          .bindStatic(4, t.event.provider)
          .bindStatic(5, t.event.code)
          .bindStatic(6, t.event.detail)
          .bindStatic(7, t.messageId)
          .bind(8, static_cast<int64_t>(t.attempt))
          .run();
      if (writer_->changes() != 1) {
        continue;  // a stale outcome: the lease was lost and the message claimed again
      }
      s.applyTransition.bind(1, stateName(t.state))
          .bindOptional(2, t.readyMs)
          .bind(3, t.provider)
          .bind(4, t.providerMessageId)
          .bind(5, t.providerMessageId)
          .bind(6, t.event.atMs)
          .bind(7, static_cast<int64_t>(t.refundAttempt ? 1 : 0))
          .bind(8, t.messageId)
          .bind(9, static_cast<int64_t>(t.attempt))
          .run();
    }
    tx.commit();
    return outcomes;
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<std::vector<ClaimedMessage>> SqliteStore::claim(const ClaimRequest& request) {
  std::lock_guard lock(writeMutex_);
  try {
    Statements& s = *statements_;
    RelaxedCommit relaxed(*writer_, synchronousFull_);
    SqliteTransaction tx(*writer_);
    std::vector<ClaimedMessage> claimed;
    std::vector<std::string> expiredOwners;
    // The claim time of an expired attempt whose "sending" event is still implied by the row.
    std::vector<std::optional<int64_t>> expiredClaims;
    const int64_t nowMs = request.nowMs;
    SqliteStatement& select = request.lane.empty() ? s.selectReady : s.selectReadyInLane;
    const int first = request.lane.empty() ? 1 : 2;  // the lane, when given, is parameter 1
    if (!request.lane.empty()) {
      select.bind(1, request.lane);
    }
    select.bind(first, nowMs).bind(first + 1, static_cast<int64_t>(request.limit));
    while (select.step()) {
      ClaimedMessage m;
      m.id = select.text(0);
      m.app = select.text(1);
      m.templateName = select.text(2);
      m.channel = select.text(3);
      m.toJson = select.text(4);
      m.varsJson = select.text(5);
      m.attrsJson = select.text(6);
      m.subject = select.text(7);
      m.body = select.text(8);
      m.attempt = static_cast<uint32_t>(select.integer(9)) + 1;
      m.createdMs = select.integer(10);
      const std::string state = select.text(11);
      m.claimedFrom = parseState(state).value_or(MessageState::kQueued);
      bool leaseExpired = state == "sending";
      expiredOwners.push_back(leaseExpired ? select.text(12) : std::string());
      m.lane = select.text(13);
      m.providers = splitProviders(select.text(14));
      m.sendAtMs = select.integer(15);
      expiredClaims.push_back(leaseExpired && select.integer(17) == 0
                                  ? std::optional<int64_t>(select.integer(16))
                                  : std::nullopt);
      claimed.push_back(std::move(m));
    }
    select.reset();
    for (size_t i = 0; i < claimed.size(); ++i) {
      const ClaimedMessage& m = claimed[i];
      // A claim's "sending" event is implied (schema 7). A reclaim stores its own, with the
      // reason, after the expired attempt's if that one was still implied by the row.
      const bool reclaim = !expiredOwners[i].empty();
      s.markSending.bind(1, nowMs + request.leaseMs)
          .bind(2, request.owner)
          .bind(3, nowMs)
          .bind(4, int64_t{reclaim ? 1 : 0})
          .bind(5, m.id)
          .run();
      if (!reclaim) {
        continue;
      }
      if (expiredClaims[i]) {
        s.event(m.id, impliedSendingEvent(*expiredClaims[i], m.attempt - 1));
      }
      MessageEvent event = impliedSendingEvent(nowMs, m.attempt);
      event.detail += "; reclaimed after the lease of " + expiredOwners[i] + " expired";
      s.event(m.id, event);
    }
    tx.commit();
    return claimed;
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<std::optional<int64_t>> SqliteStore::nextReadyMs(const std::string& lane) {
  std::lock_guard lock(readMutex_);
  try {
    SqliteStatement& q =
        lane.empty() ? readerStatements_->nextReady : readerStatements_->nextReadyInLane;
    if (!lane.empty()) {
      q.bind(1, lane);
    }
    std::optional<int64_t> next;
    if (q.step() && !q.isNull(0)) {
      next = q.integer(0);
    }
    q.reset();
    return next;
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<std::optional<MessageRecord>> SqliteStore::find(const std::string& id) {
  std::lock_guard lock(readMutex_);
  try {
    SqliteStatement q(reader_->handle(), std::string("SELECT ") + kMessageRecordColumns +
                                             " FROM messages m WHERE m.id = ?");
    q.bind(1, id);
    if (!q.step()) {
      return std::optional<MessageRecord>();
    }
    MessageRecord r = readMessageRow(q);
    std::optional<int64_t> openClaim = openClaimMs(q, r);
    q.reset();
    appendEvents(r, openClaim);
    return std::optional<MessageRecord>(std::move(r));
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

namespace {

// The WHERE clause shared by listing and replaying, with its parameters bound in order.
constexpr const char* kDeadLetterFilter =
    " FROM messages m WHERE m.state = 'failed' AND m.app = ?1"
    " AND (?2 = '' OR m.id = ?2) AND (?3 = '' OR m.template = ?3)"
    " AND m.updated_ms >= ?4 AND m.updated_ms <= ?5";

void bindDeadLetterQuery(SqliteStatement& q, const DeadLetterQuery& query) {
  q.bind(1, query.app)
      .bind(2, query.messageId)
      .bind(3, query.templateName)
      .bind(4, query.sinceMs)
      .bind(5, query.untilMs);
}

}  // namespace

Result<std::vector<DeadLetter>> SqliteStore::deadLetters(const DeadLetterQuery& query) {
  std::lock_guard lock(readMutex_);
  try {
    // The last event of a failed message holds the error that ended it.
    SqliteStatement q(
        reader_->handle(),
        std::string("SELECT m.id, m.template, m.channel, m.provider, m.attempts, m.created_ms, "
                    "m.updated_ms, (SELECT code FROM events WHERE message_id = m.id ORDER BY "
                    "rowid DESC LIMIT 1), (SELECT detail FROM events WHERE message_id = m.id "
                    "ORDER BY rowid DESC LIMIT 1)") +
            kDeadLetterFilter + " ORDER BY m.updated_ms DESC LIMIT ?6");
    bindDeadLetterQuery(q, query);
    q.bind(6, static_cast<int64_t>(query.limit));
    std::vector<DeadLetter> letters;
    while (q.step()) {
      letters.push_back({q.text(0), q.text(1), q.text(2), q.text(3),
                         static_cast<uint32_t>(q.integer(4)), q.integer(5), q.integer(6), q.text(7),
                         q.text(8)});
    }
    return letters;
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<size_t> SqliteStore::replay(const DeadLetterQuery& query, int64_t nowMs,
                                   const std::string& actor) {
  std::lock_guard lock(writeMutex_);
  try {
    SqliteTransaction tx(*writer_);
    SqliteStatement select(writer_->handle(),
                           std::string("SELECT m.id") + kDeadLetterFilter + " LIMIT ?6");
    bindDeadLetterQuery(select, query);
    select.bind(6, static_cast<int64_t>(query.limit));
    std::vector<std::string> ids;
    while (select.step()) {
      ids.push_back(select.text(0));
    }
    select.reset();
    SqliteStatement requeue(writer_->handle(),
                            "UPDATE messages SET state = 'queued', attempts = 0, ready_ms = ?, "
                            "lease_owner = NULL, updated_ms = ? WHERE id = ?");
    for (const auto& id : ids) {
      requeue.bind(1, nowMs).bind(2, nowMs).bind(3, id).run();
      statements_->event(
          id, {nowMs, MessageState::kQueued, actor, "", "", "replayed from the dead letters"});
    }
    tx.commit();
    return ids.size();
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

}  // namespace notify::core
