// SPDX-License-Identifier: Apache-2.0
// The WhatsApp Cloud API channel: sends each message from the configured business number to
// to.phone, as a template message or a text message. The decisions live in
// whatsapp_request.cpp; this file only wires them.
#include "notify/channel.hpp"
#include "plugins/whatsapp/whatsapp_request.hpp"

namespace notify::plugin::whatsapp {
namespace {

// Thread-safe send: the configuration is read-only after construction.
class WhatsappChannel : public sdk::Channel {
 public:
  WhatsappChannel(sdk::Host host, const sdk::Config& config)
      : host_(host), config_(parseConfig(config)) {}

  sdk::Outcome send(const sdk::Message& message) override {
    const WaRequest request = buildRequest(config_, message);
    if (request.refusal) {
      return *request.refusal;
    }
    return classify(
        host_.http("POST", request.url, request.headers, request.body, config_.timeoutMs), config_);
  }

 private:
  sdk::Host host_;
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
