// SPDX-License-Identifier: Apache-2.0
// A Standard Webhooks consumer: verifies webhook-signature (v1, HMAC-SHA256 with the
// base64-decoded whsec_ secret over id.timestamp.body), rejects timestamps more than 5 minutes
// off, deduplicates on webhook-id, and answers 2xx. Served at /webhook/<anything>.
// Account: {"secret": "whsec_..."} (default: the Standard Webhooks test secret).
#include "tools/fakeprov/crypto.hpp"
#include "tools/fakeprov/provider_module.hpp"

#include <cstdlib>
#include <mutex>
#include <set>
#include <sstream>

namespace notify::fakeprov {
namespace {

constexpr int64_t kToleranceMs = 5 * 60 * 1000;

class Webhook : public ProviderModule {
 public:
  std::string name() const override { return "webhook"; }

  void configure(const Poco::JSON::Object::Ptr& account) override {
    if (account) {
      secret_ = account->optValue<std::string>("secret", secret_);
    }
  }

  FakeResponse handle(const FakeRequest& request, FakeContext& ctx) override {
    auto header = [&](const char* name) {
      auto it = request.headers.find(name);
      return it == request.headers.end() ? std::string() : it->second;
    };
    std::string id = header("webhook-id");
    std::string timestamp = header("webhook-timestamp");
    std::string signatures = header("webhook-signature");
    if (request.method != "POST" || id.empty() || timestamp.empty() || signatures.empty()) {
      return FakeResponse::json(R"({"error":"missing webhook headers"})", 400);
    }
    int64_t sentMs = std::atoll(timestamp.c_str()) * 1000;
    if (std::llabs(ctx.nowMs() - sentMs) > kToleranceMs) {
      return FakeResponse::json(R"({"error":"timestamp outside tolerance"})", 400);
    }
    std::string key = base64Decode(secret_.substr(secret_.find('_') + 1));
    std::string expected = "v1," + base64(hmacSha256(key, id + "." + timestamp + "." + request.body));
    bool valid = false;
    std::istringstream list(signatures);
    for (std::string candidate; list >> candidate;) {
      valid = valid || constantTimeEquals(candidate, expected);
    }
    if (!valid) {
      return FakeResponse::json(R"({"error":"signature mismatch"})", 401);
    }
    bool duplicate;
    {
      std::lock_guard lock(mutex_);
      duplicate = !seen_.insert(id).second;
    }
    ctx.record(name(), request, duplicate ? "duplicate" : "delivered");
    return FakeResponse::json(R"({"ok":true})");
  }

 private:
  std::string secret_ = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  std::mutex mutex_;
  std::set<std::string> seen_;
};

const bool kRegistered = registerModule([] { return std::make_unique<Webhook>(); });

}  // namespace
}  // namespace notify::fakeprov
