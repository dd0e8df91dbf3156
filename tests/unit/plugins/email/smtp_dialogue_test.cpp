// SPDX-License-Identifier: Apache-2.0
// The SMTP dialogue against a scripted server: the exact commands sent (STARTTLS then EHLO
// again, AUTH PLAIN/LOGIN, SIZE, one RCPT per recipient) and the outcome of each way it can
// end: delivered, partly delivered, refused, deferred, bad credentials, no STARTTLS, timeouts.
#include "plugins/email/smtp_dialogue.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "plugins/email/smtp_protocol.hpp"

namespace notify::plugin::email {
namespace {

using Step = std::pair<std::string, std::vector<std::string>>;

const std::vector<std::string> kEhloTls = {"250-smtp.example.com", "250-SIZE 1000000",
                                           "250-STARTTLS", "250 8BITMIME"};
const std::vector<std::string> kEhloAuth = {"250-smtp.example.com", "250-SIZE 1000000",
                                            "250-AUTH LOGIN PLAIN", "250 8BITMIME"};

// A server that expects the client's commands in order (by prefix) and answers each with its
// lines. An answer line "!timeout" makes the read time out; "<tls>" marks a handshake.
class ScriptedTransport : public SmtpTransport {
 public:
  explicit ScriptedTransport(std::vector<Step> steps) : steps_(std::move(steps)) {
    answer();  // the first step is the greeting, sent before any command
  }

  std::string readLine() override {
    if (pending_.empty()) {
      throw TransportError(TransportError::Kind::kIo, "script: the server has nothing to say");
    }
    std::string line = pending_.front();
    pending_.pop_front();
    if (line == "!timeout") {
      throw TransportError(TransportError::Kind::kTimeout, "reading a reply: timed out");
    }
    return line;
  }

  void write(std::string_view bytes) override {
    sent.emplace_back(bytes);
    if (next_ >= steps_.size()) {
      ADD_FAILURE() << "unexpected command: " << bytes;
      return;
    }
    EXPECT_EQ(bytes.substr(0, steps_[next_].first.size()), steps_[next_].first);
    answer();
  }

  void startTls() override {
    sent.emplace_back("<tls>");
    EXPECT_TRUE(pending_.empty());
  }

  std::vector<std::string> sent;

 private:
  void answer() {
    if (next_ < steps_.size()) {
      pending_.insert(pending_.end(), steps_[next_].second.begin(), steps_[next_].second.end());
      ++next_;
    }
  }

  std::vector<Step> steps_;
  size_t next_ = 0;
  std::deque<std::string> pending_;
};

Envelope envelope(std::vector<std::string> recipients = {"ann@example.com", "bo@example.org"}) {
  return {"noreply@shop.example", std::move(recipients), frameData("Subject: x\r\n\r\nhi\r\n"),
          "<id-1@shop.example>"};
}

SessionOptions startTlsWithAuth() {
  return {TlsMode::kStartTls, "worker.example", "user@example.com", "secret"};
}

// The steps up to an authenticated session over STARTTLS.
std::vector<Step> openSession() {
  return {{"", {"220 smtp.example.com ESMTP"}},
          {"EHLO worker.example", kEhloTls},
          {"STARTTLS", {"220 2.0.0 Ready to start TLS"}},
          {"EHLO worker.example", kEhloAuth},
          {"AUTH PLAIN", {"235 2.7.0 Authentication successful"}}};
}

std::vector<Step> with(std::vector<Step> steps, const std::vector<Step>& more) {
  steps.insert(steps.end(), more.begin(), more.end());
  return steps;
}

bool sentCommand(const ScriptedTransport& t, const std::string& prefix) {
  for (const std::string& s : t.sent) {
    if (s.rfind(prefix, 0) == 0) {
      return true;
    }
  }
  return false;
}

TEST(Dialogue, StartTlsAuthAndDeliveryToEveryRecipient) {
  const Envelope e = envelope();
  ScriptedTransport t(with(openSession(), {{"MAIL FROM", {"250 2.1.0 Ok"}},
                                           {"RCPT TO", {"250 2.1.5 Ok"}},
                                           {"RCPT TO", {"250 2.1.5 Ok"}},
                                           {"DATA", {"354 End data with <CR><LF>.<CR><LF>"}},
                                           {"Subject", {"250 2.0.0 Ok: queued as 4Xyz1B"}},
                                           {"QUIT", {"221 2.0.0 Bye"}}}));
  const sdk::Outcome outcome = runDialogue(t, startTlsWithAuth(), e);
  EXPECT_EQ(outcome.status, NOTIFY_DELIVERED) << outcome.detail;
  EXPECT_EQ(outcome.providerCode, "250");
  EXPECT_EQ(outcome.providerMessageId, "4Xyz1B");
  EXPECT_EQ(
      t.sent,
      (std::vector<std::string>{
          "EHLO worker.example\r\n", "STARTTLS\r\n", "<tls>", "EHLO worker.example\r\n",
          "AUTH PLAIN AHVzZXJAZXhhbXBsZS5jb20Ac2VjcmV0\r\n",
          "MAIL FROM:<noreply@shop.example> SIZE=" + std::to_string(e.framedData.size()) + "\r\n",
          "RCPT TO:<ann@example.com>\r\n", "RCPT TO:<bo@example.org>\r\n", "DATA\r\n", e.framedData,
          "QUIT\r\n"}));
}

TEST(Dialogue, SomeRecipientsRefusedStillDeliversToTheRestAndSaysWho) {
  ScriptedTransport t(with(openSession(), {{"MAIL FROM", {"250 Ok"}},
                                           {"RCPT TO", {"250 Ok"}},
                                           {"RCPT TO", {"550 5.1.1 no such user"}},
                                           {"DATA", {"354 go"}},
                                           {"Subject", {"250 OK"}},
                                           {"QUIT", {"221 Bye"}}}));
  const sdk::Outcome outcome = runDialogue(t, startTlsWithAuth(), envelope());
  EXPECT_EQ(outcome.status, NOTIFY_DELIVERED);
  EXPECT_EQ(outcome.providerMessageId, "<id-1@shop.example>");  // no queue id in "250 OK"
  EXPECT_NE(outcome.detail.find("not delivered to: bo@example.org: 550 5.1.1 no such user"),
            std::string::npos)
      << outcome.detail;
}

TEST(Dialogue, EveryRecipientRefusedIsRejectedWithoutData) {
  ScriptedTransport t(with(openSession(), {{"MAIL FROM", {"250 Ok"}},
                                           {"RCPT TO", {"550 5.1.1 no such user"}},
                                           {"RCPT TO", {"553 5.1.3 bad address"}},
                                           {"QUIT", {"221 Bye"}}}));
  const sdk::Outcome outcome = runDialogue(t, startTlsWithAuth(), envelope());
  EXPECT_EQ(outcome.status, NOTIFY_REJECTED);
  EXPECT_EQ(outcome.providerCode, "550");
  EXPECT_NE(outcome.detail.find("bo@example.org: 553"), std::string::npos) << outcome.detail;
  EXPECT_FALSE(sentCommand(t, "DATA"));
}

TEST(Dialogue, ADeferredRecipientRetriesTheWholeMessageAndSendsNothing) {
  ScriptedTransport t(with(openSession(), {{"MAIL FROM", {"250 Ok"}},
                                           {"RCPT TO", {"250 Ok"}},
                                           {"RCPT TO", {"450 4.2.1 mailbox busy"}},
                                           {"QUIT", {"221 Bye"}}}));
  const sdk::Outcome outcome = runDialogue(t, startTlsWithAuth(), envelope());
  EXPECT_EQ(outcome.status, NOTIFY_RETRY);
  EXPECT_EQ(outcome.providerCode, "450");
  EXPECT_FALSE(sentCommand(t, "DATA"));
}

TEST(Dialogue, BadCredentialsAreBadConfigAndStopBeforeMail) {
  std::vector<Step> steps = openSession();
  steps.back().second = {"535 5.7.8 Authentication credentials invalid"};
  steps.push_back({"QUIT", {"221 Bye"}});
  ScriptedTransport t(steps);
  const sdk::Outcome outcome = runDialogue(t, startTlsWithAuth(), envelope());
  EXPECT_EQ(outcome.status, NOTIFY_BAD_CONFIG);
  EXPECT_EQ(outcome.providerCode, "535");
  EXPECT_FALSE(sentCommand(t, "MAIL"));
}

TEST(Dialogue, MissingStartTlsIsNeverSkipped) {
  ScriptedTransport t({{"", {"220 hi"}},
                       {"EHLO", {"250-smtp.example.com", "250 AUTH PLAIN"}},
                       {"QUIT", {"221 Bye"}}});
  const sdk::Outcome outcome = runDialogue(t, startTlsWithAuth(), envelope());
  EXPECT_EQ(outcome.status, NOTIFY_BAD_CONFIG);
  EXPECT_EQ(outcome.providerCode, "starttls_unavailable");
  EXPECT_FALSE(sentCommand(t, "AUTH"));
  EXPECT_FALSE(sentCommand(t, "MAIL"));
}

TEST(Dialogue, HeloFallbackForAnOldServerWithoutTls) {
  ScriptedTransport t({{"", {"220 hi"}},
                       {"EHLO worker.example", {"502 5.5.2 command not recognised"}},
                       {"HELO worker.example", {"250 hello"}},
                       {"MAIL FROM:<noreply@shop.example>\r\n", {"250 Ok"}},
                       {"RCPT TO", {"250 Ok"}},
                       {"DATA", {"354 go"}},
                       {"Subject", {"250 Ok"}},
                       {"QUIT", {"221 Bye"}}});
  const sdk::Outcome outcome =
      runDialogue(t, {TlsMode::kNone, "worker.example", "", ""}, envelope({"ann@example.com"}));
  EXPECT_EQ(outcome.status, NOTIFY_DELIVERED) << outcome.detail;
}

// An authenticated session over implicit TLS (no STARTTLS) that delivers to one recipient.
sdk::Outcome deliverAfterAuth(const std::vector<Step>& greetingToAuth) {
  ScriptedTransport t(with(greetingToAuth, {{"MAIL FROM", {"250 Ok"}},
                                            {"RCPT TO", {"250 Ok"}},
                                            {"DATA", {"354 go"}},
                                            {"Subject", {"250 Ok"}},
                                            {"QUIT", {"221 Bye"}}}));
  return runDialogue(t, {TlsMode::kImplicit, "worker.example", "user@example.com", "secret"},
                     envelope({"ann@example.com"}));
}

TEST(Dialogue, AuthLoginWhenPlainIsNotOffered) {
  const sdk::Outcome outcome =
      deliverAfterAuth({{"", {"220 hi"}},
                        {"EHLO", {"250-smtp.example.com", "250 AUTH LOGIN"}},
                        {"AUTH LOGIN", {"334 VXNlcm5hbWU6"}},
                        {"dXNlckBleGFtcGxlLmNvbQ==", {"334 UGFzc3dvcmQ6"}},
                        {"c2VjcmV0", {"235 2.7.0 ok"}}});
  EXPECT_EQ(outcome.status, NOTIFY_DELIVERED) << outcome.detail;
}

TEST(Dialogue, AuthPlainAfterAnEmptyChallenge) {
  const sdk::Outcome outcome =
      deliverAfterAuth({{"", {"220 hi"}},
                        {"EHLO", {"250-smtp.example.com", "250 AUTH PLAIN"}},
                        {"AUTH PLAIN", {"334 "}},
                        {"AHVzZXJAZXhhbXBsZS5jb20Ac2VjcmV0\r\n", {"235 ok"}}});
  EXPECT_EQ(outcome.status, NOTIFY_DELIVERED) << outcome.detail;
}

TEST(Dialogue, NoReplyToTheFinalDotIsARetryWhoseOutcomeIsUnknown) {
  ScriptedTransport t(with(openSession(), {{"MAIL FROM", {"250 Ok"}},
                                           {"RCPT TO", {"250 Ok"}},
                                           {"DATA", {"354 go"}},
                                           {"Subject", {"!timeout"}}}));
  const sdk::Outcome outcome = runDialogue(t, startTlsWithAuth(), envelope({"ann@example.com"}));
  EXPECT_EQ(outcome.status, NOTIFY_RETRY);
  EXPECT_EQ(outcome.providerCode, "timeout");
  EXPECT_EQ(outcome.detail.rfind("outcome unknown", 0), 0U) << outcome.detail;
}

TEST(Dialogue, ATimeoutBeforeDataIsAPlainRetry) {
  ScriptedTransport t(with(openSession(), {{"MAIL FROM", {"!timeout"}}}));
  const sdk::Outcome outcome = runDialogue(t, startTlsWithAuth(), envelope());
  EXPECT_EQ(outcome.status, NOTIFY_RETRY);
  EXPECT_EQ(outcome.providerCode, "timeout");
  EXPECT_EQ(outcome.detail.find("unknown"), std::string::npos) << outcome.detail;
}

TEST(Dialogue, GreetingRefusalAndGarbageAreClassified) {
  ScriptedTransport refused({{"", {"554 5.7.1 no service for you"}}, {"QUIT", {"221 Bye"}}});
  const sdk::Outcome outcome = runDialogue(refused, startTlsWithAuth(), envelope());
  EXPECT_EQ(outcome.status, NOTIFY_BAD_CONFIG);
  EXPECT_EQ(outcome.providerCode, "554");

  ScriptedTransport garbage(std::vector<Step>{{"", {"HTTP/1.1 400 Bad Request"}}});
  const sdk::Outcome broken = runDialogue(garbage, startTlsWithAuth(), envelope());
  EXPECT_EQ(broken.status, NOTIFY_RETRY);
  EXPECT_EQ(broken.providerCode, "protocol_error");
}

TEST(Dialogue, TemporaryFailuresAnywhereAreRetries) {
  ScriptedTransport busy(
      std::vector<Step>{{"", {"421 4.3.2 too busy"}}, {"QUIT", std::vector<std::string>{}}});
  EXPECT_EQ(runDialogue(busy, startTlsWithAuth(), envelope()).status, NOTIFY_RETRY);
  ScriptedTransport tls({{"", {"220 hi"}},
                         {"EHLO", kEhloTls},
                         {"STARTTLS", {"454 4.7.0 TLS not available"}},
                         {"QUIT", {"221 Bye"}}});
  const sdk::Outcome outcome = runDialogue(tls, startTlsWithAuth(), envelope());
  EXPECT_EQ(outcome.status, NOTIFY_RETRY);
  EXPECT_EQ(outcome.providerCode, "454");
}

}  // namespace
}  // namespace notify::plugin::email
