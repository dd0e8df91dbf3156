// SPDX-License-Identifier: Apache-2.0
// SqliteStore as a CronStore: cron runs, pause flags and pushed audiences. Writes go through the
// writer connection (BEGIN IMMEDIATE), so taking a run is exclusive even across processes.
#include <algorithm>
#include <array>
#include <utility>

#include "core/store/sqlite_db.hpp"
#include "core/store/sqlite_store.hpp"

namespace notify::core {
namespace {

constexpr std::array<std::pair<CronRunState, const char*>, 6> kRunStates = {{
    {CronRunState::kPending, "pending"},
    {CronRunState::kRunning, "running"},
    {CronRunState::kPaused, "paused"},
    {CronRunState::kDone, "done"},
    {CronRunState::kCanceled, "canceled"},
    {CronRunState::kSkipped, "skipped"},
}};

constexpr const char* kRunColumns =
    "job, planned_ms, trigger, state, owner, lease_until_ms, started_ms, finished_ms, "
    "cursor_offset, cursor_line, expanded, accepted, duplicates, errors, error_detail";

CronRun runFrom(const SqliteStatement& q) {
  CronRun r;
  r.job = q.text(0);
  r.plannedMs = q.integer(1);
  r.trigger = q.text(2);
  r.state = parseCronRunState(q.text(3));
  r.owner = q.text(4);
  r.leaseUntilMs = q.integer(5);
  r.startedMs = q.integer(6);
  r.finishedMs = q.integer(7);
  r.cursorOffset = q.integer(8);
  r.cursorLine = q.integer(9);
  r.expanded = q.integer(10);
  r.accepted = q.integer(11);
  r.duplicates = q.integer(12);
  r.errors = q.integer(13);
  r.errorDetail = q.text(14);
  return r;
}

Error storeError(const std::exception& e) {
  return makeError("unavailable", std::string("store: ") + e.what());
}

}  // namespace

const char* cronRunStateName(CronRunState state) {
  for (const auto& [value, name] : kRunStates) {
    if (value == state) {
      return name;
    }
  }
  return "unknown";
}

CronRunState parseCronRunState(std::string_view name) {
  for (const auto& [value, text] : kRunStates) {
    if (name == text) {
      return value;
    }
  }
  return CronRunState::kPending;
}

Result<CronJobState> SqliteStore::cronJobState(const std::string& job, int64_t nowMs) {
  std::lock_guard lock(writeMutex_);
  try {
    SqliteTransaction tx(*writer_);
    SqliteStatement insert(
        writer_->handle(),
        "INSERT OR IGNORE INTO cron_jobs (job, paused, since_ms) VALUES (?, 0, ?)");
    insert.bind(1, job).bind(2, nowMs).run();
    SqliteStatement q(writer_->handle(), "SELECT paused, since_ms FROM cron_jobs WHERE job = ?");
    q.bind(1, job);
    CronJobState state;
    if (q.step()) {
      state.paused = q.integer(0) != 0;
      state.sinceMs = q.integer(1);
    }
    q.reset();
    tx.commit();
    return state;
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<std::optional<int64_t>> SqliteStore::lastPlannedMs(const std::string& job) {
  std::lock_guard lock(readMutex_);
  try {
    SqliteStatement q(
        reader_->handle(),
        "SELECT MAX(planned_ms) FROM cron_runs WHERE job = ? AND trigger != 'manual'");
    q.bind(1, job);
    std::optional<int64_t> last;
    if (q.step() && !q.isNull(0)) {
      last = q.integer(0);
    }
    return last;
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<bool> SqliteStore::addCronRun(const CronRun& run) {
  std::lock_guard lock(writeMutex_);
  try {
    SqliteTransaction tx(*writer_);
    SqliteStatement insert(writer_->handle(),
                           "INSERT OR IGNORE INTO cron_runs (job, planned_ms, trigger, state, "
                           "finished_ms, error_detail) VALUES (?, ?, ?, ?, ?, ?)");
    insert.bind(1, run.job)
        .bind(2, run.plannedMs)
        .bind(3, run.trigger)
        .bind(4, cronRunStateName(run.state))
        .bind(5, run.finishedMs)
        .bind(6, run.errorDetail)
        .run();
    bool added = writer_->changes() == 1;
    tx.commit();
    return added;
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<std::optional<CronRun>> SqliteStore::takeCronRun(const std::vector<std::string>& jobs,
                                                        int64_t nowMs, int64_t leaseMs,
                                                        const std::string& owner) {
  std::lock_guard lock(writeMutex_);
  try {
    SqliteTransaction tx(*writer_);
    SqliteStatement q(writer_->handle(),
                      std::string("SELECT ") + kRunColumns +
                          " FROM cron_runs r WHERE (r.state = 'pending' OR (r.state = 'running' "
                          "AND r.lease_until_ms < ?)) AND NOT EXISTS (SELECT 1 FROM cron_jobs j "
                          "WHERE j.job = r.job AND j.paused = 1) ORDER BY r.planned_ms");
    q.bind(1, nowMs);
    std::optional<CronRun> taken;
    while (q.step()) {
      CronRun run = runFrom(q);
      if (std::find(jobs.begin(), jobs.end(), run.job) != jobs.end()) {
        taken = std::move(run);
        break;
      }
    }
    q.reset();
    if (!taken) {
      return taken;
    }
    SqliteStatement update(writer_->handle(),
                           "UPDATE cron_runs SET state = 'running', owner = ?, lease_until_ms = ?, "
                           "started_ms = CASE WHEN started_ms = 0 THEN ? ELSE started_ms END "
                           "WHERE job = ? AND planned_ms = ?");
    update.bind(1, owner)
        .bind(2, nowMs + leaseMs)
        .bind(3, nowMs)
        .bind(4, taken->job)
        .bind(5, taken->plannedMs)
        .run();
    tx.commit();
    taken->state = CronRunState::kRunning;
    taken->owner = owner;
    taken->leaseUntilMs = nowMs + leaseMs;
    taken->startedMs = taken->startedMs == 0 ? nowMs : taken->startedMs;
    return taken;
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<CronControl> SqliteStore::saveCronProgress(const CronRun& run, int64_t nowMs,
                                                  int64_t leaseMs) {
  std::lock_guard lock(writeMutex_);
  try {
    SqliteTransaction tx(*writer_);
    SqliteStatement update(writer_->handle(),
                           "UPDATE cron_runs SET lease_until_ms = ?, cursor_offset = ?, "
                           "cursor_line = ?, expanded = ?, accepted = ?, duplicates = ?, "
                           "errors = ?, error_detail = ? WHERE job = ? AND planned_ms = ? AND "
                           "state = 'running' AND owner = ?");
    update.bind(1, nowMs + leaseMs)
        .bind(2, run.cursorOffset)
        .bind(3, run.cursorLine)
        .bind(4, run.expanded)
        .bind(5, run.accepted)
        .bind(6, run.duplicates)
        .bind(7, run.errors)
        .bind(8, run.errorDetail)
        .bind(9, run.job)
        .bind(10, run.plannedMs)
        .bind(11, run.owner)
        .run();
    if (writer_->changes() != 1) {
      tx.commit();
      return CronControl::kLost;
    }
    SqliteStatement q(writer_->handle(),
                      "SELECT r.control, COALESCE(j.paused, 0) FROM cron_runs r LEFT JOIN "
                      "cron_jobs j ON j.job = r.job WHERE r.job = ? AND r.planned_ms = ?");
    q.bind(1, run.job).bind(2, run.plannedMs);
    CronControl control = CronControl::kContinue;
    if (q.step()) {
      control = q.text(0) == "cancel" ? CronControl::kCancel
                : q.integer(1) != 0   ? CronControl::kPause
                                      : CronControl::kContinue;
    }
    q.reset();
    tx.commit();
    return control;
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<void> SqliteStore::endCronRun(const CronRun& run, CronRunState state, int64_t nowMs) {
  std::lock_guard lock(writeMutex_);
  try {
    SqliteTransaction tx(*writer_);
    bool final = state == CronRunState::kDone || state == CronRunState::kCanceled;
    SqliteStatement update(writer_->handle(),
                           "UPDATE cron_runs SET state = ?, owner = '', lease_until_ms = 0, "
                           "control = '', finished_ms = ?, cursor_offset = ?, cursor_line = ?, "
                           "expanded = ?, accepted = ?, duplicates = ?, errors = ?, "
                           "error_detail = ? WHERE job = ? AND planned_ms = ? AND owner = ?");
    update.bind(1, cronRunStateName(state))
        .bind(2, final ? nowMs : 0)
        .bind(3, run.cursorOffset)
        .bind(4, run.cursorLine)
        .bind(5, run.expanded)
        .bind(6, run.accepted)
        .bind(7, run.duplicates)
        .bind(8, run.errors)
        .bind(9, run.errorDetail)
        .bind(10, run.job)
        .bind(11, run.plannedMs)
        .bind(12, run.owner)
        .run();
    tx.commit();
    return {};
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<std::vector<CronRun>> SqliteStore::cronRuns(const std::string& job, size_t limit) {
  std::lock_guard lock(readMutex_);
  try {
    SqliteStatement q(reader_->handle(), std::string("SELECT ") + kRunColumns +
                                             " FROM cron_runs WHERE job = ? ORDER BY planned_ms "
                                             "DESC LIMIT ?");
    q.bind(1, job).bind(2, static_cast<int64_t>(limit));
    std::vector<CronRun> runs;
    while (q.step()) {
      runs.push_back(runFrom(q));
    }
    return runs;
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<void> SqliteStore::setCronPaused(const std::string& job, bool paused, int64_t nowMs) {
  std::lock_guard lock(writeMutex_);
  try {
    SqliteTransaction tx(*writer_);
    SqliteStatement upsert(writer_->handle(),
                           "INSERT INTO cron_jobs (job, paused, since_ms) VALUES (?1, ?2, ?3) "
                           "ON CONFLICT(job) DO UPDATE SET paused = ?2, since_ms = CASE WHEN ?2 "
                           "= 0 THEN MAX(since_ms, ?3) ELSE since_ms END");
    upsert.bind(1, job).bind(2, static_cast<int64_t>(paused ? 1 : 0)).bind(3, nowMs).run();
    SqliteStatement runs(writer_->handle(),
                         paused ? "UPDATE cron_runs SET state = 'paused' WHERE job = ? AND "
                                  "state = 'pending'"
                                : "UPDATE cron_runs SET state = 'pending' WHERE job = ? AND "
                                  "state = 'paused'");
    runs.bind(1, job).run();
    tx.commit();
    return {};
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<size_t> SqliteStore::cancelCronRuns(const std::string& job, int64_t nowMs) {
  std::lock_guard lock(writeMutex_);
  try {
    SqliteTransaction tx(*writer_);
    SqliteStatement waiting(writer_->handle(),
                            "UPDATE cron_runs SET state = 'canceled', finished_ms = ? WHERE "
                            "job = ? AND state IN ('pending', 'paused')");
    waiting.bind(1, nowMs).bind(2, job).run();
    size_t count = static_cast<size_t>(writer_->changes());
    SqliteStatement running(writer_->handle(),
                            "UPDATE cron_runs SET control = 'cancel' WHERE job = ? AND "
                            "state = 'running'");
    running.bind(1, job).run();
    count += static_cast<size_t>(writer_->changes());
    tx.commit();
    return count;
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<size_t> SqliteStore::pushAudience(const std::string& app, const std::string& list,
                                         const std::vector<AudienceEntry>& rows, bool replace) {
  std::lock_guard lock(writeMutex_);
  try {
    SqliteTransaction tx(*writer_);
    if (replace) {
      SqliteStatement clear(writer_->handle(),
                            "DELETE FROM audience_rows WHERE app = ? AND list = ?");
      clear.bind(1, app).bind(2, list).run();
    }
    SqliteStatement last(writer_->handle(),
                         "SELECT COALESCE(MAX(seq), 0), COUNT(*) FROM audience_rows WHERE app = ? "
                         "AND list = ?");
    last.bind(1, app).bind(2, list);
    last.step();
    int64_t seq = last.integer(0);
    size_t count = static_cast<size_t>(last.integer(1));
    last.reset();
    SqliteStatement insert(writer_->handle(),
                           "INSERT INTO audience_rows (app, list, seq, to_json, vars_json) "
                           "VALUES (?, ?, ?, ?, ?)");
    for (const auto& row : rows) {
      insert.bind(1, app).bind(2, list).bind(3, ++seq).bind(4, row.toJson).bind(5, row.varsJson);
      insert.run();
    }
    tx.commit();
    return count + rows.size();
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<std::vector<AudienceEntry>> SqliteStore::audiencePage(const std::string& app,
                                                             const std::string& list,
                                                             int64_t afterSeq, size_t limit) {
  std::lock_guard lock(readMutex_);
  try {
    SqliteStatement q(reader_->handle(),
                      "SELECT seq, to_json, vars_json FROM audience_rows WHERE app = ? AND "
                      "list = ? AND seq > ? ORDER BY seq LIMIT ?");
    q.bind(1, app).bind(2, list).bind(3, afterSeq).bind(4, static_cast<int64_t>(limit));
    std::vector<AudienceEntry> rows;
    while (q.step()) {
      rows.push_back({q.integer(0), q.text(1), q.text(2)});
    }
    return rows;
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

}  // namespace notify::core
