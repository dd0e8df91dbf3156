// SPDX-License-Identifier: Apache-2.0
#include "tools/fakeprov/fake_server.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <sstream>
#include <thread>

namespace notify::fakeprov {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::map<std::string, std::string> parseQuery(const std::string& raw) {
  std::map<std::string, std::string> out;
  std::stringstream in(raw);
  for (std::string pair; std::getline(in, pair, '&');) {
    if (pair.empty()) {
      continue;
    }
    size_t eq = pair.find('=');
    std::string key;
    std::string value;
    Poco::URI::decode(pair.substr(0, eq), key, true);
    if (eq != std::string::npos) {
      Poco::URI::decode(pair.substr(eq + 1), value, true);
    }
    out[key] = value;
  }
  return out;
}

std::string toJson(const Poco::Dynamic::Var& value) {
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(value, out);
  return out.str();
}

Object::Ptr mapObject(const std::map<std::string, std::string>& map) {
  Object::Ptr object = new Object;
  for (const auto& [k, v] : map) {
    object->set(k, v);
  }
  return object;
}

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(FakeServer& server) : server_(server) {}

  void handleRequest(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out) override {
    FakeRequest request;
    request.method = in.getMethod();
    Poco::URI uri(in.getURI());
    request.path = uri.getPath();
    request.rawQuery = uri.getRawQuery();
    request.query = parseQuery(request.rawQuery);
    for (const auto& [name, value] : in) {
      request.headers[Poco::toLower(name)] = value;
    }
    request.host = in.getHost();
    Poco::StreamCopier::copyToString(in.stream(), request.body);
    bool drop = false;
    FakeResponse response = server_.dispatch(request, drop);
    if (drop) {
      // Close without an answer, as a broken peer or middlebox would.
      static_cast<Poco::Net::HTTPServerRequestImpl&>(in).socket().shutdown();
      return;
    }
    out.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(response.status));
    out.setContentType(response.contentType);
    for (const auto& [name, value] : response.headers) {
      out.set(name, value);
    }
    out.setContentLength(static_cast<std::streamsize>(response.body.size()));
    out.send() << response.body;
  }

 private:
  FakeServer& server_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(FakeServer& server) : server_(server) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(server_);
  }

 private:
  FakeServer& server_;
};

Object::Ptr parseBody(const std::string& body) {
  if (body.empty()) {
    return new Object;
  }
  Poco::JSON::Parser parser;
  return parser.parse(body).extract<Object::Ptr>();
}

}  // namespace

FakeServer::FakeServer(std::vector<std::unique_ptr<ProviderModule>> modules, uint16_t port)
    : port_(port) {
  for (auto& module : modules) {
    std::string name = module->name();
    modules_.emplace(name, std::move(module));
  }
}

FakeServer::~FakeServer() { stop(); }

void FakeServer::start() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", port_));
  port_ = socket.address().port();
  auto* params = new Poco::Net::HTTPServerParams;
  params->setKeepAlive(true);
  params->setMaxKeepAliveRequests(0);  // unlimited, like a real provider's front end
  params->setMaxThreads(256);
  params->setMaxQueued(4096);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket, params);
  server_->start();
}

void FakeServer::stop() {
  if (server_) {
    server_->stopAll(true);
    server_.reset();
  }
}

FakeResponse FakeServer::dispatch(const FakeRequest& request, bool& drop) {
  try {
    if (request.path.rfind("/_fake/", 0) == 0) {
      return control(request);
    }
    size_t end = request.path.find('/', 1);
    std::string name = request.path.substr(1, end == std::string::npos ? end : end - 1);
    auto it = modules_.find(name);
    if (it == modules_.end()) {
      return FakeResponse::json(R"({"error":"no fake provider ')" + name + "'\"}", 404);
    }
    if (std::optional<Fault> fault = context_.takeFault(name, request.body)) {
      if (fault->kind == "drop") {
        drop = true;
        return {};
      }
      if (fault->delayMs > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(fault->delayMs));
      }
      if (fault->kind == "status" || fault->kind == "timeout") {
        FakeResponse response = FakeResponse::json(fault->body, fault->status);
        response.headers = fault->headers;
        return response;
      }
      // "slow": the delay, then the normal answer.
    }
    FakeRequest local = request;
    local.path = end == std::string::npos ? "/" : request.path.substr(end);
    return it->second->handle(local, context_);
  } catch (const std::exception& e) {
    Object::Ptr error = new Object;
    error->set("error", std::string("fakeprov: ") + e.what());
    return FakeResponse::json(toJson(error), 500);
  }
}

FakeResponse FakeServer::control(const FakeRequest& request) {
  std::string what = request.path.substr(7);
  if (what == "health") {
    Array::Ptr names = new Array;
    for (const auto& [name, module] : modules_) {
      names->add(name);
    }
    Object::Ptr reply = new Object;
    reply->set("ok", true);
    reply->set("providers", names);
    return FakeResponse::json(toJson(reply));
  }
  if (what == "requests") {
    auto it = request.query.find("provider");
    Array::Ptr list = new Array;
    for (const auto& r : context_.recorded(it == request.query.end() ? "" : it->second)) {
      Object::Ptr item = new Object;
      item->set("provider", r.provider);
      item->set("at_ms", r.atMs);
      item->set("method", r.request.method);
      item->set("path", r.request.path);
      item->set("query", mapObject(r.request.query));
      item->set("headers", mapObject(r.request.headers));
      item->set("body", r.request.body);
      item->set("note", r.note);
      list->add(item);
    }
    return FakeResponse::json(toJson(list));
  }
  Object::Ptr body = parseBody(request.body);
  if (what == "reset") {
    context_.reset();
  } else if (what == "faults") {
    Fault fault;
    fault.kind = body->optValue<std::string>("kind", "status");
    fault.status = body->optValue<int>("status", 500);
    fault.delayMs = body->optValue<int64_t>("delay_ms", fault.kind == "timeout" ? 30000 : 0);
    fault.count = body->optValue<int>("count", 1);
    fault.body = body->optValue<std::string>("body", "");
    fault.match = body->optValue<std::string>("match", "");
    if (fault.count < 0) {
      return FakeResponse::json(R"({"error":"count must be 0 (for good) or more"})", 400);
    }
    if (Object::Ptr headers = body->getObject("headers")) {
      for (const auto& [k, v] : *headers) {
        fault.headers[k] = v.convert<std::string>();
      }
    }
    context_.addFault(body->getValue<std::string>("provider"), fault);
  } else if (what == "clock") {
    if (body->has("offset_ms")) {
      context_.setClockOffset(body->getValue<int64_t>("offset_ms"));
    }
    context_.advanceClock(body->optValue<int64_t>("advance_ms", 0));
  } else if (what == "tokens/expire") {
    context_.expireTokens(body->getValue<std::string>("provider"));
  } else if (what == "tokens") {
    Object::Ptr reply = new Object;
    auto it = request.query.find("provider");
    reply->set("issued", context_.tokensIssued(it == request.query.end() ? "" : it->second));
    return FakeResponse::json(toJson(reply));
  } else {
    return FakeResponse::json(R"({"error":"unknown control endpoint"})", 404);
  }
  return FakeResponse::json(R"({"ok":true})");
}

}  // namespace notify::fakeprov
