// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <Poco/Net/Context.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace Poco::Net {
class HTTPClientSession;
}  // namespace Poco::Net

namespace notify::core {

struct HttpCall {
  std::string method;
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  uint32_t timeoutMs = 10000;
};

struct HttpReply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
};

// Outbound HTTP(S) with kept-alive connections reused per scheme://host:port. Thread-safe: a
// connection is used by one call at a time and returned to the pool afterwards.
class HttpClientPool {
 public:
  explicit HttpClientPool(size_t maxIdlePerHost = 1024);
  ~HttpClientPool();
  HttpClientPool(const HttpClientPool&) = delete;
  HttpClientPool& operator=(const HttpClientPool&) = delete;

  // Returns NOTIFY_HOST_OK with reply filled, or a NOTIFY_HOST_* error code with text in error.
  int32_t send(const HttpCall& call, HttpReply& reply, std::string& error);

  size_t idleConnections() const;

 private:
  using SessionPtr = std::unique_ptr<Poco::Net::HTTPClientSession>;

  SessionPtr acquire(const std::string& key, const std::string& scheme, const std::string& host,
                     uint16_t port, bool allowIdle, bool& reused);
  void release(const std::string& key, SessionPtr session);
  int32_t exchange(Poco::Net::HTTPClientSession& session, const HttpCall& call,
                   const std::string& pathAndQuery, HttpReply& reply, std::string& error);

  size_t maxIdlePerHost_;
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<SessionPtr>> idle_;
  Poco::Net::Context::Ptr tls_;  // shared with every HTTPS session
};

}  // namespace notify::core
