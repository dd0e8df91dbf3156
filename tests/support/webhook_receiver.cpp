// SPDX-License-Identifier: Apache-2.0
#include "support/webhook_receiver.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/HMACEngine.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/SHA2Engine.h>
#include <Poco/StreamCopier.h>

#include <chrono>
#include <sstream>

namespace notify::test {
namespace {

class Sha256 : public Poco::SHA2Engine {
 public:
  enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
  Sha256() : Poco::SHA2Engine(SHA_256) {}
};

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(WebhookReceiver& receiver) : receiver_(receiver) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    ReceivedWebhook webhook;
    webhook.path = request.getURI();
    Poco::StreamCopier::copyToString(request.stream(), webhook.body);
    webhook.id = request.get("webhook-id", "");
    webhook.timestamp = request.get("webhook-timestamp", "");
    webhook.signature = request.get("webhook-signature", "");
    webhook.signatureValid =
        webhook.signature ==
        standardWebhookSignature(receiver_.secret(), webhook.id, webhook.timestamp, webhook.body);
    int status = receiver_.record(std::move(webhook));
    response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    response.setContentLength(2);
    response.send() << "ok";
  }

 private:
  WebhookReceiver& receiver_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(WebhookReceiver& receiver) : receiver_(receiver) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(receiver_);
  }

 private:
  WebhookReceiver& receiver_;
};

}  // namespace

std::string standardWebhookSignature(const std::string& secret, const std::string& id,
                                     const std::string& timestamp, const std::string& body) {
  std::istringstream encoded(secret.substr(secret.rfind('_') + 1));
  Poco::Base64Decoder decoder(encoded);
  std::string key((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
  Poco::HMACEngine<Sha256> hmac(key);
  hmac.update(id + "." + timestamp + "." + body);
  const auto& digest = hmac.digest();
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder.write(reinterpret_cast<const char*>(digest.data()),
                static_cast<std::streamsize>(digest.size()));
  encoder.close();
  return "v1," + out.str();
}

WebhookReceiver::WebhookReceiver(std::string secret) : secret_(std::move(secret)) {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  port_ = socket.address().port();
  auto* params = new Poco::Net::HTTPServerParams;
  params->setKeepAlive(true);
  params->setMaxThreads(32);
  params->setMaxQueued(1000);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket, params);
  server_->start();
}

WebhookReceiver::~WebhookReceiver() {
  server_->stopAll(true);
}

std::string WebhookReceiver::url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/hook";
}

void WebhookReceiver::respondWith(std::vector<int> statuses) {
  std::lock_guard lock(mutex_);
  statuses_.assign(statuses.begin(), statuses.end());
}

int WebhookReceiver::record(ReceivedWebhook webhook) {
  webhook.receivedAtMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now().time_since_epoch())
                             .count();
  std::lock_guard lock(mutex_);
  int status = 200;
  if (!statuses_.empty()) {
    status = statuses_.front();
    statuses_.pop_front();
  }
  received_.push_back(std::move(webhook));
  arrived_.notify_all();
  return status;
}

std::vector<ReceivedWebhook> WebhookReceiver::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

bool WebhookReceiver::waitFor(size_t count, int timeoutMs) const {
  std::unique_lock lock(mutex_);
  return arrived_.wait_for(lock, std::chrono::milliseconds(timeoutMs),
                           [&] { return received_.size() >= count; });
}

}  // namespace notify::test
