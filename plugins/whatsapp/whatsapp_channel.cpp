// SPDX-License-Identifier: Apache-2.0
// The WhatsApp Cloud API channel: sends each message from the configured business number to
// to.phone, as a template message or a text message. The decisions live in
// whatsapp_request.cpp; this file only wires them.
#include "notify/channel.hpp"
#include "plugins/whatsapp/whatsapp_request.hpp"

namespace notify::plugin::whatsapp {
namespace {

// An sdk::HttpChannel: the host makes the POST. The configuration is read-only after
// construction, so prepare and complete are thread-safe.
class WhatsappChannel : public sdk::HttpChannel {
 public:
  WhatsappChannel(sdk::Host host, const sdk::Config& config)
      : sdk::HttpChannel(host), config_(parseConfig(config)) {}

  sdk::Prepared prepare(const sdk::Message& message) const override {
    WaRequest request = buildRequest(config_, message);
    if (request.refusal) {
      return sdk::Prepared::outcome(*request.refusal);
    }
    return sdk::Prepared::request({"POST", request.url, std::move(request.headers),
                                   std::move(request.body), config_.timeoutMs});
  }

  sdk::Outcome complete(const sdk::Message&, const sdk::HttpResult& result) const override {
    return classify(result, config_);
  }

 private:
  WaConfig config_;
};

const notify_param_spec kParams[] = {
    {"base_url", NOTIFY_PARAM_STRING, 0, kDefaultBaseUrl.data(),
     "Graph API root; point it at a fake or proxy for tests"},
    {"api_version", NOTIFY_PARAM_STRING, 0, kDefaultApiVersion.data(),
     "Graph API version, e.g. v19.0"},
    {"phone_number_id", NOTIFY_PARAM_STRING, 1, nullptr,
     "the id of the sending business phone number (not the number itself)"},
    {"access_token", NOTIFY_PARAM_SECRET, 1, nullptr, "system-user or app access token"},
    {"timeout_ms", NOTIFY_PARAM_INT, 0, "10000", "request timeout in milliseconds"},
    {nullptr, 0, 0, nullptr, nullptr},
};

}  // namespace
}  // namespace notify::plugin::whatsapp

NOTIFY_DEFINE_CHANNEL(notify::plugin::whatsapp::WhatsappChannel, "whatsapp", "0.1.0",
                      "WhatsApp Cloud API messages (text or approved templates)",
                      notify::plugin::whatsapp::kParams, NOTIFY_CHANNEL_THREADSAFE_SEND)
