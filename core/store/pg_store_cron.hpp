// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/store/cron_store.hpp"

namespace notify::core {

class PgPool;

// Cron state in PostgreSQL, shared by every node (tables of migration 5). The primary key
// (job, planned_ms) makes a fire time one run however many nodes plan it; a run is taken with
// FOR UPDATE SKIP LOCKED under a lease, so one node expands it and another takes over only
// after that lease expired.
class PgCronStore : public CronStore {
 public:
  explicit PgCronStore(PgPool& pool) : pool_(pool) {}

  Result<CronJobState> cronJobState(const std::string& job, int64_t nowMs) override;
  Result<std::optional<int64_t>> lastPlannedMs(const std::string& job) override;
  Result<bool> addCronRun(const CronRun& run) override;
  Result<std::optional<CronRun>> takeCronRun(const std::vector<std::string>& jobs, int64_t nowMs,
                                             int64_t leaseMs, const std::string& owner) override;
  Result<CronControl> saveCronProgress(const CronRun& run, int64_t nowMs, int64_t leaseMs) override;
  Result<void> endCronRun(const CronRun& run, CronRunState state, int64_t nowMs) override;
  Result<std::vector<CronRun>> cronRuns(const std::string& job, size_t limit) override;
  Result<void> setCronPaused(const std::string& job, bool paused, int64_t nowMs) override;
  Result<size_t> cancelCronRuns(const std::string& job, int64_t nowMs) override;
  Result<size_t> pushAudience(const std::string& app, const std::string& list,
                              const std::vector<AudienceEntry>& rows, bool replace) override;
  Result<std::vector<AudienceEntry>> audiencePage(const std::string& app, const std::string& list,
                                                  int64_t afterSeq, size_t limit) override;

 private:
  PgPool& pool_;
};

}  // namespace notify::core
