// SPDX-License-Identifier: Apache-2.0
#include "plugins/email/smtp_dialogue.hpp"

#include <optional>

#include "plugins/email/email_mime.hpp"
#include "plugins/email/smtp_protocol.hpp"

namespace notify::plugin::email {
namespace {

// nullopt: the dialogue goes on; otherwise the outcome that ends it.
using Step = std::optional<sdk::Outcome>;

const char* kindCode(TransportError::Kind kind) {
  switch (kind) {
    case TransportError::Kind::kConnect:
      return "connect_failed";
    case TransportError::Kind::kTls:
      return "tls_failed";
    case TransportError::Kind::kTimeout:
      return "timeout";
    case TransportError::Kind::kIo:
      return "io_error";
    case TransportError::Kind::kProtocol:
      return "protocol_error";
  }
  return "io_error";
}

bool isTransientRcpt(const SmtpReply& reply) {
  // RFC 5321 section 4.5.3.1.10: 552 to RCPT means "too many recipients", like 452.
  return reply.klass() == 4 || reply.code == 552;
}

class Dialogue {
 public:
  Dialogue(SmtpTransport& transport, const SessionOptions& options)
      : transport_(transport), options_(options) {}

  sdk::Outcome run(const Envelope& envelope) {
    try {
      Step stop = open();
      if (!stop) {
        stop = sendEnvelope(envelope);
      }
      sdk::Outcome outcome = stop ? *stop : sendData(envelope);
      quit();
      return outcome;
    } catch (const TransportError& e) {
      return transportOutcome(e, awaitingFinalReply_);
    } catch (const ProtocolError& e) {
      return transportOutcome(TransportError(TransportError::Kind::kProtocol, e.what()),
                              awaitingFinalReply_);
    }
  }

 private:
  SmtpReply read() {
    return readReply([this] { return transport_.readLine(); });
  }

  SmtpReply command(std::string_view line) {
    transport_.write(std::string(line) + "\r\n");
    return read();
  }

  // Greeting, EHLO, STARTTLS (then EHLO again), AUTH.
  Step open() {
    const SmtpReply greeting = read();
    if (greeting.code != 220) {
      return classifyReply(Phase::kGreeting, greeting);
    }
    if (Step stop = hello()) {
      return stop;
    }
    if (options_.tls == TlsMode::kStartTls) {
      if (Step stop = startTls()) {
        return stop;
      }
    }
    return authenticate();
  }

  Step hello() {
    SmtpReply reply = command("EHLO " + options_.heloName);
    if (reply.code == 500 || reply.code == 502) {
      // An RFC 821 server: no extensions, so neither STARTTLS nor AUTH.
      reply = command("HELO " + options_.heloName);
      extensions_ = {};
    } else if (reply.klass() == 2) {
      extensions_ = parseExtensions(reply);
    }
    return reply.klass() == 2 ? Step{} : classifyReply(Phase::kHello, reply);
  }

  Step startTls() {
    if (!extensions_.startTls) {
      // Never fall back to clear text: a stripped STARTTLS may be an attacker's doing.
      return sdk::Outcome::badConfig("tls = \"starttls\" but the server does not offer STARTTLS")
          .withCode("starttls_unavailable");
    }
    const SmtpReply reply = command("STARTTLS");
    if (reply.code != 220) {
      return classifyReply(Phase::kStartTls, reply);
    }
    transport_.startTls();
    // RFC 3207: forget everything learnt before TLS and greet again.
    return hello();
  }

  Step authenticate() {
    if (options_.username.empty()) {
      return {};
    }
    if (extensions_.auth.count("PLAIN") != 0) {
      const std::string token = authPlainResponse(options_.username, options_.password);
      SmtpReply reply = command("AUTH PLAIN " + token);
      if (reply.code == 334) {  // an empty challenge first: the response on its own line
        reply = command(token);
      }
      return authResult(reply);
    }
    if (extensions_.auth.count("LOGIN") != 0) {
      SmtpReply reply = command("AUTH LOGIN");
      if (reply.code == 334) {
        reply = command(base64(options_.username));
      }
      if (reply.code == 334) {
        reply = command(base64(options_.password));
      }
      return authResult(reply);
    }
    std::string offered;
    for (const std::string& mechanism : extensions_.auth) {
      offered += " " + mechanism;
    }
    return sdk::Outcome::badConfig(offered.empty() ? "username is set but the server offers no AUTH"
                                                   : "the server offers AUTH" + offered +
                                                         " but neither PLAIN nor LOGIN")
        .withCode("auth_unavailable");
  }

  static Step authResult(const SmtpReply& reply) {
    return reply.code == 235 ? Step{} : classifyReply(Phase::kAuth, reply);
  }

  // MAIL FROM and one RCPT TO per recipient; remembers who was refused.
  Step sendEnvelope(const Envelope& envelope) {
    std::string mail = "MAIL FROM:<" + envelope.mailFrom + ">";
    if (extensions_.size) {
      mail += " SIZE=" + std::to_string(envelope.framedData.size());
    }
    const SmtpReply mailReply = command(mail);
    if (mailReply.klass() != 2) {
      return classifyReply(Phase::kMailFrom, mailReply);
    }
    std::optional<SmtpReply> firstRefusal;
    std::optional<SmtpReply> firstTransient;
    size_t accepted = 0;
    for (const std::string& recipient : envelope.recipients) {
      const SmtpReply reply = command("RCPT TO:<" + recipient + ">");
      if (reply.klass() == 2) {
        ++accepted;
        continue;
      }
      refused_ += (refused_.empty() ? "" : "; ") + recipient + ": " + reply.summary();
      std::optional<SmtpReply>& first = isTransientRcpt(reply) ? firstTransient : firstRefusal;
      if (!first) {
        first = reply;
      }
    }
    if (firstTransient) {
      // Sending to the others now would send them a second copy on the retry.
      return sdk::Outcome::retry("RCPT TO refused for now, nothing sent: " + refused_)
          .withCode(std::to_string(firstTransient->code));
    }
    if (accepted == 0) {
      sdk::Outcome outcome = classifyReply(Phase::kRcptTo, *firstRefusal);
      outcome.detail = "every recipient refused: " + refused_;
      return outcome;
    }
    return {};
  }

  sdk::Outcome sendData(const Envelope& envelope) {
    const SmtpReply start = command("DATA");
    if (start.code != 354) {
      return classifyReply(Phase::kData, start);
    }
    transport_.write(envelope.framedData);
    awaitingFinalReply_ = true;
    const SmtpReply reply = read();
    awaitingFinalReply_ = false;
    if (reply.klass() != 2) {
      return classifyReply(Phase::kEndOfData, reply);
    }
    std::string queueId = queueIdOf(reply.summary());
    std::string detail = reply.summary();
    if (!refused_.empty()) {
      detail += "; not delivered to: " + refused_;
    }
    return sdk::Outcome::delivered(queueId.empty() ? envelope.messageId : queueId, detail)
        .withCode(std::to_string(reply.code));
  }

  // Polite, not required: the outcome is already known.
  void quit() noexcept {
    try {
      command("QUIT");
    } catch (...) {  // NOLINT(bugprone-empty-catch): the server may hang up first
    }
  }

  SmtpTransport& transport_;
  const SessionOptions& options_;
  SmtpExtensions extensions_;
  std::string refused_;
  bool awaitingFinalReply_ = false;
};

}  // namespace

SessionOptions sessionOptions(const EmailConfig& config) {
  return {config.tls, config.heloName, config.username, config.password};
}

sdk::Outcome transportOutcome(const TransportError& error, bool afterData) {
  std::string detail = error.what();
  if (afterData) {
    detail =
        "outcome unknown: no reply to the end of data; the server may have accepted the "
        "message, so a retry may deliver it twice: " +
        detail;
  }
  return sdk::Outcome::retry(detail).withCode(kindCode(error.kind()));
}

sdk::Outcome runDialogue(SmtpTransport& transport, const SessionOptions& options,
                         const Envelope& envelope) {
  return Dialogue(transport, options).run(envelope);
}

}  // namespace notify::plugin::email
