// SPDX-License-Identifier: Apache-2.0
#include "core/store/pg_store_cron.hpp"

#include "core/store/pg_guarded.hpp"

namespace notify::core {
namespace {

constexpr const char* kRunColumns =
    "job, planned_ms, trigger, state, owner, lease_until_ms, started_ms, finished_ms, "
    "cursor_offset, cursor_line, expanded, accepted, duplicates, errors, error_detail";

CronRun runFrom(const PgResult& q, int row) {
  CronRun r;
  r.job = q.text(row, 0);
  r.plannedMs = q.integer(row, 1);
  r.trigger = q.text(row, 2);
  r.state = parseCronRunState(q.text(row, 3));
  r.owner = q.text(row, 4);
  r.leaseUntilMs = q.integer(row, 5);
  r.startedMs = q.integer(row, 6);
  r.finishedMs = q.integer(row, 7);
  r.cursorOffset = q.integer(row, 8);
  r.cursorLine = q.integer(row, 9);
  r.expanded = q.integer(row, 10);
  r.accepted = q.integer(row, 11);
  r.duplicates = q.integer(row, 12);
  r.errors = q.integer(row, 13);
  r.errorDetail = q.text(row, 14);
  return r;
}

// The counters and cursor a runner saves, as parameters $1..$8.
PgParams progressParams(const CronRun& run) {
  return {std::to_string(run.cursorOffset),
          std::to_string(run.cursorLine),
          std::to_string(run.expanded),
          std::to_string(run.accepted),
          std::to_string(run.duplicates),
          std::to_string(run.errors),
          run.errorDetail,
          run.job};
}

std::string str(int64_t v) {
  return std::to_string(v);
}

}  // namespace

Result<CronJobState> PgCronStore::cronJobState(const std::string& job, int64_t nowMs) {
  return pgGuarded(pool_, [&](PgConnection& conn) {
    // Two statements: the SELECT's snapshot then sees a row another node just registered.
    conn.prepared("cron_job_register",
                  "INSERT INTO cron_jobs (job, paused, since_ms) VALUES ($1, false, $2) ON "
                  "CONFLICT (job) DO NOTHING",
                  {job, str(nowMs)});
    PgResult q = conn.prepared("cron_job_state",
                               "SELECT paused, since_ms FROM cron_jobs WHERE job = $1", {job});
    CronJobState state;
    if (q.rows() > 0) {
      state.paused = q.text(0, 0) == "t";
      state.sinceMs = q.integer(0, 1);
    }
    return state;
  });
}

Result<std::optional<int64_t>> PgCronStore::lastPlannedMs(const std::string& job) {
  return pgGuarded(pool_, [&](PgConnection& conn) {
    PgResult q = conn.prepared(
        "cron_last_planned",
        "SELECT MAX(planned_ms) FROM cron_runs WHERE job = $1 AND trigger <> 'manual'", {job});
    std::optional<int64_t> last;
    if (q.rows() > 0 && !q.isNull(0, 0)) {
      last = q.integer(0, 0);
    }
    return last;
  });
}

Result<bool> PgCronStore::addCronRun(const CronRun& run) {
  return pgGuarded(pool_, [&](PgConnection& conn) {
    PgResult added = conn.prepared(
        "cron_add_run",
        "INSERT INTO cron_runs (job, planned_ms, trigger, state, finished_ms, error_detail) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (job, planned_ms) DO NOTHING RETURNING job",
        {run.job, str(run.plannedMs), run.trigger, cronRunStateName(run.state), str(run.finishedMs),
         run.errorDetail});
    return added.rows() == 1;
  });
}

Result<std::optional<CronRun>> PgCronStore::takeCronRun(const std::vector<std::string>& jobs,
                                                        int64_t nowMs, int64_t leaseMs,
                                                        const std::string& owner) {
  std::vector<std::optional<std::string>> names(jobs.begin(), jobs.end());
  return pgGuarded(pool_, [&](PgConnection& conn) {
    // SKIP LOCKED: two nodes taking at once get different runs (or one gets none).
    PgResult q = conn.prepared(
        "cron_take_run",
        std::string("WITH picked AS (SELECT r.job AS picked_job, r.planned_ms AS picked_ms FROM "
                    "cron_runs r WHERE "
                    "r.job = ANY($1::text[]) AND (r.state = 'pending' OR (r.state = 'running' "
                    "AND r.lease_until_ms < $2)) AND NOT EXISTS (SELECT 1 FROM cron_jobs j "
                    "WHERE j.job = r.job AND j.paused) ORDER BY r.planned_ms LIMIT 1 FOR "
                    "UPDATE OF r SKIP LOCKED) UPDATE cron_runs c SET state = 'running', owner "
                    "= $3, lease_until_ms = $4, started_ms = CASE WHEN c.started_ms = 0 THEN $2 "
                    "ELSE c.started_ms END FROM picked WHERE c.job = picked_job AND "
                    "c.planned_ms = picked_ms RETURNING ") +
            kRunColumns,
        {pgArray(names), str(nowMs), owner, str(nowMs + leaseMs)});
    std::optional<CronRun> taken;
    if (q.rows() > 0) {
      taken = runFrom(q, 0);
    }
    return taken;
  });
}

Result<CronControl> PgCronStore::saveCronProgress(const CronRun& run, int64_t nowMs,
                                                  int64_t leaseMs) {
  PgParams params = progressParams(run);
  params.insert(params.end(), {str(run.plannedMs), run.owner, str(nowMs + leaseMs)});
  return pgGuarded(pool_, [&](PgConnection& conn) {
    PgResult q = conn.prepared(
        "cron_save_progress",
        "UPDATE cron_runs r SET lease_until_ms = $11, cursor_offset = $1, cursor_line = $2, "
        "expanded = $3, accepted = $4, duplicates = $5, errors = $6, error_detail = $7 WHERE "
        "r.job = $8 AND r.planned_ms = $9 AND r.state = 'running' AND r.owner = $10 "
        "RETURNING r.control, COALESCE((SELECT paused FROM cron_jobs j WHERE j.job = r.job), "
        "false)",
        params);
    if (q.rows() == 0) {
      return CronControl::kLost;
    }
    return q.text(0, 0) == "cancel" ? CronControl::kCancel
           : q.text(0, 1) == "t"    ? CronControl::kPause
                                    : CronControl::kContinue;
  });
}

Result<void> PgCronStore::endCronRun(const CronRun& run, CronRunState state, int64_t nowMs) {
  bool final = state == CronRunState::kDone || state == CronRunState::kCanceled;
  PgParams params = progressParams(run);
  params.insert(params.end(),
                {str(run.plannedMs), run.owner, cronRunStateName(state), str(final ? nowMs : 0)});
  return pgGuarded(pool_, [&](PgConnection& conn) {
    conn.prepared("cron_end_run",
                  "UPDATE cron_runs SET state = $11, owner = '', lease_until_ms = 0, control = "
                  "'', finished_ms = $12, cursor_offset = $1, cursor_line = $2, expanded = $3, "
                  "accepted = $4, duplicates = $5, errors = $6, error_detail = $7 WHERE job = $8 "
                  "AND planned_ms = $9 AND owner = $10",
                  params);
  });
}

Result<std::vector<CronRun>> PgCronStore::cronRuns(const std::string& job, size_t limit) {
  return pgGuarded(pool_, [&](PgConnection& conn) {
    PgResult q = conn.prepared("cron_runs",
                               std::string("SELECT ") + kRunColumns +
                                   " FROM cron_runs WHERE job = $1 ORDER BY planned_ms DESC "
                                   "LIMIT $2",
                               {job, std::to_string(limit)});
    std::vector<CronRun> runs;
    for (int r = 0; r < q.rows(); ++r) {
      runs.push_back(runFrom(q, r));
    }
    return runs;
  });
}

Result<void> PgCronStore::setCronPaused(const std::string& job, bool paused, int64_t nowMs) {
  return pgGuarded(pool_, [&](PgConnection& conn) {
    conn.prepared("cron_set_paused",
                  "INSERT INTO cron_jobs (job, paused, since_ms) VALUES ($1, $2, $3) ON CONFLICT "
                  "(job) DO UPDATE SET paused = $2, since_ms = CASE WHEN $2 THEN "
                  "cron_jobs.since_ms ELSE GREATEST(cron_jobs.since_ms, $3) END",
                  {job, paused ? "true" : "false", str(nowMs)});
    conn.prepared(paused ? "cron_pause_runs" : "cron_resume_runs",
                  paused ? "UPDATE cron_runs SET state = 'paused' WHERE job = $1 AND state = "
                           "'pending'"
                         : "UPDATE cron_runs SET state = 'pending' WHERE job = $1 AND state = "
                           "'paused'",
                  {job});
  });
}

Result<size_t> PgCronStore::cancelCronRuns(const std::string& job, int64_t nowMs) {
  return pgGuarded(pool_, [&](PgConnection& conn) {
    PgResult waiting = conn.prepared(
        "cron_cancel_waiting",
        "UPDATE cron_runs SET state = 'canceled', finished_ms = $2 WHERE job = $1 AND state IN "
        "('pending', 'paused') RETURNING job",
        {job, str(nowMs)});
    PgResult running = conn.prepared(
        "cron_cancel_running",
        "UPDATE cron_runs SET control = 'cancel' WHERE job = $1 AND state = 'running' "
        "RETURNING job",
        {job});
    return static_cast<size_t>(waiting.rows() + running.rows());
  });
}

Result<size_t> PgCronStore::pushAudience(const std::string& app, const std::string& list,
                                         const std::vector<AudienceEntry>& rows, bool replace) {
  std::vector<std::optional<std::string>> tos;
  std::vector<std::optional<std::string>> vars;
  for (const auto& row : rows) {
    tos.emplace_back(row.toJson);
    vars.emplace_back(row.varsJson);
  }
  return pgGuarded(pool_, [&](PgConnection& conn) {
    // One pusher per list at a time, so sequence numbers never collide.
    conn.prepared("audience_lock",
                  "SELECT pg_advisory_xact_lock(hashtext('notify.audience.' || $1 || '/' || $2))",
                  {app, list});
    if (replace) {
      conn.prepared("audience_clear", "DELETE FROM audience_rows WHERE app = $1 AND list = $2",
                    {app, list});
    }
    PgResult last = conn.prepared(
        "audience_last",
        "SELECT COALESCE(MAX(seq), 0), COUNT(*) FROM audience_rows WHERE app = $1 AND list = $2",
        {app, list});
    int64_t seq = last.integer(0, 0);
    auto count = static_cast<size_t>(last.integer(0, 1));
    conn.prepared("audience_insert",
                  "INSERT INTO audience_rows (app, list, seq, to_json, vars_json) SELECT $1, $2, "
                  "$3 + ord, t, v FROM unnest($4::text[], $5::text[]) WITH ORDINALITY AS u(t, v, "
                  "ord)",
                  {app, list, str(seq), pgArray(tos), pgArray(vars)});
    return count + rows.size();
  });
}

Result<std::vector<AudienceEntry>> PgCronStore::audiencePage(const std::string& app,
                                                             const std::string& list,
                                                             int64_t afterSeq, size_t limit) {
  return pgGuarded(pool_, [&](PgConnection& conn) {
    PgResult q = conn.prepared("audience_page",
                               "SELECT seq, to_json, vars_json FROM audience_rows WHERE app = $1 "
                               "AND list = $2 AND seq > $3 ORDER BY seq LIMIT $4",
                               {app, list, str(afterSeq), std::to_string(limit)});
    std::vector<AudienceEntry> rows;
    for (int r = 0; r < q.rows(); ++r) {
      rows.push_back({q.integer(r, 0), q.text(r, 1), q.text(r, 2)});
    }
    return rows;
  });
}

}  // namespace notify::core
