// SPDX-License-Identifier: Apache-2.0
// The whatsapp plugin through the real daemon against notify-fakeprov's Cloud API: accepted
// text and template messages carrying exactly the expected request, an undeliverable number
// failing with Meta's code, the pair rate limit (6 s) and a refused access token.
#include <Poco/JSON/Array.h>

#include "support/fakeprov_daemon_test.hpp"
#include "support/json_object.hpp"

namespace notify::test {
namespace {

// The fake's default account: token whatsapp-fake-token, number id 106540352242922, template
// order_update with two body parameters; numbers ending in 0000 are not on WhatsApp.
class WhatsappThroughFakeProv : public FakeProvDaemonTest {
 protected:
  void SetUp() override {
    dir_.write("wa.token", "whatsapp-fake-token\n");
    dir_.write("wrong.token", "EAAG-revoked\n");
    startDaemon(provider("wa", "wa.token") + provider("wa_revoked", "wrong.token") + R"(
[channels.whatsapp]
providers = ["wa"]
recipient = "phone"

[channels.whatsapp_revoked]
providers = ["wa_revoked"]
recipient = "phone"

[templates.chat]
vars = ["name"]
default_channel = "whatsapp"

[templates.chat.content.whatsapp]
body = "Hi {{name}}, your parcel is here"

[templates.chat.content.whatsapp_revoked]
body = "Hi {{name}}"

[templates.order]
vars = ["order", "eta"]

[templates.order.content.whatsapp]
body = "Order {{order}} arrives {{eta}}"
attrs = { template_id = "order_update", language = "en_GB", params = "order,eta" }
)");
  }

  std::string provider(const std::string& name, const std::string& tokenFile) {
    return "\n[providers." + name + "]\nplugin = \"whatsapp\"\nbase_url = \"" +
           fake_.url("whatsapp") +
           "\"\nphone_number_id = \"106540352242922\"\naccess_token = \"file:" + tokenFile + "\"\n";
  }

  std::string chat(const std::string& phone, const std::string& channel = "") {
    return send("chat", R"({"phone":")" + phone + "\"}", R"({"name":"Ann"})", channel);
  }
};

TEST_F(WhatsappThroughFakeProv, TextMessageIsProviderAcceptedWithTheWamid) {
  const std::string id = chat("+16505551234");
  auto message = waitForState(*client_, id, "provider_accepted");
  ASSERT_EQ(message->getValue<std::string>("state"), "provider_accepted");
  EXPECT_EQ(message->getValue<std::string>("provider_message_id").rfind("wamid.", 0), 0U);

  ASSERT_EQ(fake_.requests("whatsapp")->size(), 1U);
  auto request = fake_.requests("whatsapp")->getObject(0);
  EXPECT_EQ(request->getValue<std::string>("path"), "/v19.0/106540352242922/messages");
  EXPECT_EQ(request->getObject("headers")->getValue<std::string>("authorization"),
            "Bearer whatsapp-fake-token");
  auto body = parseJson(request->getValue<std::string>("body"));
  EXPECT_EQ(body->getValue<std::string>("messaging_product"), "whatsapp");
  EXPECT_EQ(body->getValue<std::string>("to"), "+16505551234");
  EXPECT_EQ(body->getValue<std::string>("type"), "text");
  EXPECT_EQ(body->getObject("text")->getValue<std::string>("body"), "Hi Ann, your parcel is here");
  EXPECT_EQ(body->getValue<std::string>("biz_opaque_callback_data"), id);
}

TEST_F(WhatsappThroughFakeProv, TemplateMessageCarriesTheParametersInOrder) {
  const std::string id =
      send("order", R"({"phone":"+4915112345678"})", R"({"eta":"Friday","order":"A-1001"})");
  auto message = waitForState(*client_, id, "provider_accepted");
  ASSERT_EQ(message->getValue<std::string>("state"), "provider_accepted");
  auto body = parseJson(fake_.requests("whatsapp")->getObject(0)->getValue<std::string>("body"));
  EXPECT_EQ(body->getValue<std::string>("type"), "template");
  auto tpl = body->getObject("template");
  EXPECT_EQ(tpl->getValue<std::string>("name"), "order_update");
  EXPECT_EQ(tpl->getObject("language")->getValue<std::string>("code"), "en_GB");
  auto parameters = tpl->getArray("components")->getObject(0)->getArray("parameters");
  ASSERT_EQ(parameters->size(), 2U);
  EXPECT_EQ(parameters->getObject(0)->getValue<std::string>("text"), "A-1001");
  EXPECT_EQ(parameters->getObject(1)->getValue<std::string>("text"), "Friday");
}

TEST_F(WhatsappThroughFakeProv, UndeliverableNumberFailsWithMetasCode) {
  auto message = waitForState(*client_, chat("+16505550000"), "failed");
  ASSERT_EQ(message->getValue<std::string>("state"), "failed");
  auto failed = eventsIn(message, "failed").at(0);
  EXPECT_EQ(failed->getValue<std::string>("code"), "131026");
  EXPECT_EQ(eventsIn(message, "sending").size(), 1U);  // permanent: no second attempt
  EXPECT_EQ(fake_.requests("whatsapp")->size(), 0U);
}

TEST_F(WhatsappThroughFakeProv, PairRateLimitWaitsSixSecondsThenGoesThrough) {
  ASSERT_EQ(waitForState(*client_, chat("+16505557777"), "provider_accepted")
                ->getValue<std::string>("state"),
            "provider_accepted");
  const std::string second = chat("+16505557777");
  auto limited = waitForState(*client_, second, "rate_limited");
  ASSERT_EQ(limited->getValue<std::string>("state"), "rate_limited");
  auto event = eventsIn(limited, "rate_limited").at(0);
  EXPECT_EQ(event->getValue<std::string>("code"), "131056");
  const std::string detail = event->getValue<std::string>("detail");
  EXPECT_NE(detail.find("next attempt in 6000 ms"), std::string::npos) << detail;

  auto accepted = waitForState(*client_, second, "provider_accepted", 15000);
  EXPECT_EQ(accepted->getValue<std::string>("state"), "provider_accepted");
  EXPECT_EQ(fake_.requests("whatsapp")->size(), 2U);
}

TEST_F(WhatsappThroughFakeProv, RevokedTokenIsAConfigurationProblem) {
  auto message = waitForState(*client_, chat("+16505551234", "whatsapp_revoked"), "failed");
  ASSERT_EQ(message->getValue<std::string>("state"), "failed");
  auto failed = eventsIn(message, "failed").at(0);
  EXPECT_EQ(failed->getValue<std::string>("code"), "190");
  EXPECT_EQ(failed->getValue<std::string>("detail").find("EAAG-revoked"), std::string::npos);
  EXPECT_EQ(fake_.requests("whatsapp")->size(), 0U);
}

}  // namespace
}  // namespace notify::test
