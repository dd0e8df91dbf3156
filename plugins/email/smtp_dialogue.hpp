// SPDX-License-Identifier: Apache-2.0
// One SMTP submission (RFC 5321, 3207, 4954) as a small state machine over an abstract
// line transport: greeting, EHLO, STARTTLS, AUTH, MAIL, RCPT per recipient, DATA, QUIT. The
// socket lives elsewhere (smtp_transport.hpp), so every path is testable with a script.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "notify/channel.hpp"
#include "plugins/email/email_config.hpp"

namespace notify::plugin::email {

// A failure below SMTP: the connection, TLS, a timeout, or a server breaking the protocol.
class TransportError : public std::runtime_error {
 public:
  enum class Kind { kConnect, kTls, kTimeout, kIo, kProtocol };

  TransportError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// A connected byte stream to the server. Every call honours the transport's own deadline
// and throws TransportError when it cannot complete.
class SmtpTransport {
 public:
  virtual ~SmtpTransport() = default;
  // One line from the server, without its CRLF.
  virtual std::string readLine() = 0;
  virtual void write(std::string_view bytes) = 0;
  // TLS handshake on the open connection, with certificate and host name verification. Fails
  // (kProtocol) when the server sent anything after its 220: that text could have been
  // injected before encryption started.
  virtual void startTls() = 0;
};

// The session settings the dialogue needs from the configuration.
struct SessionOptions {
  TlsMode tls = TlsMode::kStartTls;
  std::string heloName;
  std::string username;  // empty: no AUTH
  std::string password;
};

SessionOptions sessionOptions(const EmailConfig& config);

struct Envelope {
  std::string mailFrom;
  std::vector<std::string> recipients;
  std::string framedData;  // frameData() of the message
  std::string messageId;   // reported when the server names no queue id
};

// The outcome of a transport failure. afterData: the failure came while waiting for the reply
// to the final dot, when the server may already have accepted the message.
sdk::Outcome transportOutcome(const TransportError& error, bool afterData);

// Runs the whole dialogue on a connected transport and classifies the result (README.md).
sdk::Outcome runDialogue(SmtpTransport& transport, const SessionOptions& options,
                         const Envelope& envelope);

}  // namespace notify::plugin::email
