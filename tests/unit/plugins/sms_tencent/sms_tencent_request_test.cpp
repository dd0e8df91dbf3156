// SPDX-License-Identifier: Apache-2.0
// The SendSms request as a pure function of message + config + clock: the exact body, the
// headers actually sent, and a signature over exactly those. Crypto runs through the real host
// services.
#include "plugins/sms_tencent/sms_tencent_request.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "core/plugin/host_services.hpp"
#include "core/http/http_engine.hpp"
#include "plugins/sms_tencent/tc3_signer.hpp"
#include "unit/plugins/config_kv.hpp"
#include "unit/plugins/http_answers.hpp"
#include "unit/plugins/plugin_support.hpp"

namespace notify::plugin::sms_tencent {
namespace {

using test::ConfigKv;
using test::header;
using test::RawMessage;

constexpr int64_t kNowMs = 1700000000123;

core::OutboundMessage smsMessage() {
  core::OutboundMessage message = test::sampleMessage();
  message.id = "msg-1";
  message.to = {{"phone", "+8613711112222"}};
  message.vars = {{"minutes", "5"}, {"code", "4370"}};
  message.attrs = {{"template_id", "1110"}, {"params", "code, minutes"}};
  return message;
}

TencentConfig configure(std::map<std::string, std::string> values) {
  values.emplace("secret_id", "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE");
  values.emplace("secret_key", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE\n");
  values.emplace("sdk_app_id", "1400006666");
  ConfigKv kv(std::move(values));
  return parseConfig(kv.config());
}

class SmsTencentRequestTest : public ::testing::Test {
 protected:
  core::HostServices services_{"sms-tencent-test", std::make_shared<core::HttpEngine>()};
  sdk::Host host_{services_.api()};
};

TEST_F(SmsTencentRequestTest, ConfigDefaultsToTheRealEndpoint) {
  const TencentConfig config = configure({});
  EXPECT_EQ(config.url, "https://sms.tencentcloudapi.com/");
  EXPECT_EQ(config.host, "sms.tencentcloudapi.com");
  EXPECT_EQ(config.region, "ap-guangzhou");
  EXPECT_EQ(config.service, "sms");
  EXPECT_EQ(config.secretKey, "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE");  // file newline trimmed
  EXPECT_EQ(config.timeoutMs, 10000U);
}

TEST_F(SmsTencentRequestTest, HostFollowsABaseUrlWithAPort) {
  const TencentConfig config = configure({{"base_url", "http://127.0.0.1:8080/tencent/"}});
  EXPECT_EQ(config.url, "http://127.0.0.1:8080/tencent/");
  EXPECT_EQ(config.host, "127.0.0.1:8080");
}

TEST_F(SmsTencentRequestTest, BadConfigurationIsRefusedNamingTheKey) {
  EXPECT_THROW(configure({{"base_url", "ftp://example.com"}}), sdk::ConfigError);
  EXPECT_THROW(configure({{"secret_key", ""}, {"secret_id", "x"}}), sdk::ConfigError);
  EXPECT_THROW(configure({{"timeout_ms", "0"}}), sdk::ConfigError);
  try {
    configure({{"sdk_app_id", " "}});
    FAIL() << "an empty sdk_app_id was accepted";
  } catch (const sdk::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("sdk_app_id"), std::string::npos);
  }
}

TEST_F(SmsTencentRequestTest, BodyCarriesNumberAppSignTemplateOrderedParamsAndMessageId) {
  const RawMessage raw(smsMessage());
  std::string error;
  const std::string body = buildBody(configure({{"sign_name", "Tencent"}}), raw.message(), error);
  EXPECT_EQ(error, "");
  EXPECT_EQ(body, R"({"PhoneNumberSet":["+8613711112222"],"SmsSdkAppId":"1400006666",)"
                  R"("SignName":"Tencent","TemplateId":"1110","TemplateParamSet":["4370","5"],)"
                  R"("SessionContext":"msg-1"})");
}

TEST_F(SmsTencentRequestTest, TemplateSignNameOverridesTheConfiguredOne) {
  core::OutboundMessage message = smsMessage();
  message.attrs.emplace_back("sign_name", "腾讯云");
  const RawMessage raw(message);
  std::string error;
  const std::string body = buildBody(configure({{"sign_name", "Tencent"}}), raw.message(), error);
  EXPECT_NE(body.find(R"("SignName":"腾讯云")"), std::string::npos) << body;
}

TEST_F(SmsTencentRequestTest, NoParamsAttrAndNoSignNameLeaveThoseFieldsOut) {
  core::OutboundMessage message = smsMessage();
  message.attrs = {{"template_id", "1110"}};
  const RawMessage raw(message);
  std::string error;
  const std::string body = buildBody(configure({}), raw.message(), error);
  EXPECT_EQ(body, R"({"PhoneNumberSet":["+8613711112222"],"SmsSdkAppId":"1400006666",)"
                  R"("TemplateId":"1110","SessionContext":"msg-1"})");
}

TEST_F(SmsTencentRequestTest, MessagesThatCannotBeSentSayWhy) {
  const TencentConfig config = configure({});
  auto errorFor = [&](core::OutboundMessage message) {
    const RawMessage raw(message);
    return buildRequest(config, raw.message(), host_, kNowMs).error;
  };
  core::OutboundMessage message = smsMessage();
  message.attrs = {{"params", "code"}};
  EXPECT_NE(errorFor(message).find("attrs.template_id"), std::string::npos);
  message = smsMessage();
  message.to = {{"email", "a@example.com"}};
  EXPECT_NE(errorFor(message).find("to.phone"), std::string::npos);
  message = smsMessage();
  message.vars = {{"code", "4370"}};
  EXPECT_NE(errorFor(message).find("'minutes'"), std::string::npos);
  EXPECT_EQ(errorFor(smsMessage()), "");
}

TEST_F(SmsTencentRequestTest, SignsExactlyTheHeadersAndBodySent) {
  const TencentConfig config = configure({{"base_url", "http://127.0.0.1:8080/tencent"},
                                          {"region", "ap-beijing"},
                                          {"sign_name", "Tencent"}});
  const RawMessage raw(smsMessage());
  const TencentRequest request = buildRequest(config, raw.message(), host_, kNowMs);
  ASSERT_EQ(request.error, "");
  EXPECT_EQ(header(request.headers, "Host"), "127.0.0.1:8080");
  EXPECT_EQ(header(request.headers, "Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(header(request.headers, "X-TC-Action"), "SendSms");
  EXPECT_EQ(header(request.headers, "X-TC-Version"), "2021-01-11");
  EXPECT_EQ(header(request.headers, "X-TC-Timestamp"), "1700000000");
  EXPECT_EQ(header(request.headers, "X-TC-Region"), "ap-beijing");

  Tc3Request expected;
  expected.signedHeaders = {{"content-type", header(request.headers, "Content-Type")},
                            {"host", header(request.headers, "Host")}};
  expected.payload = request.body;
  expected.timestamp = 1700000000;
  expected.service = "sms";
  EXPECT_EQ(header(request.headers, "Authorization"),
            tc3Sign(host_, expected, config.secretId, config.secretKey).authorization);
  EXPECT_NE(header(request.headers, "Authorization")
                .find("Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2023-11-14/sms/tc3_request"),
            std::string::npos);
}

TEST_F(SmsTencentRequestTest, CredentialScopeUsesTheConfiguredService) {
  const TencentConfig config = configure({{"service", "smsfake"}});
  const RawMessage raw(smsMessage());
  const TencentRequest request = buildRequest(config, raw.message(), host_, kNowMs);
  EXPECT_NE(header(request.headers, "Authorization").find("/2023-11-14/smsfake/tc3_request"),
            std::string::npos);
}

}  // namespace
}  // namespace notify::plugin::sms_tencent
