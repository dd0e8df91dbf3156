// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <string>

#include "core/common/time_zone.hpp"
#include "core/config/config_loader.hpp"
#include "core/schedule/cron_expr.hpp"
#include "support/test_env.hpp"

namespace notify::core {
namespace {

const std::string kBase = R"(
[apps.shop]
token = "env:NOTIFY_CRON_TEST_TOKEN"
owner = "shop-team"

[providers.outbox]
plugin = "file"
path = "out.jsonl"

[channels.im]
providers = ["outbox"]

[lanes.marketing]
workers = 2

[templates.promo]
vars = ["name", "code"]

[templates.promo.content.im]
body = "Hi {{name}}, use {{code}}"
)";

DaemonConfig parse(const std::string& cron) {
  setenv("NOTIFY_CRON_TEST_TOKEN", "t", 1);
  return parseConfig(kBase + cron, "/etc/notify/notifyd.toml");
}

std::string errorsOf(const std::string& cron) {
  try {
    parse(cron);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted:\n" << cron;
  return "";
}

TEST(CronConfig, ReadsAJobWithItsAudience) {
  DaemonConfig config = parse(R"(
[cron.weekly]
schedule = "0 9 * * MON"
time_zone = "Asia/Shanghai"
app = "shop"
template = "promo"
lane = "marketing"
vars = { code = "SPRING" }
misfire = "run_once"

[cron.weekly.audience]
recipient = "user"
rows = [{ user = "u1", name = "Ann" }, { user = "u2", name = "Bo", code = "VIP" }]

[cron.file]
schedule = "@daily"
app = "shop"
template = "promo"
enabled = false

[cron.file.audience]
recipient = "phone"
csv = "lists/people.csv"
)");
  ASSERT_EQ(config.cronJobs.size(), 2u);
  const CronJobConfig& weekly = config.cronJobs.at("weekly");
  EXPECT_EQ(weekly.scheduleText, "0 9 * * MON");
  EXPECT_EQ(weekly.zone->name(), "Asia/Shanghai");
  EXPECT_EQ(weekly.owner, "shop-team");
  EXPECT_EQ(weekly.lane, "marketing");
  EXPECT_EQ(weekly.misfire, MisfirePolicy::kRunOnce);
  EXPECT_EQ(weekly.vars, (std::vector<std::pair<std::string, std::string>>{{"code", "SPRING"}}));
  ASSERT_EQ(weekly.audience.inlineRows.size(), 2u);
  EXPECT_EQ(weekly.audience.inlineRows[1].size(), 3u);
  const CronJobConfig& file = config.cronJobs.at("file");
  EXPECT_FALSE(file.enabled);
  EXPECT_EQ(file.zone->name(), "UTC");
  EXPECT_EQ(file.misfire, MisfirePolicy::kSkip);
  EXPECT_EQ(file.audience.csv, std::filesystem::path("/etc/notify/lists/people.csv"));
}

TEST(CronConfig, EveryProblemIsReportedWithItsPlace) {
  std::string errors = errorsOf(R"(
[cron.bad]
schedule = "0 25 * * *"
time_zone = "Mars/Olympus"
app = "nobody"
template = "nope"
lane = "slow"
misfire = "sometimes"
retries = 3

[cron.bad.audience]
recipient = "user"
rows = [{ name = "no address" }]
csv = "also.csv"
)");
  for (const char* expected :
       {"cron.bad.schedule: hour field '25': out of range 0-23", "cron.bad.time_zone:",
        "cron.bad.app: unknown app 'nobody'", "cron.bad.template: unknown template 'nope'",
        "cron.bad.lane: unknown lane 'slow'", "cron.bad.misfire: must be \"skip\" or \"run_once\"",
        "unknown key 'retries'", "cron.bad.audience.rows[0]: lacks the recipient 'user'",
        "cron.bad.audience: needs exactly one of rows, csv or list"}) {
    EXPECT_NE(errors.find(expected), std::string::npos) << expected << "\n" << errors;
  }
  EXPECT_NE(errors.find("notifyd.toml:"), std::string::npos) << errors;
  EXPECT_NE(errorsOf("\n[cron.x]\nschedule = \"* * * * *\"\napp = \"shop\"\ntemplate = "
                     "\"promo\"\n")
                .find("cron.x.audience: is required"),
            std::string::npos);
}

}  // namespace
}  // namespace notify::core
