// SPDX-License-Identifier: Apache-2.0
// The built channel_email.so, loaded and driven the way notifyd runs it, against a real SMTP
// server (aiosmtpd) on loopback with certificate verification on: what the server receives
// and what outcome the host is told, for the transport paths the scripted tests cannot reach.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "support/mime_reader.hpp"
#include "support/smtp_process.hpp"
#include "unit/plugins/plugin_support.hpp"

namespace notify::test {
namespace {

constexpr int64_t kNowMs = 1700000000123;

class EmailChannelTest : public ::testing::Test {
 protected:
  std::unique_ptr<core::ChannelInstance> create(core::KeyValues config,
                                                const std::string& timeoutMs = "5000") {
    config.emplace_back("from", "Notify Shop <noreply@shop.example>");
    config.emplace_back("helo_name", "worker.example");
    config.emplace_back("timeout_ms", timeoutMs);
    auto created = createInstance(library_, std::move(config), kNowMs);
    EXPECT_TRUE(created.ok()) << created.error().message;
    return created.ok() ? std::move(created).value() : nullptr;
  }

  static core::KeyValues serverConfig(const SmtpServerProcess& server, const std::string& tls) {
    return {{"host", "127.0.0.1"},
            {"port", std::to_string(server.port())},
            {"tls", tls},
            {"ca_file", server.caFile()}};
  }

  static core::OutboundMessage mail(const std::string& to) {
    core::OutboundMessage message = sampleMessage();
    message.to = {{"email", to}};
    return message;
  }

  std::shared_ptr<const core::PluginLibrary> library_ = loadPlugin(NOTIFY_EMAIL_PLUGIN_PATH);
};

TEST_F(EmailChannelTest, DescriptorDeclaresTheParameters) {
  const core::PluginInfo& info = library_->info();
  EXPECT_EQ(info.name, "email");
  EXPECT_NE(info.flags & NOTIFY_CHANNEL_THREADSAFE_SEND, 0U);
  std::vector<std::string> names;
  for (const auto& p : info.params) {
    names.push_back(p.name);
    if (p.name == "password") {
      EXPECT_EQ(p.type, NOTIFY_PARAM_SECRET);
    }
    if (p.name == "ca_file") {
      EXPECT_EQ(p.type, NOTIFY_PARAM_PATH);
    }
  }
  EXPECT_EQ(names, (std::vector<std::string>{"host", "port", "tls", "username", "password", "from",
                                             "helo_name", "ca_file", "verify_peer", "timeout_ms"}));
}

TEST_F(EmailChannelTest, ClearTextToANonLoopbackHostIsRefusedAtCreate) {
  auto created = createInstance(
      library_, {{"host", "smtp.example.com"}, {"tls", "none"}, {"from", "a@b.example"}}, kNowMs);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, "bad_config");
  EXPECT_NE(created.error().message.find("loopback"), std::string::npos);

  auto missingCa = createInstance(
      library_,
      {{"host", "127.0.0.1"}, {"ca_file", "/nonexistent/ca.pem"}, {"from", "a@b.example"}}, kNowMs);
  ASSERT_FALSE(missingCa.ok());
  EXPECT_NE(missingCa.error().message.find("ca_file"), std::string::npos);
}

TEST_F(EmailChannelTest, ImplicitTlsDeliversWithVerification) {
  SmtpServerProcess::Options options;
  options.implicitTls = true;
  SmtpServerProcess server(options);
  auto channel = create(serverConfig(server, "implicit"));
  ASSERT_NE(channel, nullptr);
  const core::SendOutcome outcome = channel->send(mail("ann@example.com"));
  EXPECT_EQ(outcome.status, NOTIFY_DELIVERED) << outcome.detail;
  EXPECT_EQ(outcome.providerCode, "250");
  EXPECT_EQ(outcome.providerMessageId, "Q1");
  const auto received = server.messages();
  ASSERT_EQ(received.size(), 1U);
  EXPECT_TRUE(received[0].tls);
  EXPECT_EQ(received[0].mailFrom, "noreply@shop.example");
  EXPECT_EQ(received[0].rcptTos, (std::vector<std::string>{"ann@example.com"}));
  const MimeEntity mime = parseEntity(received[0].data);
  EXPECT_EQ(mime.header("subject"), "Shipped");
  EXPECT_EQ(base64Decode(mime.body), "Your order is on its way");
}

TEST_F(EmailChannelTest, AnUntrustedCertificateIsATlsFailureUnlessVerificationIsOff) {
  SmtpServerProcess server({});
  TempDir dir;
  core::KeyValues config = serverConfig(server, "starttls");
  config.back().second = SmtpServerProcess::makeUnrelatedCa(dir.path()).string();
  auto strict = create(config);
  ASSERT_NE(strict, nullptr);
  const core::SendOutcome refused = strict->send(mail("ann@example.com"));
  EXPECT_EQ(refused.status, NOTIFY_RETRY);
  EXPECT_EQ(refused.providerCode, "tls_failed") << refused.detail;
  EXPECT_TRUE(server.messages().empty());

  config.emplace_back("verify_peer", "false");
  auto lax = create(config);
  ASSERT_NE(lax, nullptr);
  EXPECT_EQ(lax->send(mail("ann@example.com")).status, NOTIFY_DELIVERED);
}

TEST_F(EmailChannelTest, ACertificateForAnotherHostNameIsRefused) {
  SmtpServerProcess::Options options;
  options.certificateNames = "DNS:smtp.other.example";  // trusted, but not for 127.0.0.1
  SmtpServerProcess server(options);
  auto channel = create(serverConfig(server, "starttls"));
  ASSERT_NE(channel, nullptr);
  const core::SendOutcome outcome = channel->send(mail("ann@example.com"));
  EXPECT_EQ(outcome.status, NOTIFY_RETRY);
  EXPECT_EQ(outcome.providerCode, "tls_failed") << outcome.detail;
  EXPECT_TRUE(server.messages().empty());
}

TEST_F(EmailChannelTest, PartlyRefusedRecipientsAreNamedInTheDetail) {
  SmtpServerProcess server({});
  auto channel = create(serverConfig(server, "starttls"));
  ASSERT_NE(channel, nullptr);
  const core::SendOutcome outcome = channel->send(mail("ann@example.com, reject-me@example.com"));
  EXPECT_EQ(outcome.status, NOTIFY_DELIVERED) << outcome.detail;
  EXPECT_NE(outcome.detail.find("reject-me@example.com: 550 5.1.1"), std::string::npos)
      << outcome.detail;
  ASSERT_TRUE(server.waitForMessages(1, 2000));
  EXPECT_EQ(server.messages()[0].rcptTos, (std::vector<std::string>{"ann@example.com"}));
}

TEST_F(EmailChannelTest, NoAnswerToTheFinalDotIsAnUnknownOutcome) {
  SmtpServerProcess server({});  // slow-once recipients wait 3 s for their 250
  auto channel = create(serverConfig(server, "starttls"), "1000");
  ASSERT_NE(channel, nullptr);
  const core::SendOutcome outcome = channel->send(mail("slow-once@example.com"));
  EXPECT_EQ(outcome.status, NOTIFY_RETRY);
  EXPECT_EQ(outcome.providerCode, "timeout");
  EXPECT_EQ(outcome.detail.rfind("outcome unknown", 0), 0U) << outcome.detail;
  // The server did take it: exactly why the detail says "unknown".
  EXPECT_TRUE(server.waitForMessages(1, 5000));
}

TEST_F(EmailChannelTest, ClearTextOnLoopbackAndAClosedPort) {
  SmtpServerProcess::Options options;
  options.tls = false;
  SmtpServerProcess server(options);
  auto plain = create(serverConfig(server, "none"));
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(plain->send(mail("ann@example.com")).status, NOTIFY_DELIVERED);
  ASSERT_EQ(server.messages().size(), 1U);
  EXPECT_FALSE(server.messages()[0].tls);

  auto closed = create(
      {{"host", "127.0.0.1"}, {"port", std::to_string(freeLoopbackPort())}, {"tls", "none"}});
  ASSERT_NE(closed, nullptr);
  const core::SendOutcome outcome = closed->send(mail("ann@example.com"));
  EXPECT_EQ(outcome.status, NOTIFY_RETRY);
  EXPECT_EQ(outcome.providerCode, "connect_failed") << outcome.detail;
}

}  // namespace
}  // namespace notify::test
