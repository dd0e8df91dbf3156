// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace notify::core {

class ConfigErrors;
class CronExpr;
class TimeZone;
struct DaemonConfig;

enum class MisfirePolicy {
  kSkip,     // fire times missed while no node ran are recorded as skipped
  kRunOnce,  // the latest missed fire time runs once, late; earlier ones are skipped
};

// Who a cron job sends to. Exactly one source is set.
struct AudienceConfig {
  std::string recipient;  // the address kind ("phone", "email", "user"); also the CSV column
  std::vector<std::vector<std::pair<std::string, std::string>>>
      inlineRows;             // [cron.X.audience] rows
  std::filesystem::path csv;  // UTF-8 CSV: a header row, the recipient column plus variables
  std::string list;           // rows an app pushed with audience_push
};

// [cron.NAME]: a cron expression in a time zone that expands an audience into messages.
struct CronJobConfig {
  std::string name;
  std::shared_ptr<const CronExpr> schedule;
  std::string scheduleText;
  std::shared_ptr<const TimeZone> zone;
  std::string app;  // the messages belong to this app (its idempotency keys, status, cancel)
  std::string owner;
  std::string templateName;
  std::string channel;                                    // empty: the template's default
  std::string lane;                                       // empty: the template's lane
  std::vector<std::pair<std::string, std::string>> vars;  // for every recipient; rows override
  bool enabled = true;
  MisfirePolicy misfire = MisfirePolicy::kSkip;
  int64_t misfireGraceMs = 60000;  // later than this after its time, a fire time is missed
  AudienceConfig audience;
};

const char* misfireName(MisfirePolicy policy);

// Reads every [cron.NAME] table (after apps, templates and lanes are known, which it checks).
void readCronJobs(const toml::table& root, DaemonConfig& config, ConfigErrors& errors);

}  // namespace notify::core
