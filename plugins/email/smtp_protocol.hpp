// SPDX-License-Identifier: Apache-2.0
// SMTP (RFC 5321) wire pieces as pure functions: reply parsing, EHLO extensions, AUTH
// encodings, DATA framing, and what a reply means for the message. No network here.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "notify/channel.hpp"

namespace notify::plugin::email {

// A malformed reply or a server that breaks the protocol.
class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SmtpReply {
  int code = 0;
  std::vector<std::string> lines;  // the text of each line, after "250-" / "250 "

  int klass() const { return code / 100; }
  // The RFC 3463 enhanced status code at the start of the first line ("5.1.1"), or "".
  std::string enhancedCode() const;
  // "550 5.1.1 text / more text": for outcome details.
  std::string summary() const;
};

// Reads one reply from a line source (lines without CRLF): "250-..." lines until "250 ..." or
// a bare "250". Throws ProtocolError on a malformed line or a code that changes mid-reply.
SmtpReply readReply(const std::function<std::string()>& nextLine);

// What a server offers in its EHLO reply.
struct SmtpExtensions {
  bool startTls = false;
  bool pipelining = false;
  bool eightBitMime = false;
  std::set<std::string> auth;    // mechanisms, upper case
  std::optional<uint64_t> size;  // SIZE limit; 0 means "no fixed limit"
};

SmtpExtensions parseExtensions(const SmtpReply& ehlo);

// base64("\0" + user + "\0" + password): the AUTH PLAIN initial response (RFC 4616).
std::string authPlainResponse(std::string_view user, std::string_view password);

// The message as sent after DATA's 354: dot-stuffed (RFC 5321 section 4.5.2), ending in CRLF,
// then ".\r\n".
std::string frameData(std::string_view message);

// The server's queue id from a 250 reply to the end of data: "queued as X" (Postfix),
// "id=X" (Exim), "X Message accepted" (Sendmail); "" when none is recognised.
std::string queueIdOf(std::string_view replyText);

// Where in the dialogue a reply came from: the same code means different things.
enum class Phase { kGreeting, kHello, kStartTls, kAuth, kMailFrom, kRcptTo, kData, kEndOfData };

const char* phaseName(Phase phase);

// The outcome of a reply that did not let the dialogue go on (see README "Outcomes"):
// 530/534/535/538 and any 5xx to the greeting, EHLO, STARTTLS or AUTH: bad_config (the
// operator must act, not the message); other 5xx: rejected; 4xx: retry; anything else: retry
// as a broken server. An enhanced code's class (4.x.x / 5.x.x) wins over the reply code's.
// provider_code is the three-digit code.
sdk::Outcome classifyReply(Phase phase, const SmtpReply& reply);

}  // namespace notify::plugin::email
