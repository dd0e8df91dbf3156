// SPDX-License-Identifier: Apache-2.0
// Cron jobs through a real notifyd on a compressed test clock: fire times in a zone across a
// daylight-saving change, misfire policies after downtime, a large CSV audience expanded in
// bounded memory, bad CSV rows reported with their lines, and the cron ops.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <iostream>
#include <regex>
#include <set>
#include <thread>

#include "support/cron_runs.hpp"
#include "support/daemon_process.hpp"
#include "support/run_command.hpp"
#include "support/shared_clock.hpp"
#include "support/test_client.hpp"
#include "support/test_config.hpp"
#include "support/webhook_receiver.hpp"

namespace notify::test {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// Templates and a file channel the jobs below use, on top of writeDaemonConfig.
constexpr const char* kCronBase = R"(
[providers.outbox]
plugin = "file"
path = "outbox.jsonl"

[channels.files]
providers = ["outbox"]

[templates.bill]
vars = ["name", "amount"]
default_channel = "hooks"

[templates.bill.content.hooks]
body = "Hi {{name}}, you owe {{amount}}"

[templates.bill.content.files]
body = "Hi {{name}}, you owe {{amount}}"
)";

// A job sending template bill to one inline recipient (user u-NAME).
std::string inlineJob(const std::string& name, const std::string& schedule, const std::string& zone,
                      const std::string& extra = "") {
  return "\n[cron." + name + "]\nschedule = \"" + schedule + "\"\ntime_zone = \"" + zone +
         "\"\napp = \"test\"\ntemplate = \"bill\"\nvars = { amount = \"12.50\" }\n" + extra +
         "\n[cron." + name + ".audience]\nrecipient = \"user\"\nrows = [{ user = \"u-" + name +
         "\", name = \"Ann\" }]\n";
}

// A job run by hand (its schedule is once a year) sending template bill to the users of
// source, an audience line such as csv = "people.csv" or list = "vips".
std::string manualJob(const std::string& name, const std::string& source,
                      const std::string& extra = "") {
  return "\n[cron." + name + "]\nschedule = \"0 0 1 1 *\"\napp = \"test\"\ntemplate = \"bill\"\n" +
         extra + "\n[cron." + name + ".audience]\nrecipient = \"user\"\n" + source + "\n";
}

// A job "campaign" run by hand (its schedule is once a year) that writes to the file channel,
// with the audience in audience.csv.
constexpr const char* kCsvCampaign = R"(
[cron.campaign]
schedule = "0 0 1 1 *"
app = "test"
template = "bill"
channel = "files"

[cron.campaign.audience]
recipient = "user"
csv = "audience.csv"
)";

// audience.csv with rows users user-0 …; each name padded with padding bytes.
void writeAudienceCsv(const std::filesystem::path& file, int rows, size_t padding) {
  std::ofstream csv(file);
  csv << "user,name,amount\n";
  std::string filler(padding, 'x');
  for (int i = 0; i < rows; ++i) {
    csv << "user-" << i << ",\"Name " << i << " " << filler << "\"," << (i % 997) << ".00\n";
  }
}

class CronTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (HasFailure() && daemon_) {
      std::cerr << daemon_->log();
    }
  }

  void start(const SharedClock& clock, const std::string& jobs) {
    if (port_ == 0) {
      port_ = freeLoopbackPort();
    }
    auto config = writeDaemonConfig(dir_, port_, receiver_.url(), clock.toml() + kCronBase + jobs);
    daemon_ = std::make_unique<DaemonProcess>(config, endpointFor(port_));
    daemon_->start();
    client_ = std::make_unique<TestClient>(endpointFor(port_));
  }

  // notifyctl as app "test" against this daemon.
  CommandResult ctl(const std::string& args) const {
    return runCommand((buildDir() / "bin" / "notifyctl").string() + " --endpoint " +
                      endpointFor(port_) + " --app test --token test-token " + args);
  }

  Object::Ptr op(const std::string& op, const std::string& fields = "") {
    return client_->request(R"({"op":")" + op + R"(","app":"test","token":"test-token")" + fields +
                            "}");
  }

  Array::Ptr runs(const std::string& job) {
    Object::Ptr reply = op("cron_runs", R"(,"job":")" + job + "\"");
    EXPECT_TRUE(reply->getValue<bool>("ok"));
    return reply->getArray("runs");
  }

  // Waits until the job's latest run satisfies done; returns it (or the last one seen).
  Object::Ptr waitForRun(const std::string& job, const std::function<bool(Object::Ptr)>& done,
                         int timeoutMs = 20000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    Object::Ptr latest;
    while (std::chrono::steady_clock::now() < deadline) {
      Array::Ptr all = runs(job);
      latest = all && all->size() > 0 ? all->getObject(0) : nullptr;
      if (latest && done(latest)) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return latest;
  }

  static bool finished(const Object::Ptr& run) {
    std::string state = run->getValue<std::string>("state");
    return state == "done" || state == "skipped" || state == "canceled";
  }

  TempDir dir_;
  WebhookReceiver receiver_{kWebhookSecret};
  int port_ = 0;
  std::unique_ptr<DaemonProcess> daemon_;
  std::unique_ptr<TestClient> client_;
};

// New York springs forward at 02:00 EST on 2026-03-08. The clock starts at 01:58 EST and runs
// 120 times faster: "30 2 * * *" (a time that does not exist that day) fires once at 03:00 EDT,
// "5 3 * * *" at 03:05 EDT, an hour earlier in UTC than the day before.
TEST_F(CronTest, FiresAtTheRightLocalTimeAcrossADaylightSavingChange) {
  SharedClock clock("2026-03-08T01:58:00-05:00", 120);
  start(clock, inlineJob("gap", "30 2 * * *", "America/New_York") +
                   inlineJob("after", "5 3 * * *", "America/New_York"));
  Object::Ptr gap = waitForRun("gap", finished);
  ASSERT_TRUE(gap);
  EXPECT_EQ(gap->getValue<std::string>("planned_at"), "2026-03-08T07:00:00.000Z");
  EXPECT_EQ(gap->getValue<std::string>("state"), "done");
  EXPECT_EQ(gap->getValue<int>("accepted"), 1);
  Object::Ptr after = waitForRun("after", finished);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->getValue<std::string>("planned_at"), "2026-03-08T07:05:00.000Z");
  EXPECT_EQ(after->getValue<std::string>("trigger"), "schedule");
  // It started on time: within a minute of the clock (half a real second).
  int64_t planned = *core::parseRfc3339(after->getValue<std::string>("planned_at"));
  int64_t started = *core::parseRfc3339(after->getValue<std::string>("started_at"));
  EXPECT_GE(started, planned);
  EXPECT_LT(started - planned, 60000);
  ASSERT_TRUE(receiver_.waitFor(2, 5000));
  EXPECT_EQ(runs("gap")->size(), 1u);  // once, not once per skipped minute
  std::string body = receiver_.received()[0].body;
  EXPECT_NE(body.find("you owe 12.50"), std::string::npos) << body;
}

// Both jobs fire at 09:00 Shanghai time. The daemon runs from 08:50 to 08:55, is stopped, and
// comes back at 09:30: "skip" records the missed run as skipped, "run_once" runs it late once.
TEST_F(CronTest, MisfirePoliciesAfterDowntime) {
  std::string jobs = inlineJob("skipper", "0 9 * * *", "Asia/Shanghai", "misfire = \"skip\"") +
                     inlineJob("catcher", "0 9 * * *", "Asia/Shanghai", "misfire = \"run_once\"");
  {
    SharedClock before("2026-06-01T08:50:00+08:00", 60);
    start(before, jobs);
    Object::Ptr list = op("cron_list");
    ASSERT_TRUE(list->getValue<bool>("ok"));
    EXPECT_EQ(list->getArray("jobs")->size(), 2u);
    EXPECT_EQ(list->getArray("jobs")->getObject(0)->getValue<std::string>("next_fire_at"),
              "2026-06-01T01:00:00.000Z");
    ASSERT_EQ(daemon_->terminate(), 0);
  }
  SharedClock after("2026-06-01T09:30:00+08:00", 60);
  start(after, jobs);
  Object::Ptr skipped = waitForRun("skipper", finished);
  ASSERT_TRUE(skipped);
  EXPECT_EQ(skipped->getValue<std::string>("state"), "skipped");
  EXPECT_EQ(skipped->getValue<std::string>("planned_at"), "2026-06-01T01:00:00.000Z");
  EXPECT_NE(skipped->getValue<std::string>("error_detail").find("misfire = skip"),
            std::string::npos);
  Object::Ptr caught = waitForRun("catcher", finished);
  ASSERT_TRUE(caught);
  EXPECT_EQ(caught->getValue<std::string>("state"), "done");
  EXPECT_EQ(caught->getValue<std::string>("trigger"), "catch_up");
  EXPECT_EQ(caught->getValue<std::string>("planned_at"), "2026-06-01T01:00:00.000Z");
  EXPECT_EQ(caught->getValue<int>("accepted"), 1);
  ASSERT_TRUE(receiver_.waitFor(1, 5000));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(receiver_.received().size(), 1u);
  EXPECT_NE(receiver_.received()[0].body.find("u-catcher"), std::string::npos);
  EXPECT_EQ(runs("skipper")->size(), 1u);
  EXPECT_EQ(runs("catcher")->size(), 1u);
}

// Peak resident memory of a process, from /proc (kB).
int64_t peakRssKb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) {
      return std::stoll(line.substr(6));
    }
  }
  return -1;
}

TEST_F(CronTest, AHundredThousandRowCsvExpandsInBoundedMemory) {
  constexpr int kRows = 100000;
  // ~300 bytes a row: holding them all would take 30 MB before any per-message overhead.
  writeAudienceCsv(dir_ / "audience.csv", kRows, 240);
  SharedClock clock("2026-06-01T08:00:00+08:00", 1);
  start(clock, kCsvCampaign);
  int64_t idleKb = peakRssKb(daemon_->pid());
  Object::Ptr now = op("cron_run_now", R"(,"job":"campaign")");
  ASSERT_TRUE(now->getValue<bool>("ok"));
  Object::Ptr run = waitForRun("campaign", finished, 120000);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->getValue<std::string>("state"), "done");
  EXPECT_EQ(run->getValue<std::string>("trigger"), "manual");
  EXPECT_EQ(run->getValue<int>("expanded"), kRows);
  EXPECT_EQ(run->getValue<int>("accepted"), kRows);
  EXPECT_EQ(run->getValue<int>("errors"), 0);
  int64_t peakKb = peakRssKb(daemon_->pid());
  std::cout << "[ measure  ] notifyd peak RSS: idle " << idleKb << " kB, after expanding " << kRows
            << " rows " << peakKb << " kB\n";
  // The rows alone are ~30 MB of text; a daemon that held them (as messages, several times
  // that) would far exceed this bound.
  EXPECT_LT(peakKb - idleKb, 15 * 1024);
}

TEST_F(CronTest, BadCsvRowsAreReportedWithTheirLinesAndSkipped) {
  dir_.write("people.csv",
             "user,name,amount\n"
             "u-1,Ann,1.00\n"
             "u-2,Bo\n"
             "u-3,\"Cy\"x,3.00\n"
             ",Dee,4.00\n"
             "u-5,Eve,5.00\n");
  SharedClock clock("2026-06-01T08:00:00+08:00", 1);
  start(clock, manualJob("people", R"(csv = "people.csv")"));
  ASSERT_TRUE(op("cron_run_now", R"(,"job":"people")")->getValue<bool>("ok"));
  Object::Ptr run = waitForRun("people", finished);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->getValue<int>("expanded"), 5);
  EXPECT_EQ(run->getValue<int>("accepted"), 2);
  EXPECT_EQ(run->getValue<int>("errors"), 3);
  EXPECT_EQ(run->getValue<std::string>("error_detail"),
            "line 3: has 2 fields, the header has 3\n"
            "line 4: text after a closing quote\n"
            "line 5: the 'user' address is empty");
  ASSERT_TRUE(receiver_.waitFor(2, 5000));
}

TEST_F(CronTest, ACsvColumnTheTemplateDoesNotDeclareStopsTheRunWithOneError) {
  dir_.write("audience.csv", "user,name,amount,coupon\nu-1,Ann,1.00,X\nu-2,Bo,2.00,Y\n");
  SharedClock clock("2026-06-01T08:00:00+08:00", 1);
  start(clock, kCsvCampaign);
  ASSERT_TRUE(op("cron_run_now", R"(,"job":"campaign")")->getValue<bool>("ok"));
  Object::Ptr run = waitForRun("campaign", finished);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->getValue<int>("accepted"), 0);
  EXPECT_EQ(run->getValue<int>("errors"), 1);
  EXPECT_EQ(run->getValue<std::string>("error_detail"),
            "audience: column 'coupon' is not a variable of template 'bill' (it declares: name, "
            "amount); nothing was sent");
}

TEST_F(CronTest, PauseResumeAndAnotherAppsJob) {
  SharedClock clock("2026-06-01T08:00:00+08:00", 1);
  start(clock, inlineJob("daily", "0 9 * * *", "Asia/Shanghai"));
  Object::Ptr paused = op("cron_pause", R"(,"job":"daily")");
  ASSERT_TRUE(paused->getValue<bool>("ok"));
  EXPECT_TRUE(op("cron_list")->getArray("jobs")->getObject(0)->getValue<bool>("paused"));
  // A paused job still runs when asked explicitly only after it is resumed.
  ASSERT_TRUE(op("cron_run_now", R"(,"job":"daily")")->getValue<bool>("ok"));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_TRUE(receiver_.received().empty());
  EXPECT_EQ(runs("daily")->getObject(0)->getValue<std::string>("state"), "pending");
  ASSERT_TRUE(op("cron_resume", R"(,"job":"daily")")->getValue<bool>("ok"));
  Object::Ptr run = waitForRun("daily", finished);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->getValue<std::string>("state"), "done");
  EXPECT_TRUE(receiver_.waitFor(1, 5000));
  Object::Ptr unknown = op("cron_runs", R"(,"job":"nope")");
  ASSERT_FALSE(unknown->getValue<bool>("ok"));
  EXPECT_EQ(unknown->getObject("error")->getValue<std::string>("code"), "not_found");
}

// An app pushes its audience in two batches over the protocol; the job expands the stored list.
TEST_F(CronTest, PushedAudienceListIsExpandedFromTheStore) {
  SharedClock clock("2026-06-01T08:00:00+08:00", 1);
  start(clock, manualJob("vip", R"(list = "vips")", R"(vars = { amount = "0.00" })" "\n"));
  std::string row1 = R"({"to":{"user":"v1"},"vars":{"name":"Ann","amount":"1.00"}})";
  std::string row2 = R"({"to":{"user":"v2"},"vars":{"name":"Bo"}})";
  std::string row3 = R"({"to":{"user":"v3"},"vars":{"name":"Cy"}})";
  Object::Ptr first =
      op("audience_push", R"(,"list":"vips","replace":true,"rows":[)" + row1 + "," + row2 + "]");
  ASSERT_TRUE(first->getValue<bool>("ok"));
  EXPECT_EQ(first->getValue<int>("rows"), 2);
  Object::Ptr second = op("audience_push", R"(,"list":"vips","rows":[)" + row3 + "]");
  EXPECT_EQ(second->getValue<int>("rows"), 3);
  Object::Ptr bad = op("audience_push", R"(,"list":"vips","rows":[{"vars":{}}])");
  EXPECT_EQ(bad->getObject("error")->getValue<std::string>("field"), "rows[0].to");

  ASSERT_TRUE(op("cron_run_now", R"(,"job":"vip")")->getValue<bool>("ok"));
  Object::Ptr run = waitForRun("vip", finished);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->getValue<int>("expanded"), 3);
  EXPECT_EQ(run->getValue<int>("accepted"), 3);
  ASSERT_TRUE(receiver_.waitFor(3, 5000));
  std::string bodies;
  for (const auto& hook : receiver_.received()) {
    bodies += hook.body;
  }
  EXPECT_NE(bodies.find("Hi Ann, you owe 1.00"), std::string::npos) << bodies;
  EXPECT_NE(bodies.find("Hi Bo, you owe 0.00"), std::string::npos) << bodies;  // job default
}

// An operator uploads the list from a CSV file with notifyctl: a bad row stops the upload before
// anything is sent; a good file replaces the list in batches and the job expands all of it.
TEST_F(CronTest, NotifyctlPushesACsvFileAsTheList) {
  SharedClock clock("2026-06-01T08:00:00+08:00", 1);
  start(clock, manualJob("vip", R"(list = "vips")"));
  dir_.write("bad.csv", "user,name,amount\nv1,Ann,1.00\nv2,Bo\n");
  CommandResult bad = ctl("audience push vips --recipient user --file " +
                          (dir_.path() / "bad.csv").string());
  EXPECT_EQ(bad.status, 1) << bad.output;
  EXPECT_NE(bad.output.find("line 3: has 2 fields, the header has 3"), std::string::npos)
      << bad.output;
  EXPECT_NE(bad.output.find("nothing was pushed"), std::string::npos) << bad.output;

  std::string csv = "to.user,name,amount\n";
  for (int i = 0; i < 5; ++i) {
    csv += "v" + std::to_string(i) + ",\"Name, " + std::to_string(i) + "\",1.0" +
           std::to_string(i) + "\n";
  }
  dir_.write("vips.csv", csv);
  CommandResult pushed =
      ctl("audience push vips --batch 2 --file " + (dir_.path() / "vips.csv").string());
  ASSERT_EQ(pushed.status, 0) << pushed.output;
  EXPECT_NE(pushed.output.find("pushed 5 rows to list 'vips'; it now holds 5 rows"),
            std::string::npos)
      << pushed.output;
  // Pushed again it replaces the list rather than growing it; --append adds.
  EXPECT_NE(ctl("audience push vips --file " + (dir_.path() / "vips.csv").string())
                .output.find("it now holds 5 rows"),
            std::string::npos);
  EXPECT_NE(ctl("audience push vips --append --file " + (dir_.path() / "vips.csv").string())
                .output.find("it now holds 10 rows"),
            std::string::npos);
  ASSERT_EQ(ctl("audience push vips --file " + (dir_.path() / "vips.csv").string()).status, 0);

  ASSERT_TRUE(op("cron_run_now", R"(,"job":"vip")")->getValue<bool>("ok"));
  Object::Ptr run = waitForRun("vip", finished);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->getValue<int>("accepted"), 5);
  ASSERT_TRUE(receiver_.waitFor(5, 5000));
  std::string bodies;
  for (const auto& hook : receiver_.received()) {
    bodies += hook.body;
  }
  EXPECT_NE(bodies.find("Hi Name, 3, you owe 1.03"), std::string::npos) << bodies;
}

TEST_F(CronTest, NotifyctlListsRunsAndControlsJobs) {
  SharedClock clock("2026-06-01T08:00:00+08:00", 1);
  start(clock, inlineJob("daily", "30 9 * * MON-FRI", "Asia/Shanghai"));
  CommandResult list = ctl("cron list");
  EXPECT_EQ(list.status, 0) << list.output;
  EXPECT_NE(list.output.find("daily  30 9 * * MON-FRI  Asia/Shanghai  false   "
                             "2026-06-01T01:30:00.000Z  -"),
            std::string::npos)
      << list.output;
  CommandResult now = ctl("cron run-now daily");
  EXPECT_EQ(now.status, 0) << now.output;
  EXPECT_EQ(now.output.rfind("ok daily planned_at=", 0), 0u) << now.output;
  ASSERT_TRUE(waitForRun("daily", finished));
  CommandResult history = ctl("cron runs daily");
  EXPECT_EQ(history.status, 0) << history.output;
  EXPECT_NE(history.output.find("manual"), std::string::npos) << history.output;
  EXPECT_NE(history.output.find("done"), std::string::npos) << history.output;
  EXPECT_EQ(ctl("cron pause daily").output, "ok daily paused=true\n");
  EXPECT_EQ(ctl("cron resume daily").output, "ok daily paused=false\n");
  CommandResult unknown = ctl("cron runs nope");
  EXPECT_EQ(unknown.status, 1) << unknown.output;
  EXPECT_EQ(ctl("cron").status, 64);
}

// Two nodes share one store and run the same every-minute job (one minute is a real second):
// every fire time gets one run, and every run one message.
TEST_F(CronTest, TwoNodesRunEachFireTimeOnce) {
  SharedClock clock("2026-06-01T08:00:30+08:00", 60);
  std::string job = inlineJob("minutely", "* * * * *", "Asia/Shanghai");
  start(clock, job);
  TempDir otherDir;
  int otherPort = freeLoopbackPort();
  auto otherConfig =
      writeDaemonConfig(otherDir, otherPort, receiver_.url(), clock.toml() + kCronBase + job);
  std::string text = readFile(otherConfig);
  text.replace(text.find("path = \"notify.db\""), std::string("path = \"notify.db\"").size(),
               "path = \"" + (dir_ / "notify.db").string() + "\"");
  otherDir.write("notifyd.toml", text);
  DaemonProcess other(otherConfig, endpointFor(otherPort));
  other.start();

  clock.sleepUntil(*core::parseRfc3339("2026-06-01T08:06:10+08:00"));
  EXPECT_EQ(other.terminate(), 0);  // graceful: a kill could resend a message in flight
  ASSERT_TRUE(receiver_.waitFor(4, 5000));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // Both nodes were up from 08:03 on (start-up may take the first minutes).
  int done = expectEachFireTimeOnce(runs("minutely"),
                                    {"2026-06-01T00:03:00.000Z", "2026-06-01T00:04:00.000Z",
                                     "2026-06-01T00:05:00.000Z", "2026-06-01T00:06:00.000Z"});
  EXPECT_GE(done, 4);
  EXPECT_EQ(receiver_.received().size(), static_cast<size_t>(done));
}

// notifyd is killed in the middle of expanding a 20,000-row audience and restarted; the run
// resumes at its saved cursor once the dead runner's lease expires, and every recipient gets
// exactly one message.
TEST_F(CronTest, ARunKilledMidwayResumesWithoutDuplicates) {
  constexpr int kRows = 20000;
  writeAudienceCsv(dir_ / "audience.csv", kRows, 0);
  SharedClock clock("2026-06-01T08:00:00+08:00", 20);  // the 60 s run lease lasts 3 s
  start(clock, kCsvCampaign);
  ASSERT_TRUE(op("cron_run_now", R"(,"job":"campaign")")->getValue<bool>("ok"));
  Object::Ptr midway = waitForRun(
      "campaign", [](const Object::Ptr& run) { return run->getValue<int>("expanded") >= 2000; });
  ASSERT_TRUE(midway);
  daemon_->kill9();
  ASSERT_LT(midway->getValue<int>("expanded"), kRows) << "finished before the kill";
  daemon_->start();
  Object::Ptr run = waitForRun("campaign", finished, 120000);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->getValue<std::string>("state"), "done");
  EXPECT_EQ(run->getValue<int>("expanded"), kRows);
  EXPECT_EQ(run->getValue<int>("accepted") + run->getValue<int>("duplicates"), kRows);
  // Every recipient was delivered, each under a single message id.
  std::regex fields(R"re("message_id":"([^"]+)".*"to":\{"user":"([^"]+)"\})re");
  std::set<std::string> ids;
  std::set<std::string> recipients;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (recipients.size() < static_cast<size_t>(kRows) &&
         std::chrono::steady_clock::now() < deadline) {
    ids.clear();
    recipients.clear();
    std::ifstream outbox(dir_ / "outbox.jsonl");
    std::smatch match;
    for (std::string line; std::getline(outbox, line);) {
      if (std::regex_search(line, match, fields)) {
        ids.insert(match[1]);
        recipients.insert(match[2]);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(recipients.size(), static_cast<size_t>(kRows));
  EXPECT_EQ(ids.size(), recipients.size());  // no recipient got a second message
}

// While one job expands a large audience, another job's fire times still count as on time:
// they are recorded when they come and run after it, never taken for misfires.
TEST_F(CronTest, ALongRunDoesNotMakeOtherJobsMisfire) {
  writeAudienceCsv(dir_ / "audience.csv", 80000, 0);
  SharedClock clock("2026-06-01T07:59:30+08:00", 120);  // the 60 s misfire grace lasts 0.5 s
  start(clock, std::string(kCsvCampaign) + inlineJob("minutely", "* * * * *", "Asia/Shanghai"));
  ASSERT_TRUE(op("cron_run_now", R"(,"job":"campaign")")->getValue<bool>("ok"));
  Object::Ptr campaign = waitForRun("campaign", finished, 120000);
  ASSERT_TRUE(campaign);
  // The campaign ran across the minutely job's 08:01 and 08:02 fire times.
  ASSERT_LT(campaign->getValue<std::string>("started_at"), "2026-06-01T00:01:00.000Z");
  ASSERT_GT(campaign->getValue<std::string>("finished_at"), "2026-06-01T00:02:00.000Z");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  Array::Ptr minutely = runs("minutely");
  std::set<std::string> planned;
  for (size_t i = 0; i < minutely->size(); ++i) {
    planned.insert(
        minutely->getObject(static_cast<unsigned>(i))->getValue<std::string>("planned_at"));
  }
  EXPECT_EQ(planned.count("2026-06-01T00:01:00.000Z"), 1u);
  EXPECT_EQ(planned.count("2026-06-01T00:02:00.000Z"), 1u);
  for (size_t i = 0; i < minutely->size(); ++i) {
    Object::Ptr run = minutely->getObject(static_cast<unsigned>(i));
    EXPECT_NE(run->getValue<std::string>("state"), "skipped")
        << run->getValue<std::string>("planned_at") << ": "
        << run->optValue<std::string>("error_detail", "");
    EXPECT_EQ(run->getValue<std::string>("trigger"), "schedule");
  }
}

}  // namespace
}  // namespace notify::test
