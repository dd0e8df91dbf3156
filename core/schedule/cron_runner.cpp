// SPDX-License-Identifier: Apache-2.0
#include "core/schedule/cron_runner.hpp"
#include "core/common/thread_name.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <algorithm>
#include <future>

#include "core/common/json_writer.hpp"
#include "core/common/log.hpp"
#include "core/common/process_clock.hpp"
#include "core/common/time.hpp"
#include "core/schedule/cron_expr.hpp"

namespace notify::core {
namespace {

// A safety net, not a polling interval: wakes normally come at fire times or from run-now and
// resume in this process; this bounds how late a request made on another node is noticed.
constexpr int64_t kMaxIdleWaitMs = 5000;
constexpr int64_t kLeaseMs = 60000;
constexpr size_t kBatchRows = 500;
constexpr size_t kMaxErrorLines = 50;
// A job that has not run for a long time owes at most its latest fire time; walking the missed
// ones stops after this many.
constexpr int kMaxMissedWalk = 1000000;

}  // namespace

DuePlan planDue(const CronJobConfig& job, std::optional<int64_t> lastPlannedMs, int64_t sinceMs,
                int64_t nowMs) {
  DuePlan plan;
  int64_t base = std::max(lastPlannedMs.value_or(sinceMs), sinceMs);
  std::optional<int64_t> latest;
  int64_t missed = 0;
  std::optional<int64_t> next = job.schedule->nextAfter(base, *job.zone);
  while (next && *next <= nowMs && missed < kMaxMissedWalk) {
    latest = next;
    ++missed;
    next = job.schedule->nextAfter(*next, *job.zone);
  }
  plan.nextFireMs = next;
  if (!latest) {
    return plan;
  }
  CronRun run;
  run.job = job.name;
  run.plannedMs = *latest;
  bool onTime = nowMs - *latest <= job.misfireGraceMs;
  if (onTime) {
    run.trigger = "schedule";
  } else if (job.misfire == MisfirePolicy::kRunOnce) {
    run.trigger = "catch_up";
  } else {
    run.trigger = "schedule";
    run.state = CronRunState::kSkipped;
    run.finishedMs = nowMs;
    run.errorDetail = "missed by " + std::to_string((nowMs - *latest) / 1000) +
                      " s while no node ran (misfire = skip); " + std::to_string(missed) +
                      " fire time(s) missed";
  }
  if (!onTime && missed > 1 && job.misfire == MisfirePolicy::kRunOnce) {
    run.errorDetail = std::to_string(missed) + " fire times missed; running the latest once";
  }
  plan.run = std::move(run);
  return plan;
}

std::string cronIdempotencyKey(const std::string& job, int64_t plannedMs,
                               const std::string& toJson) {
  Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
  sha.update(toJson);
  std::string hex = Poco::DigestEngine::digestToHex(sha.digest());
  return "cron:" + job + ":" + std::to_string(plannedMs) + ":" + hex.substr(0, 32);
}

CronRunner::CronRunner(std::shared_ptr<const DaemonConfig> config, CronStore& store,
                       GroupCommitter& committer, std::string owner, Clock clock)
    : config_(std::move(config)),
      store_(store),
      committer_(committer),
      preparer_(config_),
      owner_(std::move(owner)),
      clock_(std::move(clock)) {
  for (const auto& [name, job] : config_->cronJobs) {
    jobs_.push_back(name);  // a disabled job never fires, but run-now still runs it
  }
}

CronRunner::~CronRunner() {
  stop();
}

void CronRunner::start() {
  thread_ = std::thread([this] {
    nameThisThread("cron");
    loop();
  });
}

void CronRunner::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void CronRunner::wake() {
  {
    std::lock_guard lock(mutex_);
    wakeRequested_ = true;
  }
  wake_.notify_all();
}

void CronRunner::loop() {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) {
        return;
      }
      wakeRequested_ = false;
    }
    nextFire_ = planRuns(clock_());
    for (;;) {
      Result<std::optional<CronRun>> taken = store_.takeCronRun(jobs_, clock_(), kLeaseMs, owner_);
      if (!taken) {
        logError("cron", "cannot take a run: " + taken.error().message);
        break;
      }
      if (!taken->has_value()) {
        break;
      }
      execute(std::move(**taken));
      std::lock_guard lock(mutex_);
      if (stopping_) {
        return;
      }
    }
    int64_t now = clock_();
    int64_t waitMs =
        nextFire_ ? std::clamp<int64_t>(*nextFire_ - now, 0, kMaxIdleWaitMs) : kMaxIdleWaitMs;
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, realDelay(waitMs), [&] { return stopping_ || wakeRequested_; });
  }
}

std::optional<int64_t> CronRunner::planRuns(int64_t nowMs) {
  std::optional<int64_t> earliest;
  for (const auto& name : jobs_) {
    const CronJobConfig& job = config_->cronJobs.at(name);
    if (!job.enabled) {
      continue;
    }
    Result<CronJobState> state = store_.cronJobState(name, nowMs);
    Result<std::optional<int64_t>> last = store_.lastPlannedMs(name);
    if (!state || !last) {
      logError("cron", name + ": " + (state ? last.error() : state.error()).message);
      continue;
    }
    if (state->paused) {
      continue;
    }
    DuePlan plan = planDue(job, *last, state->sinceMs, nowMs);
    if (plan.run) {
      Result<bool> added = store_.addCronRun(*plan.run);
      if (added && *added && plan.run->state == CronRunState::kSkipped) {
        logWarn("cron", name + ": " + plan.run->errorDetail);
      }
    }
    if (plan.nextFireMs && (!earliest || *plan.nextFireMs < *earliest)) {
      earliest = plan.nextFireMs;
    }
  }
  return earliest;
}

void CronRunner::noteError(CronRun& run, const std::string& message) {
  ++run.errors;
  if (run.errors <= static_cast<int64_t>(kMaxErrorLines)) {
    run.errorDetail += (run.errorDetail.empty() ? "" : "\n") + message;
  }
}

std::vector<NewMessage> CronRunner::prepareBatch(const CronJobConfig& job, CronRun& run,
                                                 std::vector<Result<AudienceRow>>& rows) {
  std::vector<NewMessage> messages;
  messages.reserve(rows.size());
  int64_t now = clock_();
  for (auto& row : rows) {
    ++run.expanded;
    if (!row) {
      noteError(run, row.error().message);
      continue;
    }
    SendRequest request;
    request.templateName = job.templateName;
    request.channel = job.channel;
    request.to = row->to;
    request.vars = job.vars;
    for (auto& [name, value] : row->vars) {
      auto same = std::find_if(request.vars.begin(), request.vars.end(),
                               [&](const auto& kv) { return kv.first == name; });
      if (same != request.vars.end()) {
        same->second = value;
      } else {
        request.vars.emplace_back(name, value);
      }
    }
    request.idempotencyKey = cronIdempotencyKey(job.name, run.plannedMs, jsonObjectOf(row->to));
    request.tags = {"cron:" + job.name};
    Result<NewMessage> message = preparer_.prepare(job.app, request, "", "", now);
    if (!message) {
      noteError(run, "line " + std::to_string(row->line) + ": " + message.error().message);
      continue;
    }
    if (!job.lane.empty()) {
      message->lane = job.lane;
    }
    messages.push_back(std::move(message).value());
  }
  return messages;
}

bool CronRunner::commitBatch(std::vector<NewMessage> messages, CronRun& run) {
  if (messages.empty()) {
    return true;
  }
  for (;;) {
    auto done = std::make_shared<std::promise<Result<std::vector<InsertOutcome>>>>();
    std::future<Result<std::vector<InsertOutcome>>> outcome = done->get_future();
    // submitInserts moves from the vector only when it accepts the batch.
    std::vector<NewMessage> attempt = messages;
    if (!committer_.submitInserts(std::move(attempt),
                                  [done](auto result) { done->set_value(std::move(result)); })) {
      {
        std::lock_guard lock(mutex_);
        if (stopping_) {
          return false;
        }
      }
      sleepFor(50);  // ingest is saturated: wait for room, as a caller told "busy" would
      continue;
    }
    Result<std::vector<InsertOutcome>> result = outcome.get();
    if (!result) {
      logError("cron", run.job + ": commit failed: " + result.error().message);
      return false;
    }
    for (const auto& o : *result) {
      (o.inserted ? run.accepted : run.duplicates) += 1;
    }
    return true;
  }
}

void CronRunner::sleepFor(int64_t clockMs) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, realDelay(clockMs), [&] { return stopping_; });
}

void CronRunner::execute(CronRun run) {
  const CronJobConfig& job = config_->cronJobs.at(run.job);
  logInfo("cron", run.job + ": run planned at " + formatRfc3339Ms(run.plannedMs) + " (" +
                      run.trigger + ") " +
                      (run.expanded > 0 ? "resumed after " + std::to_string(run.expanded) + " rows"
                                        : std::string("started")));
  Result<std::unique_ptr<AudienceSource>> audience =
      openAudience(job, &store_, {run.cursorOffset, run.cursorLine});
  if (!audience) {
    noteError(run, "audience: " + audience.error().message);
    (void)store_.endCronRun(run, CronRunState::kDone, clock_());
    logError("cron", run.job + ": " + audience.error().message);
    return;
  }
  // A column the template does not declare would refuse every row: say it once instead.
  const std::vector<std::string>& declared = config_->templates.at(job.templateName).vars;
  for (const auto& column : (*audience)->columns()) {
    if (std::find(declared.begin(), declared.end(), column) == declared.end()) {
      std::string known;
      for (const auto& var : declared) {
        known += (known.empty() ? "" : ", ") + var;
      }
      noteError(run, "audience: column '" + column + "' is not a variable of template '" +
                         job.templateName + "' (it declares: " + known + "); nothing was sent");
      (void)store_.endCronRun(run, CronRunState::kDone, clock_());
      logError("cron", run.job + ": " + run.errorDetail);
      return;
    }
  }
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) {
        (void)store_.endCronRun(run, CronRunState::kPending, clock_());  // resumed later
        return;
      }
    }
    std::vector<Result<AudienceRow>> rows = (*audience)->read(kBatchRows);
    if (rows.empty()) {
      (void)store_.endCronRun(run, CronRunState::kDone, clock_());
      logInfo("cron", run.job + ": run planned at " + formatRfc3339Ms(run.plannedMs) +
                          " done: " + std::to_string(run.expanded) + " expanded, " +
                          std::to_string(run.accepted) + " accepted, " +
                          std::to_string(run.errors) + " errors");
      return;
    }
    CronRun before = run;
    std::vector<NewMessage> messages = prepareBatch(job, run, rows);
    if (!commitBatch(std::move(messages), run)) {
      // Nothing of this batch counts; the run is handed back and resumes at the saved cursor
      // (idempotency keys make a repeated row a duplicate, never a second message).
      (void)store_.endCronRun(before, CronRunState::kPending, clock_());
      return;
    }
    // Other jobs' fire times that come during a long run are recorded on time (they run
    // after this one), so they are never taken for misfires.
    if (nextFire_ && clock_() >= *nextFire_) {
      nextFire_ = planRuns(clock_());
    }
    AudienceCursor cursor = (*audience)->cursor();
    run.cursorOffset = cursor.offset;
    run.cursorLine = cursor.line;
    Result<CronControl> control = store_.saveCronProgress(run, clock_(), kLeaseMs);
    if (!control || *control == CronControl::kLost) {
      logWarn("cron", run.job + ": lost the run's lease; another runner continues it");
      return;
    }
    if (*control == CronControl::kCancel || *control == CronControl::kPause) {
      bool cancel = *control == CronControl::kCancel;
      (void)store_.endCronRun(run, cancel ? CronRunState::kCanceled : CronRunState::kPaused,
                              clock_());
      logInfo("cron", run.job + ": run " + (cancel ? "canceled" : "paused") + " after " +
                          std::to_string(run.expanded) + " rows");
      return;
    }
  }
}

}  // namespace notify::core
