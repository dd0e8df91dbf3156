// SPDX-License-Identifier: Apache-2.0
#include "core/guards/guard_policy.hpp"

#include <gtest/gtest.h>

#include "core/common/time.hpp"
#include "core/guards/quiet_hours.hpp"

namespace notify::core {
namespace {

constexpr int64_t kNow = 1800000000000;

struct Fixture {
  DaemonConfig config;
  AppConfig app;
  TemplateConfig tpl;
  SendRequest request;
  NewMessage message;

  Fixture() {
    app.name = "shop";
    config.lanes["marketing"].name = "marketing";
    config.lanes["marketing"].dedupWindowMs = 60000;
    config.channels["sms"].name = "sms";
    config.channels["sms"].recipient = "phone";
    config.channels["im"].name = "im";
    tpl.name = "promo";
    tpl.lane = "marketing";
    request.to = {{"phone", "+8613800000000"}, {"tz", "Asia/Shanghai"}};
    message.channel = "sms";
    message.lane = "marketing";
    message.body = "Sale";
  }
  NewMessage guarded() {
    NewMessage m = message;
    addGuardChecks(config, app, tpl, request, m, kNow);
    return m;
  }
};

TEST(GuardPolicy, DedupWindowComesFromTheTemplateOrElseTheLane) {
  Fixture f;
  NewMessage lane = f.guarded();
  ASSERT_EQ(lane.guards.size(), 1u);
  EXPECT_EQ(lane.guards[0].kind, GuardCheck::Kind::kDuplicate);
  EXPECT_EQ(lane.guards[0].sinceMs, kNow - 60000);
  f.tpl.dedupWindowMs = 0;  // the template turns it off
  EXPECT_TRUE(f.guarded().guards.empty());
  f.tpl.dedupWindowMs = 5000;
  EXPECT_EQ(f.guarded().guards[0].sinceMs, kNow - 5000);
}

TEST(GuardPolicy, SameRecipientAndContentShareAKeyOtherwiseNot) {
  Fixture f;
  std::string key = f.guarded().guards[0].key;
  EXPECT_EQ(key.find("+86"), std::string::npos);  // keys hold hashes, not addresses
  f.request.to = {{"phone", "+8613800000000"}};   // the zone is not part of the address
  EXPECT_EQ(f.guarded().guards[0].key, key);
  f.message.body = "Other sale";
  EXPECT_NE(f.guarded().guards[0].key, key);
}

TEST(GuardPolicy, CapsApplyByChannelAndLaneAndQuotaRefuses) {
  Fixture f;
  f.config.lanes["marketing"].dedupWindowMs = 0;
  f.config.frequencyCaps.push_back({"im-only", "im", "", 30, 60000, "30/min"});
  f.config.frequencyCaps.push_back({"marketing", "", "marketing", 5, 86400000, "5/day"});
  f.app.dailyQuota = 100;
  NewMessage m = f.guarded();
  ASSERT_EQ(m.guards.size(), 2u);
  EXPECT_EQ(m.guards[0].kind, GuardCheck::Kind::kSuppress);
  EXPECT_EQ(m.guards[0].limit, 5);
  EXPECT_EQ(m.guards[0].sinceMs, kNow - 86400000);
  EXPECT_EQ(m.guards[1].kind, GuardCheck::Kind::kRefuse);
  EXPECT_EQ(m.guards[1].errorCode, "quota_exceeded");
  EXPECT_EQ(m.guards[1].sinceMs, kNow - kNow % 86400000);
}

TEST(GuardPolicy, AppRulesNameWhatIsNotAllowed) {
  AppConfig app;
  app.name = "shop";
  app.templates = {"receipt"};
  app.channels = {"email"};
  Result<void> tpl = checkAppRules(app, "promo", "email");
  ASSERT_FALSE(tpl.ok());
  EXPECT_EQ(tpl.error().code, "template_not_allowed");
  Result<void> channel = checkAppRules(app, "receipt", "sms");
  ASSERT_FALSE(channel.ok());
  EXPECT_EQ(channel.error().code, "channel_not_allowed");
  EXPECT_TRUE(checkAppRules(app, "receipt", "email").ok());
}

TEST(GuardPolicy, ChannelSpecificRecipientIds) {
  ChannelConfig wecom;
  wecom.name = "wecom";
  wecom.recipient = "user";
  wecom.recipientPattern = "[A-Za-z0-9_.-]{1,64}";
  wecom.recipientRegex = std::make_shared<const std::regex>(wecom.recipientPattern);
  EXPECT_TRUE(checkRecipients(wecom, {{"user", "zhang.san"}}).ok());
  Result<void> bad = checkRecipients(wecom, {{"user", "zhang san"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "to.user");
}

}  // namespace
}  // namespace notify::core

namespace notify::core {
namespace {

int64_t at(const char* rfc3339) {
  return *parseRfc3339(rfc3339);
}

std::shared_ptr<const TimeZone> zone(const std::string& name) {
  std::string error;
  auto z = TimeZone::find(name, error);
  EXPECT_TRUE(z) << error;
  return z;
}

TEST(QuietHours, WindowAcrossMidnightEndsInTheRecipientsMorning) {
  QuietHours night{22 * 60, 8 * 60, false};
  auto shanghai = zone("Asia/Shanghai");
  EXPECT_EQ(quietUntil(night, *shanghai, at("2026-11-26T23:30:00+08:00")),
            at("2026-11-27T08:00:00+08:00"));
  EXPECT_EQ(quietUntil(night, *shanghai, at("2026-11-27T07:59:00+08:00")),
            at("2026-11-27T08:00:00+08:00"));
  EXPECT_FALSE(quietUntil(night, *shanghai, at("2026-11-27T08:00:00+08:00")));
  EXPECT_FALSE(quietUntil(night, *shanghai, at("2026-11-26T12:00:00Z")));  // 20:00 local
}

TEST(QuietHours, EndInsideADstGapIsTheSameDistanceAfterIt) {
  QuietHours early{0, 2 * 60 + 30, false};  // 00:00-02:30; 02:30 does not exist on 8 March
  auto newYork = zone("America/New_York");
  EXPECT_EQ(quietUntil(early, *newYork, at("2026-03-08T01:30:00-05:00")),
            at("2026-03-08T03:30:00-04:00"));
}

TEST(QuietHours, DeferSuppressBypassAndZones) {
  Fixture f;
  f.config.lanes["marketing"].quietHours = QuietHours{22 * 60, 8 * 60, false};
  f.config.lanes["otp"].name = "otp";
  f.config.guards.defaultZone = zone("UTC");
  int64_t now = at("2026-11-26T15:00:00Z");  // 23:00 in Shanghai, 15:00 in UTC
  NewMessage m = f.message;
  ASSERT_TRUE(applyQuietHours(f.config, f.request, m, now).ok());
  EXPECT_EQ(m.sendAtMs, at("2026-11-27T08:00:00+08:00"));
  EXPECT_NE(m.routeDetail.find("quiet hours 22:00-08:00 in Asia/Shanghai"), std::string::npos);

  SendRequest noZone = f.request;
  noZone.to = {{"phone", "+8613800000000"}};
  NewMessage daytime = f.message;
  ASSERT_TRUE(applyQuietHours(f.config, noZone, daytime, now).ok());
  EXPECT_EQ(daytime.sendAtMs, 0);  // 15:00 in the default zone (UTC): not quiet

  f.config.lanes["marketing"].quietHours.suppress = true;
  NewMessage suppressed = f.message;
  ASSERT_TRUE(applyQuietHours(f.config, f.request, suppressed, now).ok());
  EXPECT_EQ(suppressed.suppressReason, "quiet hours 22:00-08:00 in Asia/Shanghai (lane marketing)");

  f.config.lanes["otp"].quietHours = QuietHours{0, 1439, false};  // ignored for otp
  NewMessage otp = f.message;
  otp.lane = "otp";
  ASSERT_TRUE(applyQuietHours(f.config, f.request, otp, now).ok());
  EXPECT_EQ(otp.sendAtMs, 0);
  EXPECT_TRUE(otp.suppressReason.empty());

  SendRequest badZone = f.request;
  badZone.to = {{"phone", "+8613800000000"}, {"tz", "Mars/Olympus"}};
  Result<void> bad = applyQuietHours(f.config, badZone, m, now);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "to.tz");
}

}  // namespace
}  // namespace notify::core
