// SPDX-License-Identifier: Apache-2.0
#include "core/ingress/cron_ops.hpp"

#include "core/common/json_writer.hpp"
#include "core/common/log.hpp"
#include "core/common/time.hpp"
#include "core/common/time_zone.hpp"
#include "core/protocol/reply.hpp"
#include "core/schedule/cron_expr.hpp"

namespace notify::core {
namespace {

void writeRun(JsonWriter& w, const CronRun& r) {
  w.beginObject();
  w.key("planned_at").value(formatRfc3339Ms(r.plannedMs));
  w.key("trigger").value(r.trigger).key("state").value(cronRunStateName(r.state));
  if (r.startedMs > 0) {
    w.key("started_at").value(formatRfc3339Ms(r.startedMs));
  }
  if (r.finishedMs > 0) {
    w.key("finished_at").value(formatRfc3339Ms(r.finishedMs));
  }
  w.key("expanded").value(r.expanded).key("accepted").value(r.accepted);
  w.key("duplicates").value(r.duplicates).key("errors").value(r.errors);
  w.optional("error_detail", r.errorDetail);
  w.endObject();
}

}  // namespace

CronOps::CronOps(std::shared_ptr<const DaemonConfig> config, MessageStore& store,
                 std::function<int64_t()> clock, std::function<void()> wakeRunner)
    : config_(std::move(config)),
      store_(store),
      clock_(std::move(clock)),
      wakeRunner_(std::move(wakeRunner)) {}

std::string CronOps::handle(const std::string& reqId, const Request& request) {
  CronStore* cron = store_.cronStore();
  if (cron == nullptr) {
    return encodeError(reqId, makeError("unavailable", "this store keeps no cron state"));
  }
  if (request.op == Op::kCronList) {
    return list(reqId, request.app, *cron);
  }
  if (request.op == Op::kAudiencePush) {
    return push(reqId, request, *cron);
  }
  auto it = config_->cronJobs.find(request.job);
  // Another app's job answers exactly like a missing one.
  if (it == config_->cronJobs.end() || it->second.app != request.app) {
    return encodeError(reqId, makeError("not_found", "no cron job '" + request.job + "'", "job"));
  }
  int64_t now = clock_();
  JsonWriter w = beginReply(reqId, true);
  w.key("job").value(request.job);
  switch (request.op) {
    case Op::kCronRuns:
      return runs(reqId, request.job, request.limit, *cron);
    case Op::kCronRunNow: {
      CronRun run;
      run.job = request.job;
      run.plannedMs = now;
      run.trigger = "manual";
      Result<bool> added = cron->addCronRun(run);
      if (!added) {
        return encodeError(reqId, added.error());
      }
      w.key("planned_at").value(formatRfc3339Ms(now));
      break;
    }
    case Op::kCronPause:
    case Op::kCronResume: {
      bool pause = request.op == Op::kCronPause;
      if (Result<void> set = cron->setCronPaused(request.job, pause, now); !set) {
        return encodeError(reqId, set.error());
      }
      w.key("paused").value(pause);
      break;
    }
    case Op::kCronCancel: {
      Result<size_t> canceled = cron->cancelCronRuns(request.job, now);
      if (!canceled) {
        return encodeError(reqId, canceled.error());
      }
      w.key("canceled").value(static_cast<int64_t>(*canceled));
      break;
    }
    default:
      return encodeError(reqId, makeError("internal", "not a cron op"));
  }
  logInfo("cron", "app " + request.app + ": " +
                      (request.op == Op::kCronRunNow   ? "run-now"
                       : request.op == Op::kCronPause  ? "pause"
                       : request.op == Op::kCronResume ? "resume"
                                                       : "cancel") +
                      " " + request.job);
  if (wakeRunner_) {
    wakeRunner_();
  }
  return w.endObject().take();
}

std::string CronOps::list(const std::string& reqId, const std::string& app, CronStore& cron) {
  int64_t now = clock_();
  JsonWriter w = beginReply(reqId, true);
  w.key("jobs").beginArray();
  for (const auto& [name, job] : config_->cronJobs) {
    if (job.app != app) {
      continue;
    }
    Result<CronJobState> state = cron.cronJobState(name, now);
    Result<std::vector<CronRun>> last = cron.cronRuns(name, 1);
    if (!state || !last) {
      return encodeError(reqId, state ? last.error() : state.error());
    }
    w.beginObject().key("name").value(name).key("schedule").value(job.scheduleText);
    w.key("time_zone").value(job.zone->name()).key("template").value(job.templateName);
    w.optional("owner", job.owner);
    w.key("enabled").value(job.enabled).key("paused").value(state->paused);
    w.key("misfire").value(misfireName(job.misfire));
    if (auto next = job.schedule->nextAfter(now, *job.zone); next && job.enabled) {
      w.key("next_fire_at").value(formatRfc3339Ms(*next));
    }
    if (!last->empty()) {
      w.key("last_run");
      writeRun(w, last->front());
    }
    w.endObject();
  }
  w.endArray();
  return w.endObject().take();
}

std::string CronOps::runs(const std::string& reqId, const std::string& job, size_t limit,
                          CronStore& cron) {
  Result<std::vector<CronRun>> runs = cron.cronRuns(job, limit);
  if (!runs) {
    return encodeError(reqId, runs.error());
  }
  JsonWriter w = beginReply(reqId, true);
  w.key("job").value(job).key("runs").beginArray();
  for (const auto& run : *runs) {
    writeRun(w, run);
  }
  w.endArray();
  return w.endObject().take();
}

std::string CronOps::push(const std::string& reqId, const Request& request, CronStore& cron) {
  std::vector<AudienceEntry> rows;
  rows.reserve(request.audience.rows.size());
  for (const auto& [to, vars] : request.audience.rows) {
    rows.push_back({0, jsonObjectOf(to), jsonObjectOf(vars)});
  }
  Result<size_t> total =
      cron.pushAudience(request.app, request.audience.list, rows, request.audience.replace);
  if (!total) {
    return encodeError(reqId, total.error());
  }
  JsonWriter w = beginReply(reqId, true);
  w.key("list").value(request.audience.list).key("rows").value(static_cast<int64_t>(*total));
  return w.endObject().take();
}

}  // namespace notify::core
