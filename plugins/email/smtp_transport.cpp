// SPDX-License-Identifier: Apache-2.0
#include "plugins/email/smtp_transport.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <algorithm>
#include <fstream>

namespace notify::plugin::email {
namespace {

using Kind = TransportError::Kind;

constexpr size_t kMaxLineBytes = 4096;  // RFC 5321 allows 512; be lenient, not unbounded

// Turns the exception being handled into a TransportError; kind is for errors that are not
// timeouts or TLS failures.
[[noreturn]] void rethrowAsTransportError(Kind kind, const std::string& context) {
  try {
    throw;
  } catch (const TransportError&) {
    throw;
  } catch (const Poco::TimeoutException&) {
    throw TransportError(Kind::kTimeout, context + ": timed out");
  } catch (const Poco::Net::SSLException& e) {
    throw TransportError(Kind::kTls, context + ": " + e.displayText());
  } catch (const Poco::Exception& e) {
    throw TransportError(kind, context + ": " + e.displayText());
  } catch (const std::exception& e) {
    throw TransportError(kind, context + ": " + e.what());
  }
}

std::string withoutBrackets(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return std::string(host);
}

}  // namespace

SigpipeGuard::SigpipeGuard() {
  sigset_t pending;
  sigemptyset(&pending);
  sigpending(&pending);
  alreadyPending_ = sigismember(&pending, SIGPIPE) == 1;
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, &previous_);
}

SigpipeGuard::~SigpipeGuard() {
  if (!alreadyPending_) {
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    const timespec zero{0, 0};
    while (sigtimedwait(&pipe, nullptr, &zero) > 0) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

SslLibrary::SslLibrary() {
  Poco::Net::initializeSSL();
}

SslLibrary::~SslLibrary() {
  Poco::Net::uninitializeSSL();
}

Poco::Net::Context::Ptr makeTlsContext(const EmailConfig& config) {
  using Poco::Net::Context;
  if (config.tls == TlsMode::kNone) {
    return nullptr;
  }
  if (!config.caFile.empty() && !std::ifstream(config.caFile).good()) {
    throw sdk::ConfigError("ca_file: cannot read " + config.caFile);
  }
  try {
    Context::Ptr context(
        new Context(Context::TLS_CLIENT_USE, "", "", config.caFile,
                    config.verifyPeer ? Context::VERIFY_STRICT : Context::VERIFY_NONE, 9, true));
    context->requireMinimumProtocol(Context::PROTO_TLSV1_2);
    return context;
  } catch (const Poco::Exception& e) {
    throw sdk::ConfigError("ca_file: " + e.displayText());
  }
}

SocketTransport::SocketTransport(std::string host, Poco::Net::Context::Ptr tls, uint32_t timeoutMs,
                                 Clock::time_point deadline)
    : host_(withoutBrackets(host)),
      tls_(std::move(tls)),
      timeoutMs_(timeoutMs),
      deadline_(deadline) {}

SocketTransport::~SocketTransport() {
  try {
    socket_.close();
  } catch (...) {  // NOLINT(bugprone-empty-catch): closing a broken connection may fail
  }
}

Poco::Timespan SocketTransport::budget(const char* what) const {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now()).count();
  if (left <= 0) {
    throw TransportError(Kind::kTimeout, std::string(what) + ": message deadline reached");
  }
  const int64_t ms = std::min<int64_t>(left, timeoutMs_);
  return Poco::Timespan(ms / 1000, static_cast<long>(ms % 1000) * 1000);
}

void SocketTransport::connect(uint16_t port, bool implicitTls) {
  const std::string where = "connect to " + host_ + ":" + std::to_string(port);
  try {
    socket_.connect(Poco::Net::SocketAddress(host_, port), budget("connect"));
  } catch (...) {
    rethrowAsTransportError(Kind::kConnect, where);
  }
  if (implicitTls) {
    handshake();
  }
}

void SocketTransport::handshake() {
  try {
    const Poco::Timespan timeout = budget("TLS handshake");
    socket_.setReceiveTimeout(timeout);
    socket_.setSendTimeout(timeout);
    socket_ = Poco::Net::SecureStreamSocket::attach(socket_, host_, tls_);
  } catch (...) {
    rethrowAsTransportError(Kind::kTls, "TLS handshake with " + host_);
  }
}

void SocketTransport::startTls() {
  if (!buffer_.empty()) {
    throw TransportError(Kind::kProtocol,
                         "the server sent data after its 220 to STARTTLS; refusing to start TLS");
  }
  handshake();
}

void SocketTransport::receiveMore() {
  try {
    const Poco::Timespan timeout = budget("reading a reply");
    socket_.setReceiveTimeout(timeout);
    if (socket_.available() == 0 && !socket_.poll(timeout, Poco::Net::Socket::SELECT_READ)) {
      throw Poco::TimeoutException();
    }
    char chunk[4096];
    const int n = socket_.receiveBytes(chunk, sizeof(chunk));
    if (n == 0) {
      throw TransportError(Kind::kIo, "the server closed the connection");
    }
    if (n < 0) {  // a TLS read that wanted more data than arrived in time
      throw Poco::TimeoutException();
    }
    buffer_.append(chunk, static_cast<size_t>(n));
  } catch (...) {
    rethrowAsTransportError(Kind::kIo, "reading a reply");
  }
}

std::string SocketTransport::readLine() {
  for (;;) {
    const size_t end = buffer_.find('\n');
    if (end != std::string::npos) {
      std::string line = buffer_.substr(0, end);
      buffer_.erase(0, end + 1);
      if (!line.empty() && line.back() == '\r') {
        line.pop_back();
      }
      return line;
    }
    if (buffer_.size() > kMaxLineBytes) {
      throw TransportError(Kind::kProtocol, "reply line longer than 4096 bytes");
    }
    receiveMore();
  }
}

void SocketTransport::write(std::string_view bytes) {
  try {
    while (!bytes.empty()) {
      socket_.setSendTimeout(budget("sending"));
      const int n = socket_.sendBytes(
          bytes.data(), static_cast<int>(std::min<size_t>(bytes.size(), size_t{1} << 20)));
      if (n <= 0) {
        throw TransportError(Kind::kIo, "sending: the connection is closed");
      }
      bytes.remove_prefix(static_cast<size_t>(n));
    }
  } catch (...) {
    rethrowAsTransportError(Kind::kIo, "sending");
  }
}

}  // namespace notify::plugin::email
