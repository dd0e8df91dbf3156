// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/result.hpp"

namespace notify::core {

enum class CronRunState {
  kPending,  // owed, not yet taken by a runner
  kRunning,  // a runner holds its lease and expands the audience
  kPaused,   // its job was paused mid-run; resumes where it stopped
  kDone,
  kCanceled,
  kSkipped,  // a fire time missed while no node ran, with misfire = "skip"
};

const char* cronRunStateName(CronRunState state);
CronRunState parseCronRunState(std::string_view name);

// One run of a cron job: unique per (job, plannedMs), so however many nodes see the same fire
// time, one row exists and one runner takes it.
struct CronRun {
  std::string job;
  int64_t plannedMs = 0;
  std::string trigger = "schedule";  // "schedule", "catch_up" (misfire run_once), "manual"
  CronRunState state = CronRunState::kPending;
  std::string owner;
  int64_t leaseUntilMs = 0;
  int64_t startedMs = 0;     // the actual time it began; 0 before
  int64_t finishedMs = 0;    // 0 until it ends
  int64_t cursorOffset = 0;  // where the audience resumes (source-specific: byte, row, seq)
  int64_t cursorLine = 0;    // CSV line of the cursor, for error messages after a resume
  int64_t expanded = 0;      // audience rows read
  int64_t accepted = 0;      // messages stored
  int64_t duplicates = 0;    // rows whose message already existed (a re-run after a crash)
  int64_t errors = 0;        // rows refused (bad CSV row, validation)
  std::string errorDetail;   // the first errors, one per line ("line 7: …")
};

// What a runner does after saving progress.
enum class CronControl { kContinue, kPause, kCancel, kLost };

// A job's state shared by every node.
struct CronJobState {
  bool paused = false;
  int64_t sinceMs = 0;  // fire times at or before this are not owed (first seen, or resumed)
};

// One recipient of a list an app pushed (audience_push).
struct AudienceEntry {
  int64_t seq = 0;
  std::string toJson;
  std::string varsJson;
};

// Durable state of cron jobs: runs, pause flags and pushed audiences. Every method is one
// transaction and thread-safe; times are passed in. Implementations: SQLite (this branch);
// PostgreSQL must give the same guarantees (unique (job, planned_ms); take under a row lock).
class CronStore {
 public:
  virtual ~CronStore() = default;

  // The job's shared state; a job seen for the first time is registered with sinceMs = nowMs.
  virtual Result<CronJobState> cronJobState(const std::string& job, int64_t nowMs) = 0;

  // The latest planned time of the job's scheduled or catch-up runs (any state), if any.
  virtual Result<std::optional<int64_t>> lastPlannedMs(const std::string& job) = 0;

  // Adds the run unless one for (job, plannedMs) exists; true when this call added it.
  virtual Result<bool> addCronRun(const CronRun& run) = 0;

  // Takes the oldest pending run of an unpaused job among jobs, or a running one whose lease
  // expired (its runner died), moving it to running under owner's lease. startedMs is set on
  // the first take only.
  virtual Result<std::optional<CronRun>> takeCronRun(const std::vector<std::string>& jobs,
                                                     int64_t nowMs, int64_t leaseMs,
                                                     const std::string& owner) = 0;

  // Saves cursor and counts while run.owner holds the lease and extends it. Says whether to go
  // on, pause (the job was paused), cancel (an operator canceled), or stop (the lease is lost).
  virtual Result<CronControl> saveCronProgress(const CronRun& run, int64_t nowMs,
                                               int64_t leaseMs) = 0;

  // Ends the owner's run: done, canceled, paused, or pending (handed back at shutdown).
  virtual Result<void> endCronRun(const CronRun& run, CronRunState state, int64_t nowMs) = 0;

  // The job's runs, latest planned first.
  virtual Result<std::vector<CronRun>> cronRuns(const std::string& job, size_t limit) = 0;

  // Pause: the job takes no new runs and its pending ones wait (a running one stops at its next
  // batch). Resume: fire times until nowMs are not owed; paused runs become pending again.
  virtual Result<void> setCronPaused(const std::string& job, bool paused, int64_t nowMs) = 0;

  // Cancels the job's pending and paused runs and tells a running one to stop. Returns how many
  // runs were canceled or told.
  virtual Result<size_t> cancelCronRuns(const std::string& job, int64_t nowMs) = 0;

  // Appends rows to the app's named list (replacing it first when replace); returns the list's
  // length afterwards.
  virtual Result<size_t> pushAudience(const std::string& app, const std::string& list,
                                      const std::vector<AudienceEntry>& rows, bool replace) = 0;

  // Up to limit rows of the list with seq > afterSeq, in order.
  virtual Result<std::vector<AudienceEntry>> audiencePage(const std::string& app,
                                                          const std::string& list, int64_t afterSeq,
                                                          size_t limit) = 0;
};

}  // namespace notify::core
