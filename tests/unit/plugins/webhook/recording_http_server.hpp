// SPDX-License-Identifier: Apache-2.0
// A local HTTP endpoint that records every request and answers with a scripted reply, so a
// webhook test can assert on what the receiver got.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace notify::test {

class RecordingHttpServer {
 public:
  struct Request {
    std::string method;
    std::string uri;
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;
  };
  struct Reply {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
  };

  RecordingHttpServer()
      : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)),
        server_(new Factory(state_), socket_, new Poco::Net::HTTPServerParams) {
    server_.start();
  }
  ~RecordingHttpServer() { server_.stopAll(true); }
  RecordingHttpServer(const RecordingHttpServer&) = delete;
  RecordingHttpServer& operator=(const RecordingHttpServer&) = delete;

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + path;
  }
  void setReply(Reply reply) {
    std::lock_guard lock(state_.mutex);
    state_.reply = std::move(reply);
  }
  std::vector<Request> requests() const {
    std::lock_guard lock(state_.mutex);
    return state_.requests;
  }

 private:
  struct State {
    mutable std::mutex mutex;
    Reply reply;
    std::vector<Request> requests;
  };

  class Handler : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(State& state) : state_(state) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
      Request seen{request.getMethod(), request.getURI(), {}, {}};
      for (const auto& [name, value] : request) {
        std::string key = name;
        std::transform(key.begin(), key.end(), key.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        seen.headers[key] = value;
      }
      Poco::StreamCopier::copyToString(request.stream(), seen.body);
      Reply reply;
      {
        std::lock_guard lock(state_.mutex);
        state_.requests.push_back(std::move(seen));
        reply = state_.reply;
      }
      response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
      for (const auto& [name, value] : reply.headers) {
        response.set(name, value);
      }
      response.setContentLength(static_cast<std::streamsize>(reply.body.size()));
      response.send() << reply.body;
    }

   private:
    State& state_;
  };

  class Factory : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(State& state) : state_(state) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest& /*request*/) override {
      return new Handler(state_);
    }

   private:
    State& state_;
  };

  State state_;
  Poco::Net::ServerSocket socket_;
  Poco::Net::HTTPServer server_;
};

}  // namespace notify::test
