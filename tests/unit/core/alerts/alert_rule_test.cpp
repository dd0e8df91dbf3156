// SPDX-License-Identifier: Apache-2.0
#include "core/alerts/alert_rule.hpp"

#include <gtest/gtest.h>

#include "core/config/config_loader.hpp"

namespace notify::core {
namespace {

AlertRuleConfig rule(const std::string& kind, double threshold) {
  AlertRuleConfig r;
  r.name = "r";
  r.kind = kind;
  r.threshold = threshold;
  r.notify = "oncall";
  return r;
}

SendStats row(const std::string& app, const std::string& channel, const std::string& provider,
              int64_t delivered, int64_t failed, int64_t rateLimited) {
  return {app, channel, provider, delivered + failed, delivered, failed, 0, rateLimited};
}

TEST(AlertRule, QuotaNearlyUsedFiresAtTheThresholdForTheAppWithTheLargestShare) {
  AlertRuleConfig r = rule("quota_nearly_used", 80);
  AlertInputs in;
  in.quotas = {{"shop", 70, 100}, {"billing", 8, 10}};
  auto reading = evaluateRule(r, in);
  ASSERT_TRUE(reading.has_value());
  EXPECT_TRUE(reading->firing) << "80% reaches a threshold of 80%";
  EXPECT_DOUBLE_EQ(reading->value, 80.0);
  EXPECT_EQ(reading->detail, "app billing used 8 of its daily quota of 10 (80.0%) >= 80.0%");

  r.app = "shop";
  reading = evaluateRule(r, in);
  ASSERT_TRUE(reading.has_value());
  EXPECT_FALSE(reading->firing);
  EXPECT_EQ(reading->detail, "app shop used 70 of its daily quota of 100 (70.0%) < 80.0%");

  r.app = "nobody";
  EXPECT_FALSE(evaluateRule(r, in).has_value()) << "no app with a quota in scope";
}

TEST(AlertRule, FailureRateCountsOnlyTheRulesScope) {
  AlertRuleConfig r = rule("failure_rate", 50);
  r.channel = "sms";
  AlertInputs in;
  in.stats = {row("shop", "sms", "tencent", 1, 3, 0), row("shop", "email", "smtp", 0, 10, 0)};
  auto reading = evaluateRule(r, in);
  ASSERT_TRUE(reading.has_value());
  EXPECT_DOUBLE_EQ(reading->value, 75.0);
  EXPECT_TRUE(reading->firing);
  EXPECT_EQ(reading->detail, "failure rate 75.0% (3 of 4) for channel=sms > 50.0% over 300 s");
  r.provider = "aliyun";
  EXPECT_FALSE(evaluateRule(r, in).has_value()) << "no traffic in scope: nothing to judge";
}

TEST(AlertRule, RateKindsStayQuietBelowMinMessages) {
  AlertRuleConfig r = rule("rate_limited_ratio", 10);
  r.minMessages = 5;
  AlertInputs in;
  in.stats = {row("shop", "sms", "tencent", 4, 0, 4)};
  EXPECT_FALSE(evaluateRule(r, in).has_value());
  in.stats.push_back(row("crm", "sms", "tencent", 1, 0, 0));
  auto reading = evaluateRule(r, in);
  ASSERT_TRUE(reading.has_value());
  EXPECT_DOUBLE_EQ(reading->value, 80.0);
  EXPECT_TRUE(reading->firing);
}

TEST(AlertRule, GaugeKinds) {
  AlertInputs in;
  in.nowMs = 100000;
  in.gauges.lanes = {{"default", 3, 40000}, {"bulk", 0, 0}};
  in.gauges.deadLetters = 12;
  in.deadLettersAtWindowStart = 2;
  in.utilisation = 0.95;
  in.circuitOpen = true;
  EXPECT_TRUE(evaluateRule(rule("oldest_queued", 59), in)->firing);
  EXPECT_DOUBLE_EQ(evaluateRule(rule("oldest_queued", 59), in)->value, 60.0);
  EXPECT_FALSE(evaluateRule(rule("oldest_queued", 60), in)->firing);
  EXPECT_TRUE(evaluateRule(rule("dead_letter_growth", 9), in)->firing);
  EXPECT_FALSE(evaluateRule(rule("dead_letter_growth", 10), in)->firing);
  EXPECT_TRUE(evaluateRule(rule("limit_utilisation", 90), in)->firing);
  EXPECT_TRUE(evaluateRule(rule("circuit_open", 0), in)->firing);
  in.circuitOpen = false;
  EXPECT_FALSE(evaluateRule(rule("circuit_open", 0), in)->firing);
}

// The errors parseConfig reports for text, or "accepted".
std::string configErrors(const std::string& text) {
  try {
    parseConfig(text, "notifyd.toml");
    return "accepted";
  } catch (const ConfigError& e) {
    return e.what();
  }
}

TEST(AlertConfig, BadRulesAreRefusedWithTheirPath) {
  std::string message = configErrors(R"(
[providers.oncall]
plugin = "webhook"
[alerts.bad]
kind = "failure_rat"
notify = "nobody"
[alerts.quota]
kind = "quota_nearly_used"
threshold = 150
notify = "oncall"
)");
  EXPECT_NE(message.find("alerts.bad.kind: unknown alert kind 'failure_rat'; did you mean "
                         "'failure_rate'?"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("alerts.bad.notify: unknown provider 'nobody'"), std::string::npos)
      << message;
  EXPECT_NE(message.find("alerts.quota.threshold: must be a percentage above 0 and at most 100"),
            std::string::npos)
      << message;
}

}  // namespace
}  // namespace notify::core
