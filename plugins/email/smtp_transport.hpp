// SPDX-License-Identifier: Apache-2.0
// The SMTP transport over Poco sockets: TCP connect, optional TLS (implicit or after
// STARTTLS) with certificate and host name verification, CRLF lines, and a deadline that
// bounds every read, write and handshake. Poco's exceptions become TransportError here.
#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/StreamSocket.h>
#include <signal.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "plugins/email/email_config.hpp"
#include "plugins/email/smtp_dialogue.hpp"

namespace notify::plugin::email {

// Keeps OpenSSL initialised through Poco (reference counted, shared with the daemon).
class SslLibrary {
 public:
  SslLibrary();
  ~SslLibrary();
  SslLibrary(const SslLibrary&) = delete;
  SslLibrary& operator=(const SslLibrary&) = delete;
};

// Blocks SIGPIPE in the calling thread while it lives and discards one raised meanwhile.
// OpenSSL writes to its socket without MSG_NOSIGNAL, so a server that hangs up during a TLS
// write raises SIGPIPE. Poco blocks it at load time, but only in the loading thread and those
// started after it; a host thread that existed before would be killed. A plugin must not
// change the process's signal handling, so the guard is per thread and per send.
class SigpipeGuard {
 public:
  SigpipeGuard();
  ~SigpipeGuard();
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t previous_{};
  bool alreadyPending_ = false;
};

// The TLS client context of an instance: the system CAs plus ca_file, TLS 1.2 or newer, and
// unless verify_peer is false, strict verification of the chain and of the host name (also
// for loopback names, which Poco's relaxed mode would skip). Null for tls = "none". Throws
// sdk::ConfigError when ca_file cannot be loaded.
Poco::Net::Context::Ptr makeTlsContext(const EmailConfig& config);

class SocketTransport : public SmtpTransport {
 public:
  using Clock = std::chrono::steady_clock;

  // Each operation waits at most timeoutMs and never past deadline.
  SocketTransport(std::string host, Poco::Net::Context::Ptr tls, uint32_t timeoutMs,
                  Clock::time_point deadline);
  ~SocketTransport() override;
  SocketTransport(const SocketTransport&) = delete;
  SocketTransport& operator=(const SocketTransport&) = delete;

  // Connects (and with implicitTls, completes the TLS handshake). Throws TransportError.
  void connect(uint16_t port, bool implicitTls);

  std::string readLine() override;
  void write(std::string_view bytes) override;
  void startTls() override;

 private:
  Poco::Timespan budget(const char* what) const;
  void handshake();
  void receiveMore();

  std::string host_;  // without IPv6 brackets
  Poco::Net::Context::Ptr tls_;
  uint32_t timeoutMs_;
  Clock::time_point deadline_;
  Poco::Net::StreamSocket socket_;
  std::string buffer_;  // received, not yet returned as lines
};

}  // namespace notify::plugin::email
