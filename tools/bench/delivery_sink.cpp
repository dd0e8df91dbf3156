#include "tools/bench/delivery_sink.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

namespace notify::tools::bench {
namespace {

class SinkHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit SinkHandler(DeliverySink& sink) : sink_(sink) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    std::string body;
    Poco::StreamCopier::copyToString(request.stream(), body);
    sink_.record(body);
    if (sink_.delayMs() > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(sink_.delayMs()));
    }
    response.setContentLength(0);
    response.send();
  }

 private:
  DeliverySink& sink_;
};

class SinkFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit SinkFactory(DeliverySink& sink) : sink_(sink) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new SinkHandler(sink_);
  }

 private:
  DeliverySink& sink_;
};

}  // namespace

std::int64_t monotonicNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

DeliverySink::DeliverySink(unsigned short port, int delayMs) : delayMs_(delayMs) {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
  auto* params = new Poco::Net::HTTPServerParams;
  params->setKeepAlive(true);
  params->setMaxKeepAliveRequests(0);
  params->setMaxThreads(1024);
  params->setMaxQueued(10000);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new SinkFactory(*this), socket, params);
  server_->start();
}

DeliverySink::~DeliverySink() { server_->stopAll(true); }

void DeliverySink::record(const std::string& body) {
  const std::int64_t now = monotonicNs();
  std::int64_t sentNs = -1;
  const auto at = body.find("bench-t");
  if (at != std::string::npos) {
    sentNs = std::strtoll(body.c_str() + at + 7, nullptr, 10);
  }
  std::lock_guard lock(mutex_);
  if (firstNs_ == 0) {
    firstNs_ = now;
  }
  lastNs_ = now;
  latenciesUs_.push_back(sentNs > 0 ? (now - sentNs) / 1000 : -1);
}

std::uint64_t DeliverySink::received() const {
  std::lock_guard lock(mutex_);
  return latenciesUs_.size();
}

SinkStats DeliverySink::stats() const {
  std::lock_guard lock(mutex_);
  SinkStats stats;
  stats.received = latenciesUs_.size();
  for (auto us : latenciesUs_) {
    if (us >= 0) {
      stats.latenciesUs.push_back(us);
    }
  }
  std::sort(stats.latenciesUs.begin(), stats.latenciesUs.end());
  stats.spanS = static_cast<double>(lastNs_ - firstNs_) / 1e9;
  return stats;
}

}  // namespace notify::tools::bench
