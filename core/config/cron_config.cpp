// SPDX-License-Identifier: Apache-2.0
#include "core/config/cron_config.hpp"

#include <algorithm>

#include "core/common/time_zone.hpp"
#include "core/config/daemon_config.hpp"
#include "core/config/key_check.hpp"
#include "core/schedule/cron_expr.hpp"

namespace notify::core {
namespace {

constexpr size_t kMaxJobName = 64;  // job names go into idempotency keys (128 bytes at most)

// Reads the key as a string; a wrong type is an error; absent leaves out unchanged.
bool readString(const toml::table& t, const char* key, const std::string& path, std::string& out,
                ConfigErrors& errors, bool required = false) {
  const toml::node* node = t.get(key);
  if (node == nullptr) {
    if (required) {
      errors.add(t.source(), path + "." + key, "is required");
    }
    return false;
  }
  if (const auto* s = node->as_string()) {
    out = s->get();
    return true;
  }
  errors.add(node->source(), path + "." + key, "must be a string");
  return false;
}

// A table of scalars as (name, text) pairs: strings as they are, numbers and booleans spelled
// as in JSON, like the protocol's vars.
std::vector<std::pair<std::string, std::string>> readScalars(const toml::table& t,
                                                             const std::string& path,
                                                             ConfigErrors& errors) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, value] : t) {
    std::string name(key.str());
    if (const auto* s = value.as_string()) {
      out.emplace_back(name, s->get());
    } else if (const auto* i = value.as_integer()) {
      out.emplace_back(name, std::to_string(i->get()));
    } else if (const auto* b = value.as_boolean()) {
      out.emplace_back(name, b->get() ? "true" : "false");
    } else {
      errors.add(value.source(), path + "." + name, "must be a string, integer or boolean");
    }
  }
  return out;
}

void readAudience(const toml::table& job, const std::string& path, const DaemonConfig& config,
                  AudienceConfig& audience, ConfigErrors& errors) {
  const toml::node* node = job.get("audience");
  if (node == nullptr || !node->is_table()) {
    errors.add(node ? node->source() : job.source(), path + ".audience",
               "is required: a table with recipient and one of rows, csv or list");
    return;
  }
  const toml::table& t = *node->as_table();
  std::string where = path + ".audience";
  checkKnownKeys(t, where, {"recipient", "rows", "csv", "list"}, errors);
  readString(t, "recipient", where, audience.recipient, errors, true);
  std::string csv;
  if (readString(t, "csv", where, csv, errors)) {
    audience.csv = csv;
    if (audience.csv.is_relative()) {
      audience.csv = config.baseDir / audience.csv;
    }
  }
  readString(t, "list", where, audience.list, errors);
  bool hasRows = false;
  if (const toml::node* rows = t.get("rows")) {
    hasRows = true;
    const toml::array* array = rows->as_array();
    for (size_t i = 0; array != nullptr && i < array->size(); ++i) {
      std::string rowPath = where + ".rows[" + std::to_string(i) + "]";
      const toml::table* row = (*array)[i].as_table();
      if (row == nullptr) {
        errors.add((*array)[i].source(), rowPath, "must be a table such as {phone = \"…\"}");
        continue;
      }
      auto values = readScalars(*row, rowPath, errors);
      bool addressed = std::any_of(values.begin(), values.end(),
                                   [&](const auto& kv) { return kv.first == audience.recipient; });
      if (!addressed && !audience.recipient.empty()) {
        errors.add(row->source(), rowPath, "lacks the recipient '" + audience.recipient + "'");
      }
      audience.inlineRows.push_back(std::move(values));
    }
    if (array == nullptr) {
      errors.add(rows->source(), where + ".rows", "must be an array of tables");
    }
  }
  int sources =
      (hasRows ? 1 : 0) + (audience.csv.empty() ? 0 : 1) + (audience.list.empty() ? 0 : 1);
  if (sources != 1) {
    errors.add(t.source(), where, "needs exactly one of rows, csv or list");
  }
}

void readJob(const std::string& name, const toml::table& t, const std::string& path,
             DaemonConfig& config, ConfigErrors& errors) {
  checkKnownKeys(t, path,
                 {"schedule", "time_zone", "app", "owner", "template", "channel", "lane", "vars",
                  "enabled", "misfire", "misfire_grace_ms", "audience"},
                 errors);
  CronJobConfig job;
  job.name = name;
  if (name.size() > kMaxJobName) {
    errors.add(t.source(), path, "the job name is longer than 64 characters");
  }
  if (readString(t, "schedule", path, job.scheduleText, errors, true)) {
    Result<CronExpr> expr = CronExpr::parse(job.scheduleText);
    if (expr) {
      job.schedule = std::make_shared<const CronExpr>(std::move(expr).value());
    } else {
      errors.add(t.get("schedule")->source(), path + ".schedule", expr.error().message);
    }
  }
  std::string zoneName = "UTC";
  readString(t, "time_zone", path, zoneName, errors);
  std::string zoneError;
  job.zone = TimeZone::find(zoneName, zoneError);
  if (!job.zone) {
    errors.add(t.source(), path + ".time_zone", zoneError);
  }
  if (readString(t, "app", path, job.app, errors, true) && config.apps.count(job.app) == 0) {
    errors.add(t.get("app")->source(), path + ".app", "unknown app '" + job.app + "'");
  }
  readString(t, "owner", path, job.owner, errors);
  if (job.owner.empty() && config.apps.count(job.app) > 0) {
    job.owner = config.apps.at(job.app).owner;
  }
  if (readString(t, "template", path, job.templateName, errors, true) &&
      config.templates.count(job.templateName) == 0) {
    errors.add(t.get("template")->source(), path + ".template",
               "unknown template '" + job.templateName + "'");
  }
  readString(t, "channel", path, job.channel, errors);
  if (readString(t, "lane", path, job.lane, errors) && config.lanes.count(job.lane) == 0) {
    errors.add(t.get("lane")->source(), path + ".lane", "unknown lane '" + job.lane + "'");
  }
  if (const toml::node* vars = t.get("vars")) {
    if (const toml::table* table = vars->as_table()) {
      job.vars = readScalars(*table, path + ".vars", errors);
    } else {
      errors.add(vars->source(), path + ".vars", "must be a table");
    }
  }
  if (const toml::node* enabled = t.get("enabled")) {
    if (const auto* b = enabled->as_boolean()) {
      job.enabled = b->get();
    } else {
      errors.add(enabled->source(), path + ".enabled", "must be true or false");
    }
  }
  std::string misfire = "skip";
  readString(t, "misfire", path, misfire, errors);
  if (misfire == "run_once") {
    job.misfire = MisfirePolicy::kRunOnce;
  } else if (misfire != "skip") {
    errors.add(t.get("misfire")->source(), path + ".misfire", "must be \"skip\" or \"run_once\"");
  }
  if (const toml::node* grace = t.get("misfire_grace_ms")) {
    const auto* i = grace->as_integer();
    if (i == nullptr || i->get() < 1000 || i->get() > 86400000) {
      errors.add(grace->source(), path + ".misfire_grace_ms",
                 "must be an integer between 1000 and 86400000");
    } else {
      job.misfireGraceMs = i->get();
    }
  }
  readAudience(t, path, config, job.audience, errors);
  config.cronJobs.emplace(name, std::move(job));
}

}  // namespace

const char* misfireName(MisfirePolicy policy) {
  return policy == MisfirePolicy::kRunOnce ? "run_once" : "skip";
}

void readCronJobs(const toml::table& root, DaemonConfig& config, ConfigErrors& errors) {
  const toml::node* node = root.get("cron");
  if (node == nullptr) {
    return;
  }
  if (!node->is_table()) {
    errors.add(node->source(), "cron", "must be a table of named jobs");
    return;
  }
  for (const auto& [key, value] : *node->as_table()) {
    std::string path = "cron." + std::string(key.str());
    if (!value.is_table()) {
      errors.add(value.source(), path, "must be a table");
      continue;
    }
    readJob(std::string(key.str()), *value.as_table(), path, config, errors);
  }
}

}  // namespace notify::core
