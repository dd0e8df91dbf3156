// SPDX-License-Identifier: Apache-2.0
#include "core/plugin/http_client_pool.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <istream>
#include <ostream>

#include "notify/channel_abi.h"

namespace notify::core {
namespace {

Poco::Net::Context::Ptr makeTlsContext() {
  static std::once_flag once;
  std::call_once(once, [] { Poco::Net::initializeSSL(); });
  // Verify peers against the system's CA store.
  return Poco::Net::Context::Ptr(new Poco::Net::Context(
      Poco::Net::Context::TLS_CLIENT_USE, "", "", "", Poco::Net::Context::VERIFY_RELAXED, 9, true));
}

// Errors that mean a kept-alive connection went stale before the request was answered; one
// fresh attempt is safe because the server never saw a complete request-response.
bool isStaleConnection(const Poco::Exception& e) {
  return dynamic_cast<const Poco::Net::NoMessageException*>(&e) != nullptr ||
         dynamic_cast<const Poco::Net::ConnectionResetException*>(&e) != nullptr ||
         dynamic_cast<const Poco::Net::ConnectionAbortedException*>(&e) != nullptr;
}

}  // namespace

HttpClientPool::HttpClientPool(size_t maxIdlePerHost)
    : maxIdlePerHost_(maxIdlePerHost), tls_(makeTlsContext()) {}

HttpClientPool::~HttpClientPool() = default;

size_t HttpClientPool::idleConnections() const {
  std::lock_guard lock(mutex_);
  size_t n = 0;
  for (const auto& [key, sessions] : idle_) {
    n += sessions.size();
  }
  return n;
}

HttpClientPool::SessionPtr HttpClientPool::acquire(const std::string& key,
                                                   const std::string& scheme,
                                                   const std::string& host, uint16_t port,
                                                   bool allowIdle, bool& reused) {
  reused = false;
  if (allowIdle) {
    std::lock_guard lock(mutex_);
    auto it = idle_.find(key);
    if (it != idle_.end() && !it->second.empty()) {
      SessionPtr session = std::move(it->second.back());
      it->second.pop_back();
      reused = true;
      return session;
    }
  }
  SessionPtr session;
  if (scheme == "https") {
    session = std::make_unique<Poco::Net::HTTPSClientSession>(host, port, tls_);
  } else {
    session = std::make_unique<Poco::Net::HTTPClientSession>(host, port);
  }
  session->setKeepAlive(true);
  return session;
}

void HttpClientPool::release(const std::string& key, SessionPtr session) {
  std::lock_guard lock(mutex_);
  auto& sessions = idle_[key];
  if (sessions.size() < maxIdlePerHost_) {
    sessions.push_back(std::move(session));
  }
}

int32_t HttpClientPool::exchange(Poco::Net::HTTPClientSession& session, const HttpCall& call,
                                 const std::string& pathAndQuery, HttpReply& reply,
                                 std::string& error) {
  Poco::Timespan timeout(static_cast<Poco::Timespan::TimeDiff>(call.timeoutMs) * 1000);
  session.setTimeout(timeout, timeout, timeout);
  Poco::Net::HTTPRequest request(call.method, pathAndQuery, Poco::Net::HTTPMessage::HTTP_1_1);
  request.setKeepAlive(true);
  for (const auto& [name, value] : call.headers) {
    request.set(name, value);
  }
  if (!call.body.empty() || call.method == "POST" || call.method == "PUT") {
    request.setContentLength(static_cast<std::streamsize>(call.body.size()));
  }
  std::ostream& out = session.sendRequest(request);
  out.write(call.body.data(), static_cast<std::streamsize>(call.body.size()));
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  reply.body.clear();
  Poco::StreamCopier::copyToString(in, reply.body);
  reply.status = static_cast<int>(response.getStatus());
  reply.headers.clear();
  for (const auto& [name, value] : response) {
    reply.headers.emplace_back(Poco::toLower(name), value);
  }
  error.clear();
  return NOTIFY_HOST_OK;
}

int32_t HttpClientPool::send(const HttpCall& call, HttpReply& reply, std::string& error) {
  Poco::URI uri;
  try {
    uri = Poco::URI(call.url);
  } catch (const Poco::Exception& e) {
    error = "malformed URL: " + e.displayText();
    return NOTIFY_HOST_BAD_ARGUMENT;
  }
  const std::string& scheme = uri.getScheme();
  if ((scheme != "http" && scheme != "https") || uri.getHost().empty()) {
    error = "URL must be http:// or https:// with a host";
    return NOTIFY_HOST_BAD_ARGUMENT;
  }
  std::string key = scheme + "://" + uri.getHost() + ":" + std::to_string(uri.getPort());
  std::string pathAndQuery = uri.getPathEtc();
  if (pathAndQuery.empty()) {
    pathAndQuery = "/";
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    // A retry after a stale kept-alive connection always opens a fresh one.
    bool reused = false;
    SessionPtr session = acquire(key, scheme, uri.getHost(), uri.getPort(), attempt == 0, reused);
    try {
      int32_t code = exchange(*session, call, pathAndQuery, reply, error);
      release(key, std::move(session));
      return code;
    } catch (const Poco::TimeoutException& e) {
      error = "timeout after " + std::to_string(call.timeoutMs) + " ms";
      return NOTIFY_HOST_TIMEOUT;
    } catch (const Poco::Net::ConnectionRefusedException& e) {
      error = "connection refused: " + key;
      return NOTIFY_HOST_CONNECT_FAILED;
    } catch (const Poco::Net::HostNotFoundException& e) {
      error = "host not found: " + uri.getHost();
      return NOTIFY_HOST_CONNECT_FAILED;
    } catch (const Poco::Net::SSLException& e) {
      error = "TLS: " + e.displayText();
      return NOTIFY_HOST_CONNECT_FAILED;
    } catch (const Poco::Exception& e) {
      if (reused && isStaleConnection(e)) {
        continue;
      }
      error = e.displayText();
      return NOTIFY_HOST_IO_ERROR;
    } catch (const std::exception& e) {
      error = e.what();
      return NOTIFY_HOST_IO_ERROR;
    }
  }
  error = "connection closed by peer";
  return NOTIFY_HOST_IO_ERROR;
}

}  // namespace notify::core
