// SPDX-License-Identifier: Apache-2.0
// The email channel's message as a pure function of message + config + clock: the SMTP
// envelope and the RFC 5322 / MIME bytes sent after DATA. No network here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "notify/channel.hpp"
#include "plugins/email/email_config.hpp"
#include "plugins/email/email_mime.hpp"

namespace notify::plugin::email {

// What goes into one message, already checked.
struct MailContent {
  Mailbox from;
  std::vector<std::string> to;
  std::string subject;    // UTF-8
  std::string text;       // text/plain part
  std::string html;       // text/html part; empty: a single text/plain body
  std::string messageId;  // Notify's message id; becomes <id@from-domain>
  int64_t dateUnixMs = 0;
};

struct EmailRequest {
  std::string mailFrom;                 // MAIL FROM address
  std::vector<std::string> recipients;  // one RCPT TO each
  std::string messageId;                // the Message-ID header value, with its angle brackets
  std::string data;                     // the message, CRLF lines, before dot-stuffing
};

// "<id@domain>": id reduced to characters allowed in a Message-ID's left part.
std::string messageIdHeader(std::string_view id, std::string_view domain);

// The MIME boundary for a message: "=_notify_" plus the id's letters, digits and dashes. It
// cannot occur in the parts: they are base64 (no '_') under fixed part headers.
std::string boundaryFor(std::string_view id);

// The whole message: headers (Date, From, To, Subject, Message-ID, MIME-Version, Content-*)
// and a base64 text/plain body, or multipart/alternative with text/plain and text/html.
// Never a Bcc header. Lines end in CRLF.
std::string buildMime(const MailContent& content);

// Envelope and message for one attempt made at nowUnixMs. nullopt with *error set when the
// message cannot be sent at all (no or malformed to.email).
std::optional<EmailRequest> buildRequest(const EmailConfig& config, const sdk::Message& message,
                                         int64_t nowUnixMs, std::string* error);

}  // namespace notify::plugin::email
