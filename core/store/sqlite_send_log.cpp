// SPDX-License-Identifier: Apache-2.0
// The SQLite store's observability queries: send log, statistics, gauges, alert history and
// delivery receipts. Reads go through the reader connection, writes through the writer.
#include "core/store/sqlite_db.hpp"
#include "core/store/sqlite_message_row.hpp"
#include "core/store/sqlite_store.hpp"

namespace notify::core {
namespace {

Error storeError(const std::exception& e) {
  return makeError("unavailable", std::string("store: ") + e.what());
}

// The WHERE clause of a send-log query.
std::string whereSql(const std::vector<QueryCondition>& conditions) {
  std::string where;
  for (const auto& c : conditions) {
    where += (where.empty() ? " WHERE " : " AND ") + c.clause;
  }
  return where;
}

// Binds the conditions' parameters from 1 on; returns the next parameter's index.
int bindConditions(SqliteStatement& q, const std::vector<QueryCondition>& conditions) {
  int index = 1;
  for (const auto& c : conditions) {
    if (c.integer) {
      q.bind(index++, *c.integer);
    } else {
      q.bind(index++, c.text);
    }
  }
  return index;
}

}  // namespace

void SqliteStore::appendEvents(MessageRecord& r, std::optional<int64_t> openClaim) {
  SqliteStatement events(reader_->handle(),
                         "SELECT at_ms, state, actor, provider, code, detail, claimed_ms, attempt "
                         "FROM events WHERE message_id = ? ORDER BY rowid");
  events.bind(1, r.id);
  std::vector<MessageEvent>& out = r.events;
  while (events.step()) {
    if (!events.isNull(6)) {
      out.push_back(
          impliedSendingEvent(events.integer(6), static_cast<uint32_t>(events.integer(7))));
    }
    out.push_back({events.integer(0), parseState(events.text(1)).value_or(MessageState::kAccepted),
                   events.text(2), events.text(3), events.text(4), events.text(5)});
  }
  if (openClaim) {
    out.push_back(impliedSendingEvent(*openClaim, r.attempts));
  }
}

Result<std::vector<MessageRecord>> SqliteStore::findMessages(const MessageQuery& query) {
  std::lock_guard lock(readMutex_);
  try {
    std::vector<QueryCondition> conditions = queryConditions(query);
    SqliteStatement q(reader_->handle(), std::string("SELECT ") + kMessageRecordColumns +
                                             " FROM messages m" + whereSql(conditions) +
                                             " ORDER BY m.created_ms DESC LIMIT ?");
    q.bind(bindConditions(q, conditions), static_cast<int64_t>(query.limit));
    std::vector<MessageRecord> records;
    std::vector<std::optional<int64_t>> openClaims;
    while (q.step()) {
      records.push_back(readMessageRow(q));
      openClaims.push_back(openClaimMs(q, records.back()));
    }
    q.reset();
    for (size_t i = 0; i < records.size(); ++i) {
      appendEvents(records[i], openClaims[i]);
    }
    return records;
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<std::vector<SendStats>> SqliteStore::sendStats(int64_t sinceMs, int64_t untilMs) {
  std::lock_guard lock(readMutex_);
  try {
    SqliteStatement q(
        reader_->handle(),
        std::string("SELECT app, channel, provider, COUNT(*), "
                    "SUM(state IN ('delivered','provider_accepted')), SUM(state = 'failed'), "
                    "SUM(state NOT IN ") +
            kFinalStatesSql +
            "), SUM(EXISTS (SELECT 1 FROM events e WHERE e.message_id = m.id AND "
            "e.state = 'rate_limited')) FROM messages m WHERE created_ms >= ? AND "
            "created_ms <= ? GROUP BY app, channel, provider ORDER BY app, channel, provider");
    q.bind(1, sinceMs).bind(2, untilMs);
    std::vector<SendStats> rows;
    while (q.step()) {
      rows.push_back({q.text(0), q.text(1), q.text(2), q.integer(3), q.integer(4), q.integer(5),
                      q.integer(6), q.integer(7)});
    }
    return rows;
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<StoreGauges> SqliteStore::gauges(int64_t nowMs) {
  std::lock_guard lock(readMutex_);
  try {
    StoreGauges out;
    SqliteStatement lanes(reader_->handle(),
                          "SELECT lane, COUNT(*), MIN(created_ms) FROM messages WHERE ready_ms IS "
                          "NOT NULL AND (state <> 'scheduled' OR ready_ms <= ?) GROUP BY lane");
    lanes.bind(1, nowMs);
    while (lanes.step()) {
      out.lanes.push_back({lanes.text(0), lanes.integer(1), lanes.integer(2)});
    }
    SqliteStatement failed(reader_->handle(),
                           "SELECT COUNT(*) FROM messages WHERE state = 'failed'");
    if (failed.step()) {
      out.deadLetters = failed.integer(0);
    }
    return out;
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<int64_t> SqliteStore::countGuardMarks(const std::string& key, int64_t sinceMs) {
  std::lock_guard lock(readMutex_);
  try {
    SqliteStatement count(reader_->handle(),
                          "SELECT COUNT(*) FROM guard_marks WHERE key = ? AND at_ms >= ?");
    count.bind(1, key).bind(2, sinceMs);
    return count.step() ? count.integer(0) : 0;
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<void> SqliteStore::recordAlert(const AlertEvent& event) {
  std::lock_guard lock(writeMutex_);
  try {
    SqliteStatement insert(writer_->handle(),
                           "INSERT INTO alert_history (at_ms, rule, firing, value, detail) "
                           "VALUES (?,?,?,?,?)");
    insert.bind(1, event.atMs)
        .bind(2, event.rule)
        .bind(3, static_cast<int64_t>(event.firing ? 1 : 0))
        .bindReal(4, event.value)
        .bind(5, event.detail)
        .run();
    return {};
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<std::vector<AlertEvent>> SqliteStore::alertHistory(int64_t sinceMs, size_t limit) {
  std::lock_guard lock(readMutex_);
  try {
    SqliteStatement q(reader_->handle(),
                      "SELECT at_ms, rule, firing, value, detail FROM alert_history "
                      "WHERE at_ms >= ? ORDER BY at_ms DESC, rowid DESC LIMIT ?");
    q.bind(1, sinceMs).bind(2, static_cast<int64_t>(limit));
    std::vector<AlertEvent> out;
    while (q.step()) {
      out.push_back({q.integer(0), q.text(1), q.integer(2) != 0, q.real(3), q.text(4)});
    }
    return out;
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<size_t> SqliteStore::prune(const PruneRequest& request) {
  std::lock_guard lock(writeMutex_);
  try {
    SqliteTransaction tx(*writer_);
    size_t changed = 0;
    const auto limit = static_cast<int64_t>(request.limit);
    if (request.bodiesBeforeMs > 0) {
      SqliteStatement clear(
          writer_->handle(),
          "UPDATE messages SET subject = '', body = '', vars_json = '{}', attrs_json = '{}' "
          "WHERE id IN (SELECT id FROM messages WHERE created_ms < ? AND ready_ms IS NULL "
          "AND (body <> '' OR subject <> '' OR vars_json <> '{}' OR attrs_json <> '{}') "
          "LIMIT ?)");
      clear.bind(1, request.bodiesBeforeMs).bind(2, limit).run();
      changed += static_cast<size_t>(writer_->changes());
    }
    if (request.recordsBeforeMs > 0) {
      writer_->exec("CREATE TEMP TABLE IF NOT EXISTS prune_ids (id TEXT PRIMARY KEY)");
      writer_->exec("DELETE FROM prune_ids");
      SqliteStatement pick(writer_->handle(),
                           "INSERT INTO prune_ids SELECT id FROM messages WHERE created_ms < ? "
                           "AND ready_ms IS NULL LIMIT ?");
      pick.bind(1, request.recordsBeforeMs).bind(2, limit).run();
      writer_->exec("DELETE FROM events WHERE message_id IN (SELECT id FROM prune_ids)");
      writer_->exec(
          "DELETE FROM message_recipients WHERE message_id IN (SELECT id FROM prune_ids)");
      writer_->exec("DELETE FROM messages WHERE id IN (SELECT id FROM prune_ids)");
      changed += static_cast<size_t>(writer_->changes());
      // A guard mark is stamped with its message's creation time: marks that old name
      // messages that are gone or about to go, and no guard window reaches back that far.
      SqliteStatement marks(writer_->handle(),
                            "DELETE FROM guard_marks WHERE rowid IN (SELECT rowid FROM "
                            "guard_marks WHERE at_ms < ? LIMIT ?)");
      marks.bind(1, request.recordsBeforeMs).bind(2, limit).run();
      changed += static_cast<size_t>(writer_->changes());
    }
    if (request.alertsBeforeMs > 0) {
      SqliteStatement alerts(writer_->handle(),
                             "DELETE FROM alert_history WHERE rowid IN (SELECT rowid FROM "
                             "alert_history WHERE at_ms < ? LIMIT ?)");
      alerts.bind(1, request.alertsBeforeMs).bind(2, limit).run();
      changed += static_cast<size_t>(writer_->changes());
    }
    tx.commit();
    return changed;
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<ReceiptApplied> SqliteStore::applyReceipt(const std::string& provider,
                                                 const std::string& providerMessageId,
                                                 MessageState state, const MessageEvent& event) {
  std::lock_guard lock(writeMutex_);
  try {
    SqliteTransaction tx(*writer_);
    SqliteStatement select(writer_->handle(),
                           "SELECT id, state, app, template, channel FROM messages "
                           "WHERE provider_message_id = ? AND provider = ?");
    select.bind(1, providerMessageId).bind(2, provider);
    ReceiptApplied applied;
    if (!select.step()) {
      return applied;
    }
    applied.matched = true;
    std::string id = select.text(0);
    std::string current = select.text(1);
    applied.app = select.text(2);
    applied.templateName = select.text(3);
    applied.channel = select.text(4);
    select.reset();
    // Only a message the provider accepted waits for a report; a repeated report changes nothing.
    applied.moved = current == stateName(MessageState::kProviderAccepted);
    if (applied.moved) {
      SqliteStatement update(writer_->handle(),
                             "UPDATE messages SET state = ?, updated_ms = ? WHERE id = ?");
      update.bind(1, stateName(state)).bind(2, event.atMs).bind(3, id).run();
      SqliteStatement insert(
          writer_->handle(),
          "INSERT INTO events (message_id, at_ms, state, actor, provider, code, detail) "
          "VALUES (?,?,?,?,?,?,?)");
      insert.bind(1, id)
          .bind(2, event.atMs)
          .bind(3, stateName(state))
          .bind(4, event.actor)
          .bind(5, event.provider)
          .bind(6, event.code)
          .bind(7, event.detail)
          .run();
    }
    tx.commit();
    return applied;
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

}  // namespace notify::core
