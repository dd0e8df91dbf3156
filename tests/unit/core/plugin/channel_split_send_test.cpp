// SPDX-License-Identifier: Apache-2.0
// The host's side of prepare/complete (ABI minor 2) against a plain-C fixture plugin: the
// request it copies out, the outcomes it reads back, and plugin mistakes it reports.
#include <gtest/gtest.h>

#include "core/common/time.hpp"
#include "core/http/http_engine.hpp"
#include "core/plugin/channel_instance.hpp"
#include "core/plugin/plugin_catalog.hpp"
#include "support/test_env.hpp"

namespace notify::core {
namespace {

class SplitSendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto library = catalog_.find("fixture_split");
    ASSERT_NE(library, nullptr);
    auto created = ChannelInstance::create(library, "split", {}, std::make_shared<HttpEngine>());
    ASSERT_TRUE(created.ok()) << created.error().message;
    instance_ = std::move(created).value();
  }

  static OutboundMessage message(const std::string& body, int64_t deadlineUnixMs = 0) {
    OutboundMessage m;
    m.id = "019a0000-0000-7000-8000-0000000000aa";
    m.body = body;
    m.to = {{"phone", "+8613800000000"}};
    m.deadlineUnixMs = deadlineUnixMs;
    return m;
  }

  PluginCatalog catalog_ = PluginCatalog::scan(test::buildDir() / "test_plugins");
  std::unique_ptr<ChannelInstance> instance_;
};

TEST_F(SplitSendTest, CopiesTheRequestAndClassifiesTheAnswer) {
  ASSERT_TRUE(instance_->splitsSend());
  OutboundMessage outbound = message("hello");
  PluginMessage raw(outbound);
  PreparedSend prepared = instance_->prepare(raw);
  ASSERT_EQ(prepared.kind, PreparedSend::Kind::kRequest);
  EXPECT_EQ(prepared.call.method, "POST");
  EXPECT_EQ(prepared.call.url, "http://127.0.0.1:1/fixture");
  EXPECT_EQ(prepared.call.body, "hello");
  ASSERT_EQ(prepared.call.headers.size(), 1u);
  EXPECT_EQ(prepared.call.headers[0].second, outbound.id);
  EXPECT_EQ(prepared.call.timeoutMs, 1234u);

  SendOutcome delivered =
      instance_->complete(raw, HttpOutcome{NOTIFY_HOST_OK, "", {200, {}, "id-7"}});
  EXPECT_EQ(delivered.status, NOTIFY_DELIVERED);
  EXPECT_EQ(delivered.detail, "id-7");
  SendOutcome refused = instance_->complete(raw, HttpOutcome{NOTIFY_HOST_OK, "", {403, {}, ""}});
  EXPECT_EQ(refused.status, NOTIFY_REJECTED);
  EXPECT_EQ(refused.providerCode, "403");
  SendOutcome broken =
      instance_->complete(raw, HttpOutcome{NOTIFY_HOST_TIMEOUT, "timeout after 1234 ms", {}});
  EXPECT_EQ(broken.status, NOTIFY_RETRY);
  EXPECT_EQ(broken.detail, "timeout after 1234 ms");
}

TEST_F(SplitSendTest, APrepareThatDecidesOrDefersToSendIsHonoured) {
  OutboundMessage rejected = message("reject");
  PluginMessage rawRejected(rejected);
  PreparedSend done = instance_->prepare(rawRejected);
  ASSERT_EQ(done.kind, PreparedSend::Kind::kDone);
  EXPECT_EQ(done.outcome.status, NOTIFY_REJECTED);
  EXPECT_EQ(done.outcome.detail, "rejected by prepare");

  OutboundMessage viaSend = message("send");
  PluginMessage rawViaSend(viaSend);
  EXPECT_EQ(instance_->prepare(rawViaSend).kind, PreparedSend::Kind::kUseSend);
  EXPECT_EQ(instance_->send(viaSend).detail, "sync");
}

TEST_F(SplitSendTest, PluginMistakesBecomeInternalErrorsThatSayWhat) {
  for (const auto& [body, words] :
       {std::pair<std::string, std::string>{"twice", "2 requests"}, {"none", "0 requests"}}) {
    OutboundMessage outbound = message(body);
    PluginMessage raw(outbound);
    PreparedSend prepared = instance_->prepare(raw);
    ASSERT_EQ(prepared.kind, PreparedSend::Kind::kDone) << body;
    EXPECT_EQ(prepared.outcome.status, NOTIFY_INTERNAL_ERROR);
    EXPECT_NE(prepared.outcome.detail.find(words), std::string::npos) << prepared.outcome.detail;
  }
}

TEST_F(SplitSendTest, AMessagePastItsDeadlineIsNotSentAndTheTimeoutIsBoundedByIt) {
  OutboundMessage late = message("hello", nowUnixMs() - 1);
  PluginMessage rawLate(late);
  PreparedSend expired = instance_->prepare(rawLate);
  ASSERT_EQ(expired.kind, PreparedSend::Kind::kDone);
  EXPECT_EQ(expired.outcome.status, NOTIFY_RETRY);  // the plugin classified the timeout
  EXPECT_NE(expired.outcome.detail.find("deadline"), std::string::npos);

  OutboundMessage soon = message("hello", nowUnixMs() + 500);
  PluginMessage rawSoon(soon);
  PreparedSend bounded = instance_->prepare(rawSoon);
  ASSERT_EQ(bounded.kind, PreparedSend::Kind::kRequest);
  EXPECT_LE(bounded.call.timeoutMs, 500u);
  EXPECT_GT(bounded.call.timeoutMs, 0u);
}

TEST_F(SplitSendTest, APluginWithoutTheHooksIsNotSplit) {
  auto plain =
      ChannelInstance::create(catalog_.find("fixture_ok"), "plain",
                              {{"target", "x"}, {"retries", "3"}}, std::make_shared<HttpEngine>());
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_FALSE(plain.value()->splitsSend());
}

}  // namespace
}  // namespace notify::core
