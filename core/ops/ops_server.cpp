// SPDX-License-Identifier: Apache-2.0
#include "core/ops/ops_server.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>

#include "core/common/json_writer.hpp"
#include "core/common/log.hpp"

namespace notify::core {
namespace {

constexpr size_t kMaxBodyBytes = 1 << 20;

using Routes = std::map<std::string, OpsHandler>;

const OpsHandler* route(const Routes& routes, const std::string& path) {
  auto exact = routes.find(path);
  if (exact != routes.end()) {
    return &exact->second;
  }
  // The longest prefix route ("/api/messages/") that the path extends.
  const OpsHandler* best = nullptr;
  size_t bestLength = 0;
  for (const auto& [prefix, handler] : routes) {
    if (prefix.back() == '/' && path.size() > prefix.size() && path.rfind(prefix, 0) == 0 &&
        prefix.size() > bestLength) {
      best = &handler;
      bestLength = prefix.size();
    }
  }
  return best;
}

OpsRequest requestOf(Poco::Net::HTTPServerRequest& in) {
  OpsRequest request;
  request.method = in.getMethod();
  Poco::URI uri(in.getURI());
  request.path = uri.getPath();
  for (const auto& [key, value] : uri.getQueryParameters()) {
    request.query[key] = value;
  }
  for (const auto& [name, value] : in) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    request.headers[lower] = value;
  }
  std::string body;
  Poco::StreamCopier::copyToString(in.stream(), body, kMaxBodyBytes);
  request.body = body.substr(0, kMaxBodyBytes);
  return request;
}

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(const Routes& routes) : routes_(routes) {}

  void handleRequest(Poco::Net::HTTPServerRequest& in,
                     Poco::Net::HTTPServerResponse& out) override {
    OpsResponse response;
    try {
      OpsRequest request = requestOf(in);
      const OpsHandler* handler = route(routes_, request.path);
      response = handler != nullptr
                     ? (*handler)(request)
                     : opsError(404, "not_found", "no route for " + request.path, "path");
    } catch (const std::exception& e) {
      logError("ops", std::string("request failed: ") + e.what());
      response = opsError(500, "internal", e.what());
    }
    out.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(response.status));
    out.setContentType(response.contentType);
    out.setContentLength(static_cast<std::streamsize>(response.body.size()));
    out.send() << response.body;
  }

 private:
  const Routes& routes_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(Routes routes) : routes_(std::move(routes)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(routes_);
  }

 private:
  Routes routes_;
};

}  // namespace

OpsResponse opsError(int status, const std::string& code, const std::string& message,
                     const std::string& field) {
  JsonWriter w;
  w.beginObject().key("ok").value(false).key("error").beginObject();
  w.key("code").value(code).key("message").value(message).optional("field", field);
  w.endObject().endObject();
  return {status, "application/json", w.take()};
}

OpsServer::OpsServer(const std::string& listen, std::map<std::string, OpsHandler> routes) {
  Poco::Net::ServerSocket socket{Poco::Net::SocketAddress(listen)};
  port_ = socket.address().port();
  auto params = new Poco::Net::HTTPServerParams;  // owned by the server (Poco's AutoPtr)
  params->setMaxThreads(4);
  params->setKeepAlive(false);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(std::move(routes)), socket,
                                                    params);
}

OpsServer::~OpsServer() {
  stop();
}

void OpsServer::start() {
  server_->start();
}

void OpsServer::stop() {
  if (server_) {
    server_->stopAll(true);
    server_.reset();
  }
}

}  // namespace notify::core
