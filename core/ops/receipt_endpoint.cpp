// SPDX-License-Identifier: Apache-2.0
#include "core/ops/receipt_endpoint.hpp"

#include "core/common/log.hpp"

namespace notify::core {
namespace {

constexpr const char* kPrefix = "/receipts/";

bool sameSecret(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

InboundReport reportOf(const OpsRequest& request) {
  InboundReport report;
  report.method = request.method;
  report.query.assign(request.query.begin(), request.query.end());
  report.headers.assign(request.headers.begin(), request.headers.end());
  report.body = request.body;
  return report;
}

std::string contentTypeOf(const std::string& reply) {
  if (!reply.empty() && (reply.front() == '{' || reply.front() == '[')) {
    return "application/json";
  }
  return reply.empty() || reply.front() != '<' ? "text/plain" : "application/xml";
}

}  // namespace

OpsHandler receiptEndpoint(const RuntimeHolder& runtime, MessageStore& store,
                           DeliveryMetrics* metrics, std::function<int64_t()> clock) {
  return [&runtime, &store, metrics, clock](const OpsRequest& request) -> OpsResponse {
    std::string name = request.path.substr(std::string(kPrefix).size());
    std::shared_ptr<const Runtime> current = runtime.get();
    const DaemonConfig& config = *current->config;
    auto provider = config.providers.find(name);
    std::shared_ptr<ChannelInstance> instance = current->providers->find(name);
    if (provider == config.providers.end() || !instance || !instance->acceptsReceipts()) {
      return opsError(404, "not_found", "no provider '" + name + "' taking delivery reports",
                      "path");
    }
    if (request.method != "POST" && request.method != "GET") {
      return opsError(405, "invalid_request", "delivery reports are POSTed", "method");
    }
    const std::string& token = provider->second.receiptToken;
    auto given = request.query.find("token");
    if (!token.empty() && (given == request.query.end() || !sameSecret(given->second, token))) {
      logWarn("receipts", "provider " + name + ": report without a valid token refused");
      return opsError(401, "unauthorized", "missing or wrong token", "token");
    }
    Result<ParsedReceipts> parsed = instance->parseReceipts(reportOf(request));
    if (!parsed) {
      logWarn("receipts", parsed.error().message);
      int status = parsed.error().code == "forbidden" ? 403 : 400;
      return opsError(status, parsed.error().code, parsed.error().message);
    }
    size_t applied = 0;
    for (const auto& r : parsed->receipts) {
      MessageState state = r.delivered ? MessageState::kDelivered : MessageState::kFailed;
      MessageEvent event{clock(), state, "provider:" + name, name, r.code, r.detail};
      Result<ReceiptApplied> done = store.applyReceipt(name, r.providerMessageId, state, event);
      if (!done) {
        return opsError(503, done.error().code, done.error().message);
      }
      applied += done->matched ? 1 : 0;
      if (done->moved && metrics != nullptr) {
        metrics->recordOutcome(done->app, done->templateName, done->channel, name,
                               stateName(state));
      }
    }
    logInfo("receipts", "provider " + name + ": " + std::to_string(applied) + " of " +
                            std::to_string(parsed->receipts.size()) + " reports matched");
    return {200, contentTypeOf(parsed->reply), parsed->reply};
  };
}

}  // namespace notify::core
