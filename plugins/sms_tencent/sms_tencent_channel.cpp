// SPDX-License-Identifier: Apache-2.0
// The sms_tencent channel: one Tencent Cloud SMS SendSms call per message, signed with TC3.
// The decisions live in sms_tencent_request.cpp; common::PostChannel only wires them.
#include "notify/channel.hpp"
#include "plugins/common/post_channel.hpp"
#include "plugins/common/receipts_channel.hpp"
#include "plugins/sms_tencent/sms_tencent_receipts.hpp"
#include "plugins/sms_tencent/sms_tencent_request.hpp"

namespace notify::plugin::sms_tencent {
namespace {

using SmsTencentChannel =
    common::ReceiptsChannel<common::PostChannel<parseConfig, buildRequest, classify>, parseStatusCallback>;

const notify_param_spec kParams[] = {
    {"secret_id", NOTIFY_PARAM_SECRET, 1, nullptr, "Tencent Cloud API SecretId"},
    {"secret_key", NOTIFY_PARAM_SECRET, 1, nullptr, "Tencent Cloud API SecretKey"},
    {"sdk_app_id", NOTIFY_PARAM_STRING, 1, nullptr, "SMS application id (SmsSdkAppId)"},
    {"sign_name", NOTIFY_PARAM_STRING, 0, nullptr,
     "approved SMS signature; a template's attrs.sign_name overrides it"},
    {"region", NOTIFY_PARAM_STRING, 0, "ap-guangzhou", "X-TC-Region"},
    {"base_url", NOTIFY_PARAM_STRING, 0, "https://sms.tencentcloudapi.com",
     "API root; the Host header and signature follow it"},
    {"service", NOTIFY_PARAM_STRING, 0, "sms", "TC3 credential scope service"},
    {"timeout_ms", NOTIFY_PARAM_INT, 0, "10000", "request timeout in milliseconds"},
    {nullptr, 0, 0, nullptr, nullptr},
};

}  // namespace
}  // namespace notify::plugin::sms_tencent

NOTIFY_DEFINE_CHANNEL(notify::plugin::sms_tencent::SmsTencentChannel, "sms_tencent", "0.1.0",
                      "Tencent Cloud SMS (SendSms 2021-01-11, TC3-HMAC-SHA256)",
                      notify::plugin::sms_tencent::kParams, NOTIFY_CHANNEL_THREADSAFE_SEND)
