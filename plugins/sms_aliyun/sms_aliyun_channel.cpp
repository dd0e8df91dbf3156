// SPDX-License-Identifier: Apache-2.0
// The sms_aliyun channel: one Aliyun Dysmsapi SendSms call per message, signed with RPC v1.
// The decisions live in sms_aliyun_request.cpp; common::PostChannel only wires them.
#include "notify/channel.hpp"
#include "plugins/common/post_channel.hpp"
#include "plugins/common/receipts_channel.hpp"
#include "plugins/sms_aliyun/sms_aliyun_receipts.hpp"
#include "plugins/sms_aliyun/sms_aliyun_request.hpp"

namespace notify::plugin::sms_aliyun {
namespace {

using SmsAliyunChannel =
    common::ReceiptsChannel<common::PostChannel<parseConfig, buildRequest, classify>, parseSmsReport>;

const notify_param_spec kParams[] = {
    {"access_key_id", NOTIFY_PARAM_SECRET, 1, nullptr, "Alibaba Cloud AccessKey ID"},
    {"access_key_secret", NOTIFY_PARAM_SECRET, 1, nullptr, "Alibaba Cloud AccessKey secret"},
    {"sign_name", NOTIFY_PARAM_STRING, 0, nullptr,
     "approved SMS signature; a template's attrs.sign_name overrides it"},
    {"region", NOTIFY_PARAM_STRING, 0, "cn-hangzhou", "RegionId"},
    {"base_url", NOTIFY_PARAM_STRING, 0, "https://dysmsapi.aliyuncs.com", "API root"},
    {"timeout_ms", NOTIFY_PARAM_INT, 0, "10000", "request timeout in milliseconds"},
    {nullptr, 0, 0, nullptr, nullptr},
};

}  // namespace
}  // namespace notify::plugin::sms_aliyun

NOTIFY_DEFINE_CHANNEL(notify::plugin::sms_aliyun::SmsAliyunChannel, "sms_aliyun", "0.1.0",
                      "Aliyun SMS (Dysmsapi SendSms 2017-05-25, RPC signature v1)",
                      notify::plugin::sms_aliyun::kParams, NOTIFY_CHANNEL_THREADSAFE_SEND)
