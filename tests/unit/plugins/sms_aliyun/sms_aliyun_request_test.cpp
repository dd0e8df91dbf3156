// SPDX-License-Identifier: Apache-2.0
// The SendSms request as a pure function of message + config + clock: its parameters, a form
// body signed over exactly those, and the messages that cannot be sent.
#include "plugins/sms_aliyun/sms_aliyun_request.hpp"

#include <Poco/URI.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "core/plugin/host_services.hpp"
#include "core/http/http_engine.hpp"
#include "unit/plugins/config_kv.hpp"
#include "unit/plugins/plugin_support.hpp"

namespace notify::plugin::sms_aliyun {
namespace {

using test::ConfigKv;
using test::RawMessage;

constexpr int64_t kNowMs = 1499827339000;  // 2017-07-12T02:42:19Z

core::OutboundMessage smsMessage() {
  core::OutboundMessage message = test::sampleMessage();
  message.id = "msg-1";
  message.attempt = 2;
  message.to = {{"phone", "15300000001"}};
  message.vars = {{"customer", "test"}, {"shop", "A&B"}};
  message.attrs = {{"template_id", "SMS_71390007"}, {"params", "customer"}};
  return message;
}

AliyunConfig configure(std::map<std::string, std::string> values) {
  values.emplace("access_key_id", "testId");
  values.emplace("access_key_secret", "testSecret\n");
  ConfigKv kv(std::move(values));
  return parseConfig(kv.config());
}

// The form body decoded, Signature included.
std::map<std::string, std::string> decodeForm(const std::string& body) {
  std::map<std::string, std::string> out;
  std::stringstream in(body);
  for (std::string pair; std::getline(in, pair, '&');) {
    std::string key;
    std::string value;
    Poco::URI::decode(pair.substr(0, pair.find('=')), key);
    Poco::URI::decode(pair.substr(pair.find('=') + 1), value);
    out[key] = value;
  }
  return out;
}

class SmsAliyunRequestTest : public ::testing::Test {
 protected:
  core::HostServices services_{"sms-aliyun-test", std::make_shared<core::HttpEngine>()};
  sdk::Host host_{services_.api()};
};

TEST_F(SmsAliyunRequestTest, ConfigDefaultsToTheRealEndpoint) {
  const AliyunConfig config = configure({});
  EXPECT_EQ(config.url, "https://dysmsapi.aliyuncs.com/");
  EXPECT_EQ(config.region, "cn-hangzhou");
  EXPECT_EQ(config.accessKeySecret, "testSecret");
  EXPECT_EQ(config.timeoutMs, 10000U);
  EXPECT_THROW(configure({{"base_url", "dysmsapi.aliyuncs.com"}}), sdk::ConfigError);
  EXPECT_THROW(configure({{"access_key_id", ""}}), sdk::ConfigError);
}

TEST_F(SmsAliyunRequestTest, ParamsCarryTheMessageAsSendSmsWantsIt) {
  const RawMessage raw(smsMessage());
  std::string error;
  const Params params =
      buildParams(configure({{"sign_name", "阿里云短信测试专用"}}), raw.message(), kNowMs, error);
  ASSERT_EQ(error, "");
  const std::map<std::string, std::string> got(params.begin(), params.end());
  const std::map<std::string, std::string> expected = {
      {"AccessKeyId", "testId"},
      {"Action", "SendSms"},
      {"Format", "JSON"},
      {"OutId", "msg-1"},
      {"PhoneNumbers", "15300000001"},
      {"RegionId", "cn-hangzhou"},
      {"SignName", "阿里云短信测试专用"},
      {"SignatureMethod", "HMAC-SHA1"},
      {"SignatureNonce", "msg-1-2-1499827339000"},
      {"SignatureVersion", "1.0"},
      {"TemplateCode", "SMS_71390007"},
      {"TemplateParam", R"({"customer":"test"})"},
      {"Timestamp", "2017-07-12T02:42:19Z"},
      {"Version", "2017-05-25"},
  };
  EXPECT_EQ(got, expected);
}

TEST_F(SmsAliyunRequestTest, WithoutParamsAttrEveryVariableGoesIntoTemplateParam) {
  core::OutboundMessage message = smsMessage();
  message.attrs = {{"template_id", "SMS_1"}, {"sign_name", "Shop"}};
  const RawMessage raw(message);
  std::string error;
  const Params params =
      buildParams(configure({{"sign_name", "Other"}}), raw.message(), kNowMs, error);
  const std::map<std::string, std::string> got(params.begin(), params.end());
  EXPECT_EQ(got.at("TemplateParam"), R"({"customer":"test","shop":"A&B"})");
  EXPECT_EQ(got.at("SignName"), "Shop");
}

TEST_F(SmsAliyunRequestTest, NonceDiffersPerAttemptAndInstant) {
  const AliyunConfig config = configure({{"sign_name", "Shop"}});
  core::OutboundMessage message = smsMessage();
  std::string error;
  const RawMessage first(message);
  message.attempt = 3;
  const RawMessage second(message);
  auto nonce = [&](const RawMessage& raw, int64_t now) {
    const Params params = buildParams(config, raw.message(), now, error);
    return std::map<std::string, std::string>(params.begin(), params.end()).at("SignatureNonce");
  };
  EXPECT_NE(nonce(first, kNowMs), nonce(second, kNowMs));
  EXPECT_NE(nonce(first, kNowMs), nonce(first, kNowMs + 1));
}

TEST_F(SmsAliyunRequestTest, FormBodyIsSignedOverExactlyItsParameters) {
  const AliyunConfig config = configure({{"sign_name", "阿里云短信测试专用"}});
  const RawMessage raw(smsMessage());
  const AliyunRequest request = buildRequest(config, raw.message(), host_, kNowMs);
  ASSERT_EQ(request.error, "");
  std::map<std::string, std::string> form = decodeForm(request.body);
  const std::string signature = form.at("Signature");
  form.erase("Signature");
  const Params received(form.begin(), form.end());
  EXPECT_EQ(signature, rpcSignature(host_, "POST", received, "testSecret"));
  EXPECT_EQ(form.at("TemplateParam"), R"({"customer":"test"})");
  EXPECT_EQ(request.headers.front(), (std::pair<std::string, std::string>{
                                         "Content-Type", "application/x-www-form-urlencoded"}));
  // Signature is the last pair, encoded: + / = never appear raw.
  EXPECT_EQ(request.body.rfind("&Signature=" + host_.urlEncode(signature)),
            request.body.size() - host_.urlEncode(signature).size() - 11);
}

TEST_F(SmsAliyunRequestTest, MessagesThatCannotBeSentSayWhy) {
  auto errorFor = [&](const AliyunConfig& config, core::OutboundMessage message) {
    const RawMessage raw(message);
    return buildRequest(config, raw.message(), host_, kNowMs).error;
  };
  const AliyunConfig signed_ = configure({{"sign_name", "Shop"}});
  core::OutboundMessage message = smsMessage();
  EXPECT_NE(errorFor(configure({}), message).find("sign_name"), std::string::npos);
  message.attrs = {};
  EXPECT_NE(errorFor(signed_, message).find("attrs.template_id"), std::string::npos);
  message = smsMessage();
  message.to = {};
  EXPECT_NE(errorFor(signed_, message).find("to.phone"), std::string::npos);
  message = smsMessage();
  message.attrs = {{"template_id", "SMS_1"}, {"params", "customer,code"}};
  EXPECT_NE(errorFor(signed_, message).find("'code'"), std::string::npos);
}

}  // namespace
}  // namespace notify::plugin::sms_aliyun
