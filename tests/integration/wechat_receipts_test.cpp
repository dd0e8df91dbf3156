// SPDX-License-Identifier: Apache-2.0
// WeChat template-send results end to end: a template message sent through the real wechat_mp
// plugin to notify-fakeprov is provider_accepted under WeChat's msgid; the fake then pushes the
// TEMPLATESENDJOBFINISH event, signed with the account's token, to the daemon's ops server, and
// the message moves to delivered or failed with the status text, counted in /metrics like a
// send outcome. A push with a wrong signature is refused and changes nothing; a reload that
// sets the callback token makes the same endpoint take pushes (receipts follow reloads).
#include "support/fakeprov_daemon_test.hpp"
#include "support/json_object.hpp"
#include "support/ops_http.hpp"

namespace notify::test {
namespace {

class WechatReceipts : public FakeProvDaemonTest {
 protected:
  void start(bool withCallbackToken) {
    dir_.write("mp.secret", "wechat-app-secret\n");
    dir_.write("mp.callback", "wechat-callback-token\n");
    opsPort_ = freeLoopbackPort();
    startDaemon(config(withCallbackToken));
  }

  std::string config(bool withCallbackToken) {
    return R"(
[ops]
listen = "127.0.0.1:)" + std::to_string(opsPort_) + R"("

[apps.ops]
token = "file:test.token"
admin = true

[providers.mp]
plugin = "wechat_mp"
base_url = ")" + fake_.url("wechat") + R"("
app_id = "wxfakeappid00001"
app_secret = "file:mp.secret"
)" + (withCallbackToken ? "callback_token = \"file:mp.callback\"\n" : "") +
           R"(
[channels.mp]
recipient = "user"
providers = ["mp"]

[templates.code]
vars = ["code"]
[templates.code.content.mp]
body = "Your code is {{code}}"
attrs = { template_id = "TPL_VERIFY_CODE" }
)";
  }

  // Sends one template message and waits until WeChat accepted it; {message id, msgid}.
  std::pair<std::string, std::string> accepted(const std::string& code) {
    std::string id = send("code", R"({"user":"oFollower1"})", R"({"code":")" + code + R"("})", "mp");
    auto message = waitForState(*client_, id, "provider_accepted");
    EXPECT_EQ(message->getValue<std::string>("state"), "provider_accepted");
    return {id, message->optValue<std::string>("provider_message_id", "")};
  }

  // The fake pushes the template-send result of msgId; returns the fake's account of the POST.
  Poco::JSON::Object::Ptr push(const std::string& msgId, const std::string& status,
                               const std::string& token = "wechat-callback-token") {
    std::string url = "http://127.0.0.1:" + std::to_string(opsPort_) + "/receipts/mp";
    return parseJson(fake_.control(
        "report", R"({"provider":"wechat","url":")" + url + R"(","message_id":")" + msgId +
                      R"(","status":")" + status + R"(","token":")" + token + R"("})"));
  }

  std::string metrics() { return httpGet(opsPort_, "/metrics").body; }

  int opsPort_ = 0;
};

TEST_F(WechatReceipts, TemplateSendResultsDeliverAndFailAndAreCounted) {
  start(true);
  auto [delivered, deliveredMsgId] = accepted("1001");
  auto [blocked, blockedMsgId] = accepted("1002");
  ASSERT_FALSE(deliveredMsgId.empty());
  ASSERT_NE(deliveredMsgId, blockedMsgId);

  auto answer = push(deliveredMsgId, "success");
  EXPECT_EQ(answer->getValue<int>("status"), 200);
  EXPECT_EQ(answer->getValue<std::string>("reply"), "success");
  auto message = waitForState(*client_, delivered, "delivered");
  ASSERT_EQ(message->getValue<std::string>("state"), "delivered");
  auto events = eventsIn(message, "delivered");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]->getValue<std::string>("code"), "success");
  EXPECT_EQ(events[0]->getValue<std::string>("actor"), "provider:mp");

  EXPECT_EQ(push(blockedMsgId, "failed:user block")->getValue<int>("status"), 200);
  message = waitForState(*client_, blocked, "failed");
  ASSERT_EQ(message->getValue<std::string>("state"), "failed");
  EXPECT_EQ(eventsIn(message, "failed").at(0)->getValue<std::string>("code"), "failed:user block");

  // A repeated push changes nothing and is not counted again.
  EXPECT_EQ(push(deliveredMsgId, "success")->getValue<int>("status"), 200);
  std::string m = metrics();
  EXPECT_EQ(metric(m, messagesSeries("test", "code", "mp", "mp", "provider_accepted")), 2)
      << m;
  EXPECT_EQ(metric(m, messagesSeries("test", "code", "mp", "mp", "delivered")), 1);
  EXPECT_EQ(metric(m, messagesSeries("test", "code", "mp", "mp", "failed")), 1);
}

TEST_F(WechatReceipts, APushWithAWrongSignatureIsRefusedAndChangesNothing) {
  start(true);
  auto [id, msgId] = accepted("2001");
  auto answer = push(msgId, "success", "not-the-token");
  EXPECT_EQ(answer->getValue<int>("status"), 403);
  EXPECT_EQ(parseJson(answer->getValue<std::string>("reply"))
                ->getObject("error")
                ->getValue<std::string>("code"),
            "forbidden");
  auto message = waitForState(*client_, id, "provider_accepted");
  EXPECT_EQ(message->getValue<std::string>("state"), "provider_accepted");
  EXPECT_TRUE(eventsIn(message, "delivered").empty());
  EXPECT_EQ(metric(metrics(), messagesSeries("test", "code", "mp", "mp", "delivered")), -1);
}

TEST_F(WechatReceipts, AReloadThatSetsTheCallbackTokenMakesTheEndpointTakePushes) {
  start(false);
  auto [id, msgId] = accepted("3001");
  EXPECT_EQ(push(msgId, "success")->getValue<int>("status"), 403);  // nothing to check it with

  writeDaemonConfig(dir_, port_, fake_.url("webhook") + "/hook", config(true));
  auto reloaded =
      client_->request(R"({"op":"reload","app":"ops","token":"test-token"})", 20000);
  ASSERT_TRUE(reloaded->getValue<bool>("ok")) << reloaded->get("error").toString();

  EXPECT_EQ(push(msgId, "success")->getValue<int>("status"), 200);
  EXPECT_EQ(waitForState(*client_, id, "delivered")->getValue<std::string>("state"), "delivered");
}

}  // namespace
}  // namespace notify::test
