// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/common/result.hpp"
#include "core/config/cron_config.hpp"
#include "core/store/cron_store.hpp"

namespace notify::core {

using AudienceValues = std::vector<std::pair<std::string, std::string>>;

// One recipient of a cron job: where to send and the variables of its row.
struct AudienceRow {
  int64_t line = 0;  // CSV line, inline row number, or pushed list sequence number
  AudienceValues to;
  AudienceValues vars;
};

// Where a run resumes reading (saved with the run after every committed batch).
struct AudienceCursor {
  int64_t offset = 0;
  int64_t line = 0;
};

// Reads a cron job's audience a batch at a time, never all of it: a CSV file is streamed, a
// pushed list is paged from the store, inline rows come from the configuration.
class AudienceSource {
 public:
  virtual ~AudienceSource() = default;

  // Up to max rows; a bad row is an error naming its line ("line 7: …"). Empty at the end.
  virtual std::vector<Result<AudienceRow>> read(size_t max) = 0;

  // Where the next read starts.
  virtual AudienceCursor cursor() const = 0;

  // The variable names every row carries (a CSV file's columns but the recipient); empty when
  // rows vary (inline rows, pushed lists).
  virtual std::vector<std::string> columns() const { return {}; }
};

// Opens the job's audience at cursor (zero: the beginning). The error says why it cannot be
// read at all (missing file, no recipient column, no store for lists).
Result<std::unique_ptr<AudienceSource>> openAudience(const CronJobConfig& job, CronStore* store,
                                                     const AudienceCursor& cursor);

}  // namespace notify::core
