// SPDX-License-Identifier: Apache-2.0
// The email plugin through the real daemon against a real SMTP server (aiosmtpd on loopback,
// STARTTLS with a test CA and verification on, AUTH required): the MIME the server received,
// and the lifecycle events for refused, deferred and unanswered messages and bad credentials.
#include <gtest/gtest.h>

#include "support/fakeprov_daemon_test.hpp"
#include "support/mime_reader.hpp"
#include "support/smtp_process.hpp"

namespace notify::test {
namespace {

constexpr const char* kUser = "notify@shop.example";
constexpr const char* kPassword = "s3cret-pw";

SmtpServerProcess::Options withAuth() {
  SmtpServerProcess::Options options;
  options.user = kUser;
  options.password = kPassword;
  return options;
}

class EmailThroughSmtp : public FakeProvDaemonTest {
 protected:
  void SetUp() override { startWithPassword(kPassword); }

  void startWithPassword(const std::string& password) {
    dir_.write("smtp.password", password + "\n");
    startDaemon(R"(
[providers.mail]
plugin = "email"
host = "127.0.0.1"
port = )" + std::to_string(server_.port()) +
                R"(
tls = "starttls"
ca_file = ")" + server_.caFile() +
                R"("
username = ")" + kUser +
                R"("
password = "file:smtp.password"
from = "通知中心 <noreply@shop.example>"
helo_name = "notify.test"

[channels.email]
recipient = "email"
providers = ["mail"]

[templates.shipped]
vars = ["name", "order"]

[templates.shipped.content.email]
subject = "测试通知: 订单已发货 {{order}}"
body = "Hello {{name}},\n.your order {{order}} has shipped.\n"
attrs = { html_body = "<p>Your order has <b>shipped</b>.</p>" }
)");
  }

  std::string send(const std::string& to) {
    return FakeProvDaemonTest::send("shipped", R"({"email":")" + to + "\"}",
                                    R"({"name":"Ann","order":"A-1001"})");
  }

  static Poco::JSON::Object::Ptr lastEvent(const Poco::JSON::Object::Ptr& message) {
    auto events = message->getArray("events");
    return events->getObject(static_cast<unsigned>(events->size() - 1));
  }

  SmtpServerProcess server_{withAuth()};
};

TEST_F(EmailThroughSmtp, DeliveredMessageArrivesOverTlsAsTheExpectedMime) {
  const std::string id = send("ann@example.com");
  auto message = waitForState(*client_, id, "delivered");
  ASSERT_EQ(message->getValue<std::string>("state"), "delivered");
  EXPECT_EQ(message->getValue<std::string>("provider_message_id"), "Q1");
  EXPECT_EQ(lastEvent(message)->getValue<std::string>("code"), "250");

  ASSERT_TRUE(server_.waitForMessages(1, 5000));
  const ReceivedMail mail = server_.messages().at(0);
  EXPECT_TRUE(mail.tls);
  EXPECT_EQ(mail.authUser, kUser);
  EXPECT_EQ(mail.mailFrom, "noreply@shop.example");
  EXPECT_EQ(mail.rcptTos, (std::vector<std::string>{"ann@example.com"}));

  const MimeEntity mime = parseEntity(mail.data);
  EXPECT_EQ(decodeWords(mime.header("from")), "通知中心 <noreply@shop.example>");
  EXPECT_EQ(mime.header("to"), "ann@example.com");
  EXPECT_EQ(decodeWords(mime.header("subject")), "测试通知: 订单已发货 A-1001");
  EXPECT_EQ(mime.header("message-id"), "<" + id + "@shop.example>");
  EXPECT_EQ(mime.header("mime-version"), "1.0");
  EXPECT_NE(mime.header("date"), "<absent>");
  EXPECT_EQ(mime.headers.count("bcc"), 0U);
  const auto parts = splitMultipart(mime.body, boundaryOf(mime.header("content-type")));
  ASSERT_EQ(parts.size(), 2U);
  EXPECT_EQ(parts[0].header("content-type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(base64Decode(parts[0].body), "Hello Ann,\r\n.your order A-1001 has shipped.\r\n");
  EXPECT_EQ(parts[1].header("content-type"), "text/html; charset=UTF-8");
  EXPECT_EQ(base64Decode(parts[1].body), "<p>Your order has <b>shipped</b>.</p>");
}

TEST_F(EmailThroughSmtp, RefusedRecipientFailsWithTheServersCode) {
  const std::string id = send("reject-me@example.com");
  auto message = waitForState(*client_, id, "failed");
  ASSERT_EQ(message->getValue<std::string>("state"), "failed");
  EXPECT_EQ(eventStates(message),
            (std::vector<std::string>{"accepted", "queued", "sending", "failed"}));
  EXPECT_EQ(lastEvent(message)->getValue<std::string>("code"), "550");
  EXPECT_NE(lastEvent(message)->getValue<std::string>("detail").find("5.1.1"), std::string::npos);
  EXPECT_TRUE(server_.messages().empty());
}

TEST_F(EmailThroughSmtp, DeferredRecipientIsRetriedUntilTheServerTakesIt) {
  const std::string id = send("defer-once@example.com");
  auto message = waitForState(*client_, id, "delivered");
  ASSERT_EQ(message->getValue<std::string>("state"), "delivered");
  EXPECT_EQ(eventStates(message), (std::vector<std::string>{"accepted", "queued", "sending",
                                                            "retrying", "sending", "delivered"}));
  EXPECT_EQ(message->getArray("events")->getObject(3)->getValue<std::string>("code"), "450");
  EXPECT_EQ(server_.messages().size(), 1U);
}

TEST_F(EmailThroughSmtp, AlwaysDeferredRecipientFailsAfterMaxAttempts) {
  const std::string id = send("defer-always@example.com");
  auto message = waitForState(*client_, id, "failed");
  ASSERT_EQ(message->getValue<std::string>("state"), "failed");
  EXPECT_EQ(message->getValue<int>("attempts"), 3);  // max_attempts of the test configuration
  EXPECT_EQ(eventStates(message),
            (std::vector<std::string>{"accepted", "queued", "sending", "retrying", "sending",
                                      "retrying", "sending", "failed"}));
  EXPECT_EQ(lastEvent(message)->getValue<std::string>("code"), "450");
  EXPECT_TRUE(server_.messages().empty());
}

TEST_F(EmailThroughSmtp, LostReplyAfterTheFinalDotIsRetriedAsUnknown) {
  // The server stores the message, then answers after the 2 s send timeout: the plugin cannot
  // know it was taken, says so, and the retry delivers a second copy (at-least-once).
  const std::string id = send("slow-once@example.com");
  auto message = waitForState(*client_, id, "delivered", 15000);
  ASSERT_EQ(message->getValue<std::string>("state"), "delivered");
  const auto retry = message->getArray("events")->getObject(3);
  EXPECT_EQ(retry->getValue<std::string>("state"), "retrying");
  EXPECT_EQ(retry->getValue<std::string>("code"), "timeout");
  EXPECT_NE(retry->getValue<std::string>("detail").find("outcome unknown"), std::string::npos);
  EXPECT_TRUE(server_.waitForMessages(2, 5000));
}

class EmailWithWrongPassword : public EmailThroughSmtp {
 protected:
  void SetUp() override { startWithPassword("not-the-password"); }
};

TEST_F(EmailWithWrongPassword, BadCredentialsFailThroughTheBadConfigPath) {
  const std::string id = send("ann@example.com");
  auto message = waitForState(*client_, id, "failed");
  ASSERT_EQ(message->getValue<std::string>("state"), "failed");
  const auto last = lastEvent(message);
  EXPECT_EQ(last->getValue<std::string>("code"), "535");
  EXPECT_NE(last->getValue<std::string>("detail").find("bad_config"), std::string::npos)
      << last->getValue<std::string>("detail");
  EXPECT_NE(daemon_->log().find("configuration problem: 535"), std::string::npos);
  EXPECT_TRUE(server_.messages().empty());
}

}  // namespace
}  // namespace notify::test
