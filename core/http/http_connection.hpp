// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/http/address_resolver.hpp"
#include "core/http/http_response_parser.hpp"

typedef struct ssl_st SSL;

namespace notify::core {

class TlsClientContext;

// One non-blocking client connection carrying one request at a time: connect, TLS handshake
// for https, write the request, read the response, then idle until the next request or the
// peer's close. It does I/O only when advance() is called and says what it waits for; the
// engine owns readiness (epoll) and deadlines. Used from one thread.
class HttpConnection {
 public:
  enum class Wait { kRead, kWrite, kResponse, kFailed };

  // Starts a non-blocking connect. Null with a reason in error when no socket could be made
  // or the connect failed at once.
  static std::unique_ptr<HttpConnection> open(const SocketAddress& address, bool tls,
                                              std::string host, const TlsClientContext* tlsContext,
                                              std::string& error);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Hands the connection a serialised request. Only when idle or freshly opened.
  void begin(std::string request, bool headRequest);
  // Makes as much progress as the socket allows.
  //   kRead / kWrite: call again when the socket is readable / writable;
  //   kResponse: reply() is complete; the connection is idle again if reusable();
  //   kFailed: failure() says why; the connection is finished.
  Wait advance();
  // An idle connection became readable: the peer closed it or sent something unasked for.
  // Either way it cannot carry another request.
  void markBroken() { reusable_ = false; }

  int fd() const { return fd_; }
  bool reusable() const { return reusable_; }
  // It carried a response before: a failure before any byte of the next answer may just mean
  // the server had closed it while idle, and the request is worth one fresh connection.
  bool reused() const { return reused_; }
  bool staleFailure() const { return reused_ && !parser_.receivedAny(); }
  int32_t failureCode() const { return failureCode_; }
  const std::string& failure() const { return failure_; }
  HttpReply takeReply() { return std::move(parser_.reply()); }

 private:
  enum class Phase { kConnecting, kHandshake, kWriting, kReading, kIdle, kDone };

  HttpConnection(int fd, bool tls, std::string host, const TlsClientContext* tlsContext);
  Wait fail(int32_t code, std::string reason);
  Wait finishConnect();
  Wait handshake();
  Wait writeRequest();
  Wait readResponse();
  // One read or write through TLS or the plain socket. >0 bytes, 0 end of stream, -1 would
  // block (wait set), -2 error (failure set).
  long transfer(bool writing, char* data, size_t size, Wait& wait);

  int fd_;
  bool tls_;
  std::string host_;
  const TlsClientContext* tlsContext_;
  SSL* ssl_ = nullptr;
  Phase phase_ = Phase::kConnecting;
  bool reusable_ = false;
  bool reused_ = false;
  bool headRequest_ = false;
  std::string out_;
  size_t written_ = 0;
  HttpResponseParser parser_;
  int32_t failureCode_ = 0;
  std::string failure_;
};

}  // namespace notify::core
