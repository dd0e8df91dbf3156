// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace Poco::Net {
class HTTPServer;
}

namespace notify::test {

struct ReceivedWebhook {
  std::string path;
  std::string body;
  std::string id;         // webhook-id
  std::string timestamp;  // webhook-timestamp
  std::string signature;  // webhook-signature
  bool signatureValid = false;
  int64_t receivedAtMs = 0;  // steady clock, for measuring rates
};

// A local HTTP endpoint that receives Standard Webhooks and checks their signature on its own
// (HMAC-SHA256 over id.timestamp.body with the base64-decoded whsec_ secret), independently of
// the plugin's code. It answers with scripted statuses (then 200).
class WebhookReceiver {
 public:
  explicit WebhookReceiver(std::string secret);
  ~WebhookReceiver();

  std::string url() const;
  void respondWith(std::vector<int> statuses);
  std::vector<ReceivedWebhook> received() const;
  // Waits until at least count webhooks arrived; false on timeout.
  bool waitFor(size_t count, int timeoutMs) const;

  // For the request handler.
  int record(ReceivedWebhook webhook);
  const std::string& secret() const { return secret_; }

 private:
  std::string secret_;
  int port_ = 0;
  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  std::vector<ReceivedWebhook> received_;
  std::deque<int> statuses_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

// Standard Webhooks v1 signature, computed with Poco directly.
std::string standardWebhookSignature(const std::string& secret, const std::string& id,
                                     const std::string& timestamp, const std::string& body);

}  // namespace notify::test
