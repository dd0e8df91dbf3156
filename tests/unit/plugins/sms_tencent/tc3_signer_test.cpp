// SPDX-License-Identifier: Apache-2.0
// TC3-HMAC-SHA256 against the published vectors (providers.md section 1), computed through the
// real host services as the plugin computes them.
#include "plugins/sms_tencent/tc3_signer.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/plugin/host_services.hpp"
#include "core/http/http_engine.hpp"

namespace notify::plugin::sms_tencent {
namespace {

constexpr const char* kSecretId = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
constexpr const char* kSecretKey = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
constexpr const char* kContentType = "application/json; charset=utf-8";
// The body of the official CVM DescribeInstances example, with its literal \u escapes.
constexpr const char* kCvmBody =
    R"({"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]})";

class Tc3SignerTest : public ::testing::Test {
 protected:
  Tc3Request cvmRequest() const {
    Tc3Request request;
    request.signedHeaders = {{"Content-Type", kContentType}, {"Host", "cvm.tencentcloudapi.com"}};
    request.payload = kCvmBody;
    request.timestamp = 1551113065;
    request.service = "cvm";
    return request;
  }

  core::HostServices services_{"tc3-test", std::make_shared<core::HttpEngine>()};
  sdk::Host host_{services_.api()};
};

TEST_F(Tc3SignerTest, ReproducesTheOfficialDescribeInstancesVector) {
  const Tc3Signature signature = tc3Sign(host_, cvmRequest(), kSecretId, kSecretKey);
  EXPECT_EQ(host_.hex(host_.sha256(kCvmBody)),
            "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064");
  EXPECT_EQ(host_.hex(host_.sha256(signature.canonicalRequest)),
            "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031");
  EXPECT_EQ(signature.signature,
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168");
  EXPECT_EQ(signature.authorization,
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/"
            "tc3_request, SignedHeaders=content-type;host, "
            "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168");
}

TEST_F(Tc3SignerTest, ReproducesTheVectorThatAlsoSignsTheLowerCasedAction) {
  Tc3Request request = cvmRequest();
  // Given in a different order and case: the signer sorts names and lower-cases values.
  request.signedHeaders = {{"X-TC-Action", "DescribeInstances"},
                           {"host", "cvm.tencentcloudapi.com"},
                           {"content-type", kContentType}};
  const Tc3Signature signature = tc3Sign(host_, request, kSecretId, std::string(32, '*'));
  EXPECT_EQ(host_.hex(host_.sha256(signature.canonicalRequest)),
            "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84");
  EXPECT_EQ(signature.signature,
            "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f");
  EXPECT_NE(signature.authorization.find("SignedHeaders=content-type;host;x-tc-action,"),
            std::string::npos);
}

TEST_F(Tc3SignerTest, ReproducesTheSendSmsCrossCheckVector) {
  Tc3Request request;
  request.signedHeaders = {{"Content-Type", kContentType}, {"Host", "sms.tencentcloudapi.com"}};
  request.payload =
      R"({"PhoneNumberSet":["+8613711112222"],"SmsSdkAppId":"1400006666","SignName":"Tencent",)"
      R"("TemplateId":"1110","TemplateParamSet":["4370"]})";
  request.timestamp = 1700000000;
  request.service = "sms";
  const Tc3Signature signature = tc3Sign(host_, request, kSecretId, kSecretKey);
  EXPECT_EQ(signature.date, "2023-11-14");
  EXPECT_EQ(signature.signature,
            "abd05278dc9f2dbbc3728848acb0a02ef46a90ec2babaf18ab22250b60dbb76c");
}

TEST_F(Tc3SignerTest, CanonicalRequestHasTheDocumentedLayout) {
  const Tc3Signature signature = tc3Sign(host_, cvmRequest(), kSecretId, kSecretKey);
  EXPECT_EQ(signature.canonicalRequest,
            "POST\n/\n\ncontent-type:application/json; charset=utf-8\n"
            "host:cvm.tencentcloudapi.com\n\ncontent-type;host\n"
            "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064");
  EXPECT_EQ(signature.stringToSign.substr(0, signature.stringToSign.rfind('\n')),
            "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request");
}

TEST_F(Tc3SignerTest, DateIsTheUtcDateNotTheLocalOne) {
  Tc3Request request = cvmRequest();
  request.timestamp = 1700004599;  // 2023-11-14T23:29:59Z, already the 15th in UTC+8
  EXPECT_EQ(tc3Sign(host_, request, kSecretId, kSecretKey).date, "2023-11-14");
  request.timestamp = 1700006400;  // 2023-11-15T00:00:00Z
  EXPECT_EQ(tc3Sign(host_, request, kSecretId, kSecretKey).date, "2023-11-15");
}

TEST_F(Tc3SignerTest, EveryInputChangesTheSignature) {
  const std::string base = tc3Sign(host_, cvmRequest(), kSecretId, kSecretKey).signature;
  Tc3Request other = cvmRequest();
  other.payload += " ";
  EXPECT_NE(tc3Sign(host_, other, kSecretId, kSecretKey).signature, base);
  other = cvmRequest();
  other.signedHeaders[1].second = "127.0.0.1:8080";
  EXPECT_NE(tc3Sign(host_, other, kSecretId, kSecretKey).signature, base);
  other = cvmRequest();
  other.service = "sms";
  EXPECT_NE(tc3Sign(host_, other, kSecretId, kSecretKey).signature, base);
  EXPECT_NE(tc3Sign(host_, cvmRequest(), kSecretId, "another-key").signature, base);
}

}  // namespace
}  // namespace notify::plugin::sms_tencent
