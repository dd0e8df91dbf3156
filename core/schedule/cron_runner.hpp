// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/config/daemon_config.hpp"
#include "core/ingress/message_preparer.hpp"
#include "core/schedule/audience_source.hpp"
#include "core/store/cron_store.hpp"
#include "core/store/group_committer.hpp"

namespace notify::core {

// What a job owes at nowMs: the run to record for its latest fire time in (base, nowMs] (on
// time, a late catch-up, or a skipped miss, by the misfire policy), and its next fire time.
// base is the later of the job's last planned run and the time it became owed (sinceMs).
// Pure: the runner's decisions are testable without a clock or a store.
struct DuePlan {
  std::optional<CronRun> run;
  std::optional<int64_t> nextFireMs;
};
DuePlan planDue(const CronJobConfig& job, std::optional<int64_t> lastPlannedMs, int64_t sinceMs,
                int64_t nowMs);

// The idempotency key of one recipient's message in one run: the same job, planned time and
// address always give the same key, so a run resumed after a crash never sends twice.
std::string cronIdempotencyKey(const std::string& job, int64_t plannedMs,
                               const std::string& toJson);

// The cron part of the dispatcher role. One thread sleeps until the next fire time of any
// enabled job (or a wake-up: run-now, resume), records the runs owed (unique per job and planned
// time, so several nodes record one), takes runs one at a time, and expands each audience in
// batches through the normal ingest path: the same preparer (templates, variables, channels,
// recipients) and the group committer (durable, idempotent). Progress is saved after every
// committed batch, so memory stays bounded and a run resumes where it stopped.
class CronRunner {
 public:
  using Clock = std::function<int64_t()>;

  CronRunner(std::shared_ptr<const DaemonConfig> config, CronStore& store,
             GroupCommitter& committer, std::string owner, Clock clock);
  ~CronRunner();
  CronRunner(const CronRunner&) = delete;
  CronRunner& operator=(const CronRunner&) = delete;

  void start();
  // Stops after the current batch; a run in progress is handed back (pending) to be resumed.
  void stop();
  // Something changed (run-now, resume): look again now.
  void wake();

 private:
  void loop();
  // Records what every enabled job owes; returns the earliest next fire time.
  std::optional<int64_t> planRuns(int64_t nowMs);
  void execute(CronRun run);
  // Prepares one batch of rows into messages; refused rows are counted in the run.
  std::vector<NewMessage> prepareBatch(const CronJobConfig& job, CronRun& run,
                                       std::vector<Result<AudienceRow>>& rows);
  // Commits messages through the group committer, waiting while it is busy; false when
  // stopping first or the store failed.
  bool commitBatch(std::vector<NewMessage> messages, CronRun& run);
  void noteError(CronRun& run, const std::string& message);
  void sleepFor(int64_t clockMs);

  std::shared_ptr<const DaemonConfig> config_;
  CronStore& store_;
  GroupCommitter& committer_;
  MessagePreparer preparer_;
  std::string owner_;
  Clock clock_;
  std::vector<std::string> jobs_;  // every configured job
  std::optional<int64_t> nextFire_;  // the earliest fire time not yet recorded (runner thread)

  std::mutex mutex_;
  std::condition_variable wake_;
  bool wakeRequested_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace notify::core
