// SPDX-License-Identifier: Apache-2.0
// The webhook channel: POSTs each message as a signed Standard Webhooks request through the
// host's HTTP client. The decisions live in webhook_request.cpp; common::PostChannel only
// wires them.
#include "notify/channel.hpp"
#include "plugins/common/post_channel.hpp"
#include "plugins/webhook/webhook_request.hpp"

namespace notify::plugin::webhook {
namespace {

using WebhookChannel = common::PostChannel<parseConfig, buildRequest, classify>;

const notify_param_spec kParams[] = {
    {"url", NOTIFY_PARAM_STRING, 1, nullptr, "endpoint to POST to (http:// or https://)"},
    {"secret", NOTIFY_PARAM_SECRET, 0, nullptr,
     "Standard Webhooks signing secret whsec_<base64>; unsigned when absent"},
    {"event_type", NOTIFY_PARAM_STRING, 0, "notification.message", "envelope \"type\" field"},
    {"timeout_ms", NOTIFY_PARAM_INT, 0, "10000", "request timeout in milliseconds"},
    {"headers", NOTIFY_PARAM_LIST, 0, nullptr, "extra static headers, each \"Name: value\""},
    {nullptr, 0, 0, nullptr, nullptr},
};

}  // namespace
}  // namespace notify::plugin::webhook

NOTIFY_DEFINE_CHANNEL(notify::plugin::webhook::WebhookChannel, "webhook", "1.0.0",
                      "POSTs messages as signed Standard Webhooks requests",
                      notify::plugin::webhook::kParams, NOTIFY_CHANNEL_THREADSAFE_SEND)
