// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/http/address_resolver.hpp"
#include "core/http/http_types.hpp"

namespace notify::core {

class HttpEventLoop;

// The host's outbound HTTP(S) client: one I/O thread multiplexes every exchange over
// kept-alive connections per origin, so thousands of requests can wait for slow providers
// without a thread each. Exchanges are started asynchronously (start) or, for plugins that
// send synchronously, waited for (send). Redirects are never followed. Thread-safe.
class HttpEngine {
 public:
  struct Options {
    size_t maxConnectionsPerOrigin = 1024;  // beyond it exchanges queue for a free connection
    size_t maxIdlePerOrigin = 1024;
    std::string caFile;  // PEM bundle to verify servers with; empty: the system's CA store
  };
  // Runs on the engine's thread: it must return quickly and never wait for another exchange.
  using Completion = std::function<void(HttpOutcome&&)>;

  HttpEngine();
  explicit HttpEngine(Options options);
  // Fails every exchange still in progress ("shutting down") and joins the I/O thread.
  ~HttpEngine();
  HttpEngine(const HttpEngine&) = delete;
  HttpEngine& operator=(const HttpEngine&) = delete;

  // Starts one exchange. NOTIFY_HOST_OK: done will be called exactly once, on the engine's
  // thread. Otherwise (a malformed URL or header, an unknown host) done is never called and
  // error says what was wrong. Name resolution happens here, on the caller's thread.
  int32_t start(HttpCall call, Completion done, std::string& error);

  // One exchange, waited for. Must not be called from a completion.
  HttpOutcome send(const HttpCall& call);

  // Connections open and, of those, idle; for tests and metrics.
  size_t openConnections() const;
  size_t idleConnections() const;

 private:
  HttpEventLoop& loop();

  Options options_;
  AddressResolver resolver_;
  std::unique_ptr<HttpEventLoop> loop_;
};

}  // namespace notify::core
