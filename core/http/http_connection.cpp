// SPDX-License-Identifier: Apache-2.0
#include "core/http/http_connection.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/http/tls_client.hpp"
#include "notify/channel_abi.h"

namespace notify::core {

std::unique_ptr<HttpConnection> HttpConnection::open(const SocketAddress& address, bool tls,
                                                     std::string host,
                                                     const TlsClientContext* tlsContext,
                                                     std::string& error) {
  int fd = ::socket(address.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::string("socket: ") + std::strerror(errno);
    return nullptr;
  }
  int one = 1;
  // Requests are written whole; Nagle would only hold back the last segment of each.
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address.storage), address.length) != 0 &&
      errno != EINPROGRESS) {
    error = "connect to " + host + ": " + std::strerror(errno);
    ::close(fd);
    return nullptr;
  }
  return std::unique_ptr<HttpConnection>(new HttpConnection(fd, tls, std::move(host), tlsContext));
}

HttpConnection::HttpConnection(int fd, bool tls, std::string host,
                               const TlsClientContext* tlsContext)
    : fd_(fd), tls_(tls), host_(std::move(host)), tlsContext_(tlsContext) {}

HttpConnection::~HttpConnection() {
  if (ssl_ != nullptr) {
    SSL_free(ssl_);  // no close_notify: nobody waits for it, and the socket may be dead
  }
  ::close(fd_);
}

void HttpConnection::begin(std::string request, bool headRequest) {
  out_ = std::move(request);
  written_ = 0;
  headRequest_ = headRequest;
  parser_.reset(headRequest);
  if (phase_ == Phase::kIdle) {
    reused_ = true;
    phase_ = Phase::kWriting;
  }
}

HttpConnection::Wait HttpConnection::fail(int32_t code, std::string reason) {
  failureCode_ = code;
  failure_ = std::move(reason);
  reusable_ = false;
  phase_ = Phase::kDone;
  return Wait::kFailed;
}

HttpConnection::Wait HttpConnection::advance() {
  // Each phase runs on into the next as far as the socket allows.
  switch (phase_) {
    case Phase::kConnecting:
      return finishConnect();
    case Phase::kHandshake:
      return handshake();
    case Phase::kWriting:
      return writeRequest();
    case Phase::kReading:
      return readResponse();
    case Phase::kIdle:
    case Phase::kDone:
      break;
  }
  return fail(NOTIFY_HOST_IO_ERROR, "connection to " + host_ + " has no request in progress");
}

HttpConnection::Wait HttpConnection::finishConnect() {
  int error = 0;
  socklen_t length = sizeof(error);
  if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length) != 0) {
    error = errno;
  }
  if (error == EINPROGRESS || error == EALREADY) {
    return Wait::kWrite;
  }
  if (error != 0) {
    return fail(NOTIFY_HOST_CONNECT_FAILED, "connect to " + host_ + ": " + std::strerror(error));
  }
  if (!tls_) {
    phase_ = Phase::kWriting;
    return writeRequest();
  }
  std::string reason;
  ssl_ = tlsContext_->open(fd_, host_, reason);
  if (ssl_ == nullptr) {
    return fail(NOTIFY_HOST_CONNECT_FAILED, reason);
  }
  phase_ = Phase::kHandshake;
  return handshake();
}

HttpConnection::Wait HttpConnection::handshake() {
  ERR_clear_error();
  int rc = SSL_do_handshake(ssl_);
  if (rc == 1) {
    phase_ = Phase::kWriting;
    return writeRequest();
  }
  int reason = SSL_get_error(ssl_, rc);
  if (reason == SSL_ERROR_WANT_READ) {
    return Wait::kRead;
  }
  if (reason == SSL_ERROR_WANT_WRITE) {
    return Wait::kWrite;
  }
  return fail(NOTIFY_HOST_CONNECT_FAILED, "TLS with " + host_ + ": " + tlsErrorText(ssl_, rc));
}

long HttpConnection::transfer(bool writing, char* data, size_t size, Wait& wait) {
  if (ssl_ != nullptr) {
    ERR_clear_error();
    int n = writing ? SSL_write(ssl_, data, static_cast<int>(size))
                    : SSL_read(ssl_, data, static_cast<int>(size));
    if (n > 0) {
      return n;
    }
    int reason = SSL_get_error(ssl_, n);
    if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) {
      wait = reason == SSL_ERROR_WANT_READ ? Wait::kRead : Wait::kWrite;
      return -1;
    }
    if (reason == SSL_ERROR_ZERO_RETURN ||
        (reason == SSL_ERROR_SYSCALL && ERR_peek_error() == 0 && !writing)) {
      return 0;  // close_notify, or a peer that just closed the socket
    }
    wait = fail(NOTIFY_HOST_IO_ERROR, "TLS with " + host_ + ": " + tlsErrorText(ssl_, n));
    return -2;
  }
  ssize_t n = writing ? ::send(fd_, data, size, MSG_NOSIGNAL) : ::recv(fd_, data, size, 0);
  if (n >= 0) {
    return n;
  }
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
    wait = writing ? Wait::kWrite : Wait::kRead;
    return -1;
  }
  wait = fail(NOTIFY_HOST_IO_ERROR, std::string(writing ? "sending to " : "reading from ") + host_ +
                                        ": " + std::strerror(errno));
  return -2;
}

HttpConnection::Wait HttpConnection::writeRequest() {
  while (written_ < out_.size()) {
    Wait wait = Wait::kWrite;
    long n = transfer(true, out_.data() + written_, out_.size() - written_, wait);
    if (n < 0) {
      return wait;
    }
    if (n == 0) {
      return fail(NOTIFY_HOST_IO_ERROR, "connection to " + host_ + " closed while sending");
    }
    written_ += static_cast<size_t>(n);
  }
  out_.clear();
  phase_ = Phase::kReading;
  // No read yet: the answer cannot be there so soon, and a read that finds nothing is a
  // system call per exchange for nothing. Readiness says when it came.
  return Wait::kRead;
}

HttpConnection::Wait HttpConnection::readResponse() {
  char buffer[16 * 1024];
  for (;;) {
    Wait wait = Wait::kRead;
    long n = transfer(false, buffer, sizeof(buffer), wait);
    if (n == -1) {
      return wait;
    }
    if (n == -2) {
      return Wait::kFailed;
    }
    HttpResponseParser::State state =
        n == 0 ? parser_.closed() : parser_.feed(buffer, static_cast<size_t>(n));
    if (state == HttpResponseParser::State::kError) {
      return fail(NOTIFY_HOST_IO_ERROR, host_ + ": " + parser_.error());
    }
    if (state == HttpResponseParser::State::kComplete) {
      reusable_ = parser_.keepAlive() && n != 0;
      phase_ = reusable_ ? Phase::kIdle : Phase::kDone;
      return Wait::kResponse;
    }
  }
}

}  // namespace notify::core
