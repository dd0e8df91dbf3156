// SPDX-License-Identifier: Apache-2.0
// SMTP wire pieces: multi-line replies, EHLO extensions, the AUTH PLAIN vector, dot-stuffing,
// queue ids, and the classification table for every phase.
#include "plugins/email/smtp_protocol.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <string>

namespace notify::plugin::email {
namespace {

SmtpReply replyOf(std::deque<std::string> lines) {
  return readReply([&lines] {
    if (lines.empty()) {
      throw std::runtime_error("read past the script");
    }
    std::string line = lines.front();
    lines.pop_front();
    return line;
  });
}

TEST(Replies, MultiLineRepliesAreReadUpToTheLineWithASpace) {
  const SmtpReply reply = replyOf({"250-mail.example.com Hello", "250-SIZE 35882577",
                                   "250-AUTH LOGIN PLAIN", "250 STARTTLS", "220 not read"});
  EXPECT_EQ(reply.code, 250);
  EXPECT_EQ(reply.lines, (std::vector<std::string>{"mail.example.com Hello", "SIZE 35882577",
                                                   "AUTH LOGIN PLAIN", "STARTTLS"}));
  EXPECT_EQ(replyOf({"354"}).code, 354);  // a bare code is a complete reply
  EXPECT_EQ(replyOf({"550 5.1.1 <x@y>: no such user"}).summary(), "550 5.1.1 <x@y>: no such user");
}

TEST(Replies, MalformedRepliesAreProtocolErrors) {
  EXPECT_THROW(replyOf({"hello"}), ProtocolError);
  EXPECT_THROW(replyOf({"25"}), ProtocolError);
  EXPECT_THROW(replyOf({"250x"}), ProtocolError);
  EXPECT_THROW(replyOf({"999 no"}), ProtocolError);
  EXPECT_THROW(replyOf({"250-first", "251 changed"}), ProtocolError);
}

TEST(Replies, EnhancedCodesAreRecognised) {
  EXPECT_EQ(replyOf({"550 5.1.1 no such user"}).enhancedCode(), "5.1.1");
  EXPECT_EQ(replyOf({"451 4.7.1 greylisted"}).enhancedCode(), "4.7.1");
  EXPECT_EQ(replyOf({"250 OK"}).enhancedCode(), "");
  EXPECT_EQ(replyOf({"550 5.1 short"}).enhancedCode(), "");
  EXPECT_EQ(replyOf({"550 1.2.3 bad class"}).enhancedCode(), "");
}

TEST(Extensions, EhloKeywordsAndAuthMechanismsAreParsed) {
  const SmtpExtensions ext = parseExtensions(replyOf(
      {"250-smtp.example.com at your service", "250-SIZE 35882577", "250-8BITMIME", "250-STARTTLS",
       "250-auth login Plain XOAUTH2", "250-AUTH=CRAM-MD5", "250-PIPELINING", "250 SMTPUTF8"}));
  EXPECT_TRUE(ext.startTls);
  EXPECT_TRUE(ext.pipelining);
  EXPECT_TRUE(ext.eightBitMime);
  ASSERT_TRUE(ext.size);
  EXPECT_EQ(*ext.size, 35882577U);
  EXPECT_EQ(ext.auth, (std::set<std::string>{"LOGIN", "PLAIN", "XOAUTH2", "CRAM-MD5"}));

  const SmtpExtensions none = parseExtensions(replyOf({"250 smtp.example.com STARTTLS"}));
  EXPECT_FALSE(none.startTls);  // the greeting line is not an extension
  EXPECT_FALSE(none.size);
}

TEST(Auth, PlainMatchesThePublishedVector) {
  EXPECT_EQ(authPlainResponse("user@example.com", "secret"), "AHVzZXJAZXhhbXBsZS5jb20Ac2VjcmV0");
}

TEST(Data, LinesStartingWithADotAreStuffedAndTheMessageIsTerminated) {
  EXPECT_EQ(frameData(".top\r\nmid.dle\r\n..two\r\n.\r\nend\r\n"),
            "..top\r\nmid.dle\r\n...two\r\n..\r\nend\r\n.\r\n");
  EXPECT_EQ(frameData("no final break"), "no final break\r\n.\r\n");
  EXPECT_EQ(frameData(""), "\r\n.\r\n");
}

TEST(QueueIds, AreTakenFromTheCommonServerPhrasings) {
  EXPECT_EQ(queueIdOf("250 2.0.0 Ok: queued as 4Xyz1B2c3D"), "4Xyz1B2c3D");
  EXPECT_EQ(queueIdOf("250 OK id=1tFp2Q-000Abc-9Z"), "1tFp2Q-000Abc-9Z");
  EXPECT_EQ(queueIdOf("250 2.0.0 x8ABCD123 Message accepted for delivery"), "x8ABCD123");
  EXPECT_EQ(queueIdOf("250 2.0.0 OK  1700000000 a1b2c3.12 - gsmtp"), "");
  EXPECT_EQ(queueIdOf("250 OK"), "");
}

struct Case {
  Phase phase;
  std::string line;
  notify_status status;
};

TEST(Classify, RepliesMapToOutcomesByPhase) {
  const std::vector<Case> cases = {
      {Phase::kRcptTo, "550 5.1.1 <x@y>: no such user", NOTIFY_REJECTED},
      {Phase::kRcptTo, "553 5.1.3 bad address syntax", NOTIFY_REJECTED},
      {Phase::kMailFrom, "552 5.3.4 message too big", NOTIFY_REJECTED},
      {Phase::kEndOfData, "554 5.7.1 spam", NOTIFY_REJECTED},
      {Phase::kRcptTo, "450 4.2.1 mailbox busy", NOTIFY_RETRY},
      {Phase::kEndOfData, "451 4.3.0 local error", NOTIFY_RETRY},
      {Phase::kGreeting, "421 4.3.2 shutting down", NOTIFY_RETRY},
      {Phase::kAuth, "454 4.7.0 temporary authentication failure", NOTIFY_RETRY},
      {Phase::kAuth, "535 5.7.8 bad credentials", NOTIFY_BAD_CONFIG},
      {Phase::kAuth, "534 5.7.9 mechanism too weak", NOTIFY_BAD_CONFIG},
      {Phase::kAuth, "538 5.7.11 encryption required", NOTIFY_BAD_CONFIG},
      {Phase::kAuth, "504 5.5.4 unrecognised mechanism", NOTIFY_BAD_CONFIG},
      {Phase::kMailFrom, "530 5.7.0 authentication required", NOTIFY_BAD_CONFIG},
      {Phase::kGreeting, "554 no SMTP service here", NOTIFY_BAD_CONFIG},
      {Phase::kHello, "501 bad HELO name", NOTIFY_BAD_CONFIG},
      {Phase::kStartTls, "502 not implemented", NOTIFY_BAD_CONFIG},
      // The enhanced code's class wins: a temporary block sent with a 5xx reply code.
      {Phase::kRcptTo, "550 4.7.1 try again later", NOTIFY_RETRY},
      {Phase::kData, "250 unexpected success", NOTIFY_RETRY},
  };
  for (const Case& c : cases) {
    const SmtpReply reply = replyOf({c.line});
    const sdk::Outcome outcome = classifyReply(c.phase, reply);
    EXPECT_EQ(outcome.status, c.status) << c.line;
    EXPECT_EQ(outcome.providerCode, c.line.substr(0, 3)) << c.line;
    EXPECT_NE(outcome.detail.find(phaseName(c.phase)), std::string::npos) << outcome.detail;
    EXPECT_NE(outcome.detail.find(c.line.substr(4)), std::string::npos) << outcome.detail;
  }
}

}  // namespace
}  // namespace notify::plugin::email
