// SPDX-License-Identifier: Apache-2.0
// SqliteStore: cancel one message, and recall scheduled messages by tag.
#include "core/store/sqlite_db.hpp"
#include "core/store/sqlite_store.hpp"

namespace notify::core {
namespace {

// The states isCancelable() names, as SQL. A claim moves a message to "sending" in the same
// writer transaction discipline, so this guard is what makes cancel and claim exclusive.
constexpr const char* kCancelableSql = "('scheduled', 'queued', 'retrying', 'rate_limited')";

// Prepared once per call: a recall by tag may cancel many messages in one transaction.
class Canceler {
 public:
  explicit Canceler(SqliteDb& db)
      : db_(db),
        update_(db.handle(), std::string("UPDATE messages SET state = 'canceled', ready_ms = "
                                         "NULL, lease_owner = NULL, updated_ms = ? WHERE id = ? "
                                         "AND state IN ") +
                                 kCancelableSql),
        event_(db.handle(),
               "INSERT INTO events (message_id, at_ms, state, actor, provider, code, detail) "
               "VALUES (?, ?, 'canceled', ?, '', '', ?)") {}

  // Moves the message to canceled, with its event, if it is still waiting; true when it did.
  bool cancel(const std::string& id, int64_t nowMs, const std::string& actor,
              const std::string& detail) {
    update_.bind(1, nowMs).bind(2, id).run();
    if (db_.changes() != 1) {
      return false;
    }
    event_.bind(1, id).bind(2, nowMs).bind(3, actor).bind(4, detail).run();
    return true;
  }

 private:
  SqliteDb& db_;
  SqliteStatement update_;
  SqliteStatement event_;
};

}  // namespace

Result<CancelOutcome> SqliteStore::cancel(const CancelQuery& query) {
  std::lock_guard lock(writeMutex_);
  try {
    SqliteTransaction tx(*writer_);
    bool byId = !query.messageId.empty();
    SqliteStatement find(writer_->handle(),
                         byId ? "SELECT id, state FROM messages WHERE app = ? AND id = ?"
                              : "SELECT id, state FROM messages WHERE app = ? AND "
                                "idempotency_key = ?");
    find.bind(1, query.app).bind(2, byId ? query.messageId : query.idempotencyKey);
    CancelOutcome outcome;
    if (!find.step()) {
      return outcome;  // not found: nothing to commit
    }
    outcome.found = true;
    outcome.messageId = find.text(0);
    outcome.state = parseState(find.text(1)).value_or(MessageState::kAccepted);
    find.reset();
    if (Canceler(*writer_).cancel(outcome.messageId, query.nowMs, query.actor,
                                  std::string("canceled while ") + stateName(outcome.state))) {
      outcome.canceled = true;
      outcome.state = MessageState::kCanceled;
    }
    tx.commit();
    return outcome;
  } catch (const std::exception& e) {
    return makeError("unavailable", std::string("store: ") + e.what());
  }
}

Result<size_t> SqliteStore::cancelScheduledByTag(const std::string& app, const std::string& tag,
                                                 int64_t nowMs, const std::string& actor) {
  // Set-based, so a recall of a million messages holds none of them in memory. The events are
  // written first, for exactly the rows the update then moves (one write transaction).
  // messages_scheduled indexes this set: the app's messages still scheduled.
  constexpr const char* kTagged =
      " FROM messages m WHERE m.app = ?1 AND m.state = 'scheduled' AND EXISTS (SELECT 1 FROM "
      "json_each(m.tags_json) WHERE value = ?2)";
  std::lock_guard lock(writeMutex_);
  try {
    SqliteTransaction tx(*writer_);
    SqliteStatement events(writer_->handle(),
                           std::string("INSERT INTO events (message_id, at_ms, state, actor, "
                                       "provider, code, detail) SELECT m.id, ?3, 'canceled', ?4, "
                                       "'', '', ?5") +
                               kTagged);
    events.bind(1, app).bind(2, tag).bind(3, nowMs).bind(4, actor);
    events.bind(5, "recalled by tag '" + tag + "'").run();
    SqliteStatement update(writer_->handle(),
                           std::string("UPDATE messages SET state = 'canceled', ready_ms = NULL, "
                                       "lease_owner = NULL, updated_ms = ?3 WHERE id IN (SELECT "
                                       "m.id") +
                               kTagged + ")");
    update.bind(1, app).bind(2, tag).bind(3, nowMs).run();
    size_t canceled = static_cast<size_t>(writer_->changes());
    tx.commit();
    return canceled;
  } catch (const std::exception& e) {
    return makeError("unavailable", std::string("store: ") + e.what());
  }
}

}  // namespace notify::core
