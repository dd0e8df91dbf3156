// SPDX-License-Identifier: Apache-2.0
// The whole message, parsed back by an independent reader: headers, decoded subject and
// display name, Message-ID, the multipart boundary, and both base64 parts. Plus the envelope
// built from an sdk::Message and the configuration checks.
#include "plugins/email/email_request.hpp"

#include <gtest/gtest.h>

#include <string>

#include "support/mime_reader.hpp"
#include "unit/plugins/config_kv.hpp"
#include "unit/plugins/plugin_support.hpp"

namespace notify::plugin::email {
namespace {

using test::base64Decode;
using test::decodeWords;
using test::parseEntity;

constexpr int64_t kNowMs = 1700000000123;
constexpr const char* kId = "0190b7e2-5c4a-7d3e-8f00-1a2b3c4d5e6f";

MailContent content() {
  MailContent c;
  c.from = {"通知中心", "noreply@shop.example"};
  c.to = {"ann@example.com", "bo@example.org"};
  c.subject = "测试通知: 订单已发货";
  c.text = "Hello Ann,\n.a line starting with a dot\nyour order A-1001 has shipped ✓\n";
  c.html = "<p>Hello <b>Ann</b>, your order has shipped ✓</p>";
  c.messageId = kId;
  c.dateUnixMs = kNowMs;
  return c;
}

TEST(BuildMime, MultipartAlternativeParsesBackToTheContent) {
  const MailContent c = content();
  const std::string mime = buildMime(c);
  const auto message = parseEntity(mime);

  EXPECT_EQ(message.header("date"), "Tue, 14 Nov 2023 22:13:20 +0000");
  EXPECT_EQ(decodeWords(message.header("from")), "通知中心 <noreply@shop.example>");
  EXPECT_EQ(message.header("to"), "ann@example.com, bo@example.org");
  EXPECT_EQ(message.header("subject"), "=?UTF-8?B?5rWL6K+V6YCa55+lOiDorqLljZXlt7Llj5HotKc=?=");
  EXPECT_EQ(decodeWords(message.header("subject")), c.subject);
  EXPECT_EQ(message.header("message-id"), std::string("<") + kId + "@shop.example>");
  EXPECT_EQ(message.header("mime-version"), "1.0");
  EXPECT_EQ(message.headers.count("bcc"), 0U);
  for (const std::string& line : message.rawHeaderLines) {
    EXPECT_LE(line.size(), 78U) << line;
  }

  const std::string boundary = test::boundaryOf(message.header("content-type"));
  EXPECT_EQ(message.header("content-type").rfind("multipart/alternative;", 0), 0U);
  EXPECT_EQ(boundary, boundaryFor(kId));
  const auto parts = test::splitMultipart(message.body, boundary);
  ASSERT_EQ(parts.size(), 2U);
  EXPECT_EQ(parts[0].header("content-type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(parts[0].header("content-transfer-encoding"), "base64");
  EXPECT_EQ(base64Decode(parts[0].body), canonicalLineBreaks(c.text));
  EXPECT_EQ(parts[1].header("content-type"), "text/html; charset=UTF-8");
  EXPECT_EQ(base64Decode(parts[1].body), c.html);
  // The closing delimiter ends the body.
  EXPECT_NE(message.body.find("--" + boundary + "--\r\n"), std::string::npos);
}

TEST(BuildMime, TheBoundaryCannotOccurInsideTheParts) {
  const MailContent c = content();
  const std::string mime = buildMime(c);
  const std::string boundary = boundaryFor(kId);
  EXPECT_LE(boundary.size(), 70U);
  // Exactly three delimiter lines: two part openers and the closer.
  size_t count = 0;
  for (size_t at = mime.find("--" + boundary); at != std::string::npos;
       at = mime.find("--" + boundary, at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 3U);
  // base64 never contains '_', and the boundary always does.
  EXPECT_NE(boundary.find('_'), std::string::npos);
}

TEST(BuildMime, WithoutHtmlTheBodyIsOneTextPart) {
  MailContent c = content();
  c.html.clear();
  c.from = {"", "noreply@shop.example"};
  const auto message = parseEntity(buildMime(c));
  EXPECT_EQ(message.header("from"), "noreply@shop.example");
  EXPECT_EQ(message.header("content-type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(message.header("content-transfer-encoding"), "base64");
  EXPECT_EQ(base64Decode(message.body), canonicalLineBreaks(c.text));
}

TEST(BuildMime, EveryLineEndsInCrlf) {
  const std::string mime = buildMime(content());
  for (size_t i = 0; i < mime.size(); ++i) {
    if (mime[i] == '\n') {
      ASSERT_GT(i, 0U);
      EXPECT_EQ(mime[i - 1], '\r') << "bare LF at " << i;
    }
  }
  EXPECT_EQ(mime.substr(mime.size() - 2), "\r\n");
}

TEST(MessageIds, KeepOnlySafeCharacters) {
  EXPECT_EQ(messageIdHeader("a b<c>@d", "x.example"), "<abcd@x.example>");
  EXPECT_EQ(boundaryFor(std::string(100, 'a')).size(), 70U);
}

class BuildRequestTest : public ::testing::Test {
 protected:
  EmailConfig config(std::map<std::string, std::string> values) {
    values.emplace("host", "smtp.example.com");
    values.emplace("from", "Shop <noreply@shop.example>");
    test::ConfigKv kv(std::move(values));
    return parseConfig(kv.config(), "worker-1.example.net");
  }
};

TEST_F(BuildRequestTest, EnvelopeAndMessageComeFromTheNotifyMessage) {
  core::OutboundMessage raw = test::sampleMessage();
  raw.to = {{"email", "ann@example.com, bo@example.org"}};
  raw.attrs = {{"html_body", "<p>Shipped</p>"}};
  test::RawMessage message(raw);
  std::string error;
  const auto request = buildRequest(config({}), message.message(), kNowMs, &error);
  ASSERT_TRUE(request) << error;
  EXPECT_EQ(request->mailFrom, "noreply@shop.example");
  EXPECT_EQ(request->recipients, (std::vector<std::string>{"ann@example.com", "bo@example.org"}));
  EXPECT_EQ(request->messageId, "<" + raw.id + "@shop.example>");
  const auto mime = parseEntity(request->data);
  EXPECT_EQ(mime.header("subject"), raw.subject);
  EXPECT_EQ(mime.header("from"), "Shop <noreply@shop.example>");
  const auto parts = test::splitMultipart(mime.body, test::boundaryOf(mime.header("content-type")));
  ASSERT_EQ(parts.size(), 2U);
  EXPECT_EQ(base64Decode(parts[0].body), raw.body);
  EXPECT_EQ(base64Decode(parts[1].body), "<p>Shipped</p>");
}

TEST_F(BuildRequestTest, MissingOrMalformedRecipientsAreReported) {
  core::OutboundMessage raw = test::sampleMessage();  // to.user only
  std::string error;
  EXPECT_FALSE(buildRequest(config({}), test::RawMessage(raw).message(), kNowMs, &error));
  EXPECT_EQ(error, "no to.email address");
  raw.to = {{"email", "ann@example.com, not-an-address"}};
  EXPECT_FALSE(buildRequest(config({}), test::RawMessage(raw).message(), kNowMs, &error));
  EXPECT_NE(error.find("to.email"), std::string::npos);
}

TEST_F(BuildRequestTest, ConfigurationDefaultsAndChecks) {
  const EmailConfig defaults = config({});
  EXPECT_EQ(defaults.port, 587);
  EXPECT_EQ(defaults.tls, TlsMode::kStartTls);
  EXPECT_EQ(defaults.heloName, "worker-1.example.net");
  EXPECT_TRUE(defaults.verifyPeer);
  EXPECT_EQ(defaults.timeoutMs, 30000U);
  EXPECT_EQ(config({{"tls", "none"}, {"host", "127.0.0.1"}}).tls, TlsMode::kNone);
  EXPECT_EQ(config({{"tls", "none"}, {"host", "localhost"}}).tls, TlsMode::kNone);
  EXPECT_EQ(config({{"tls", "none"}, {"host", "[::1]"}}).tls, TlsMode::kNone);

  const auto refuses = [&](std::map<std::string, std::string> values, const std::string& key) {
    try {
      config(std::move(values));
      ADD_FAILURE() << "accepted a bad " << key;
    } catch (const sdk::ConfigError& e) {
      EXPECT_EQ(std::string(e.what()).rfind(key + ":", 0), 0U) << e.what();
    }
  };
  refuses({{"tls", "none"}}, "tls");  // smtp.example.com is not loopback
  refuses({{"tls", "none"}, {"host", "10.0.0.1"}}, "tls");
  refuses({{"tls", "ssl"}}, "tls");
  refuses({{"from", "Shop"}}, "from");
  refuses({{"port", "70000"}}, "port");
  refuses({{"username", "u"}}, "password");
  refuses({{"password", "p"}}, "username");
  refuses({{"helo_name", "bad name\r\n"}}, "helo_name");
  refuses({{"timeout_ms", "0"}}, "timeout_ms");
}

}  // namespace
}  // namespace notify::plugin::email
