// SPDX-License-Identifier: Apache-2.0
// MIME building blocks: RFC 2047 words against the published vector and split without cutting
// a UTF-8 character, header folding and injection, addresses, dates, base64 bodies.
#include "plugins/email/email_mime.hpp"

#include <gtest/gtest.h>

#include <string>

#include "support/mime_reader.hpp"

namespace notify::plugin::email {
namespace {

using test::base64Decode;
using test::decodeWords;
using test::parseEntity;

// Every line of a header block (name + folded continuation lines).
std::vector<std::string> lines(const std::string& header) {
  return parseEntity(header + "\r\n").rawHeaderLines;
}

TEST(EncodedWords, MatchThePublishedChineseSubjectVector) {
  const std::string subject = "测试通知: 订单已发货";
  EXPECT_EQ(unstructuredHeader("Subject", subject),
            "Subject: =?UTF-8?B?5rWL6K+V6YCa55+lOiDorqLljZXlt7Llj5HotKc=?=\r\n");
}

TEST(EncodedWords, LongTextIsSplitIntoShortWordsWithoutCuttingACharacter) {
  std::string subject;
  for (int i = 0; i < 40; ++i) {
    subject += "订单已发货✓ ";  // 3-byte characters, so a cut would show
  }
  const std::string header = unstructuredHeader("Subject", subject);
  for (const std::string& line : lines(header)) {
    EXPECT_LE(line.size(), 76U) << line;
  }
  const auto entity = parseEntity(header + "\r\n");
  // Each word decodes to valid UTF-8 on its own: no character is split across two words.
  const std::regex word(R"(=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=)");
  const std::string value = entity.header("subject");
  size_t words = 0;
  for (auto it = std::sregex_iterator(value.begin(), value.end(), word);
       it != std::sregex_iterator(); ++it, ++words) {
    EXPECT_LE(it->length(), 75);
    const std::string bytes = base64Decode((*it)[1].str());
    ASSERT_FALSE(bytes.empty());
    EXPECT_NE(static_cast<unsigned char>(bytes.front()) & 0xC0, 0x80) << "starts mid-character";
    const auto last = static_cast<unsigned char>(bytes.back());
    EXPECT_TRUE(last < 0x80 || (last & 0xC0) == 0x80) << "ends with a lead byte";
  }
  EXPECT_GT(words, 10U);
  EXPECT_EQ(decodeWords(value), subject);
}

TEST(EncodedWords, FirstWordLeavesRoomForTheHeaderName) {
  const std::vector<std::string> words = encodedWords(std::string(200, 'x') + "é", 67);
  ASSERT_GE(words.size(), 2U);
  EXPECT_LE(words[0].size(), 67U);
  for (const std::string& w : words) {
    EXPECT_LE(w.size(), 75U);
  }
}

TEST(Headers, PlainAsciiSubjectIsFoldedAtSpacesAndUnfoldsToTheOriginal) {
  std::string subject;
  for (int i = 0; i < 30; ++i) {
    subject += "word" + std::to_string(i) + " ";
  }
  subject += " two  spaces kept";
  const std::string header = unstructuredHeader("Subject", subject);
  EXPECT_EQ(header.find("=?"), std::string::npos);
  for (const std::string& line : lines(header)) {
    EXPECT_LE(line.size(), 76U);
  }
  EXPECT_EQ(parseEntity(header + "\r\n").header("subject"), subject);
}

TEST(Headers, LineBreaksInASubjectCannotInjectHeaders) {
  const std::string header = unstructuredHeader("Subject", "Hi\r\nBcc: victim@example.com\nX: y");
  EXPECT_EQ(header, "Subject: Hi  Bcc: victim@example.com X: y\r\n");
}

TEST(Headers, TextThatLooksEncodedIsEncoded) {
  EXPECT_FALSE(isPlainHeaderText("price =?UTF-8?B?x?="));
  EXPECT_EQ(decodeWords(
                parseEntity(unstructuredHeader("Subject", "a =?b?= c") + "\r\n").header("subject")),
            "a =?b?= c");
}

TEST(Headers, DisplayNamesAreAtomsQuotedOrEncoded) {
  EXPECT_EQ(mailboxHeader("From", {"", "noreply@shop.example"}), "From: noreply@shop.example\r\n");
  EXPECT_EQ(mailboxHeader("From", {"Notify Shop", "noreply@shop.example"}),
            "From: Notify Shop <noreply@shop.example>\r\n");
  EXPECT_EQ(mailboxHeader("From", {"Shop, \"Inc.\"", "a@b.example"}),
            "From: \"Shop, \\\"Inc.\\\"\" <a@b.example>\r\n");
  const std::string encoded = mailboxHeader("From", {"通知中心", "noreply@shop.example"});
  EXPECT_EQ(encoded, "From: =?UTF-8?B?6YCa55+l5Lit5b+D?= <noreply@shop.example>\r\n");
}

TEST(Addresses, MailboxesAndListsAreParsedAndChecked) {
  auto named = parseMailbox("  \"Shop, Inc.\" <noreply@shop.example> ");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->displayName, "Shop, Inc.");
  EXPECT_EQ(named->address, "noreply@shop.example");
  auto bare = parseMailbox("a.b+tag@x.example");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->displayName, "");
  EXPECT_FALSE(parseMailbox("no-at-sign"));
  EXPECT_FALSE(parseMailbox("Name <a@b> trailing"));
  EXPECT_FALSE(parseMailbox("a@b\r\nRCPT TO:<x@y>"));

  auto list = parseAddressList("a@x.example, b@y.example ,c@z.example");
  ASSERT_TRUE(list);
  EXPECT_EQ(*list, (std::vector<std::string>{"a@x.example", "b@y.example", "c@z.example"}));
  EXPECT_FALSE(parseAddressList(""));
  EXPECT_FALSE(parseAddressList("a@x.example,"));
  EXPECT_FALSE(parseAddressList("a@x.example, <b@y.example>"));
  EXPECT_FALSE(parseAddressList("用户@例子.example"));  // would need SMTPUTF8
  EXPECT_EQ(domainOf("a@shop.example"), "shop.example");
}

TEST(Dates, AreRfc5322InUtc) {
  EXPECT_EQ(formatDate(1700000000123), "Tue, 14 Nov 2023 22:13:20 +0000");
  EXPECT_EQ(formatDate(0), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(formatDate(1751364000000), "Tue, 01 Jul 2025 10:00:00 +0000");
}

TEST(Bodies, AreCanonicalCrlfThenBase64InLinesOf76) {
  EXPECT_EQ(canonicalLineBreaks("a\nb\r\nc\rd\n"), "a\r\nb\r\nc\r\nd\r\n");
  const std::string text(200, 'z');
  const std::string encoded = base64Lines(text);
  size_t start = 0;
  size_t count = 0;
  while (start < encoded.size()) {
    const size_t end = encoded.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - start, 76U);
    start = end + 2;
    ++count;
  }
  EXPECT_EQ(count, 4U);  // 200 bytes -> 268 characters
  EXPECT_EQ(base64Decode(encoded), text);
}

}  // namespace
}  // namespace notify::plugin::email
