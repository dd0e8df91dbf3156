// SPDX-License-Identifier: Apache-2.0
// The email channel: one SMTP submission per message. The message is built by
// email_request.cpp, the dialogue runs in smtp_dialogue.cpp, the socket in smtp_transport.cpp;
// this file only wires them to the SDK.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>

#include "notify/channel.hpp"
#include "plugins/email/email_request.hpp"
#include "plugins/email/smtp_dialogue.hpp"
#include "plugins/email/smtp_protocol.hpp"
#include "plugins/email/smtp_transport.hpp"

namespace notify::plugin::email {
namespace {

std::string localHostName() {
  char name[HOST_NAME_MAX + 1] = {0};
  return gethostname(name, sizeof(name) - 1) == 0 ? std::string(name) : std::string();
}

// Thread-safe send: every send has its own connection; the configuration and the TLS context
// are read-only after construction.
class EmailChannel : public sdk::Channel {
 public:
  EmailChannel(sdk::Host host, const sdk::Config& config)
      : host_(host),
        config_(parseConfig(config, localHostName())),
        session_(sessionOptions(config_)),
        tls_(makeTlsContext(config_)) {}

  sdk::Outcome send(const sdk::Message& message) override {
    const int64_t now = host_.nowUnixMs();
    std::string error;
    const std::optional<EmailRequest> request = buildRequest(config_, message, now, &error);
    if (!request) {
      return sdk::Outcome::rejected(error).withCode("invalid_address");
    }
    // The message deadline is on the host's clock; the socket waits on the steady clock.
    const int64_t leftMs = message.deadlineUnixMs() > 0 ? message.deadlineUnixMs() - now
                                                        : static_cast<int64_t>(INT_MAX);
    if (leftMs <= 0) {
      return sdk::Outcome::retry("message deadline already passed").withCode("timeout");
    }
    const SigpipeGuard noSigpipe;  // outlives the transport: closing TLS writes too
    SocketTransport transport(config_.host, tls_, config_.timeoutMs,
                              SocketTransport::Clock::now() + std::chrono::milliseconds(leftMs));
    try {
      transport.connect(config_.port, config_.tls == TlsMode::kImplicit);
    } catch (const TransportError& e) {
      return transportOutcome(e, false);
    }
    const Envelope envelope{request->mailFrom, request->recipients, frameData(request->data),
                            request->messageId};
    return runDialogue(transport, session_, envelope);
  }

 private:
  sdk::Host host_;
  SslLibrary ssl_;  // before tls_: the context needs OpenSSL initialised
  EmailConfig config_;
  SessionOptions session_;
  Poco::Net::Context::Ptr tls_;
};

const notify_param_spec kParams[] = {
    {"host", NOTIFY_PARAM_STRING, 1, nullptr, "SMTP server (submission service) host name"},
    {"port", NOTIFY_PARAM_INT, 0, "587", "TCP port: 587 for starttls, usually 465 for implicit"},
    {"tls", NOTIFY_PARAM_STRING, 0, "starttls",
     "\"starttls\" (required, never skipped), \"implicit\", or \"none\" (loopback hosts only)"},
    {"username", NOTIFY_PARAM_STRING, 0, nullptr, "AUTH user name; no AUTH when absent"},
    {"password", NOTIFY_PARAM_SECRET, 0, nullptr, "AUTH password (env:NAME or file:PATH)"},
    {"from", NOTIFY_PARAM_STRING, 1, nullptr,
     "sender, \"Display Name <local@domain>\" or \"local@domain\""},
    {"helo_name", NOTIFY_PARAM_STRING, 0, nullptr, "EHLO name; the local host name by default"},
    {"ca_file", NOTIFY_PARAM_PATH, 0, nullptr,
     "PEM file of extra trusted CAs (private CA, tests), added to the system store"},
    {"verify_peer", NOTIFY_PARAM_BOOL, 0, "true",
     "verify the server certificate and host name; false only for testing"},
    {"timeout_ms", NOTIFY_PARAM_INT, 0, "30000",
     "wait for each SMTP reply at most this long (never past the message deadline)"},
    {nullptr, 0, 0, nullptr, nullptr},
};

}  // namespace
}  // namespace notify::plugin::email

NOTIFY_DEFINE_CHANNEL(notify::plugin::email::EmailChannel, "email", "0.1.0",
                      "Sends messages as MIME email over SMTP (STARTTLS or implicit TLS, AUTH)",
                      notify::plugin::email::kParams, NOTIFY_CHANNEL_THREADSAFE_SEND)
