// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace Poco::Net {
class HTTPServer;
}

namespace notify::core {

struct OpsRequest {
  std::string method;
  std::string path;                           // without the query string
  std::map<std::string, std::string> query;   // decoded
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

struct OpsResponse {
  int status = 200;
  std::string contentType = "application/json";
  std::string body;
};

// Answers one request; called on the server's threads, so it must be thread-safe.
using OpsHandler = std::function<OpsResponse(const OpsRequest&)>;

// The operations HTTP server (metrics, health, send-log API): a Poco HTTPServer bound to a
// loopback address from [ops] listen. Routes match a path exactly, or a prefix ending in "/".
class OpsServer {
 public:
  // listen: "HOST:PORT"; port 0 picks a free one (see port()).
  OpsServer(const std::string& listen, std::map<std::string, OpsHandler> routes);
  ~OpsServer();
  OpsServer(const OpsServer&) = delete;
  OpsServer& operator=(const OpsServer&) = delete;

  void start();
  void stop();
  int port() const { return port_; }

 private:
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  int port_ = 0;
};

// A JSON error body {"ok":false,"error":{"code":..,"message":..,"field":..}} with a status.
OpsResponse opsError(int status, const std::string& code, const std::string& message,
                     const std::string& field = "");

}  // namespace notify::core
