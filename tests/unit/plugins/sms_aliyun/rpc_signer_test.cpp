// SPDX-License-Identifier: Apache-2.0
// Alibaba Cloud RPC signature v1 against the published vectors (providers.md section 2),
// computed through the real host services as the plugin computes them.
#include "plugins/sms_aliyun/rpc_signer.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/plugin/host_services.hpp"
#include "core/http/http_engine.hpp"

namespace notify::plugin::sms_aliyun {
namespace {

class RpcSignerTest : public ::testing::Test {
 protected:
  core::HostServices services_{"rpc-test", std::make_shared<core::HttpEngine>()};
  sdk::Host host_{services_.api()};
};

// The official SMS example, in an unsorted order to show the signer sorts.
const Params kSmsVector = {
    {"TemplateParam", R"({"customer":"test"})"},
    {"AccessKeyId", "testId"},
    {"Action", "SendSms"},
    {"Format", "XML"},
    {"OutId", "123"},
    {"PhoneNumbers", "15300000001"},
    {"RegionId", "cn-hangzhou"},
    {"SignName", "阿里云短信测试专用"},
    {"SignatureMethod", "HMAC-SHA1"},
    {"SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466"},
    {"SignatureVersion", "1.0"},
    {"TemplateCode", "SMS_71390007"},
    {"Timestamp", "2017-07-12T02:42:19Z"},
    {"Version", "2017-05-25"},
};

TEST_F(RpcSignerTest, ReproducesTheOfficialSendSmsVector) {
  EXPECT_EQ(stringToSign(host_, "GET", kSmsVector)
                .rfind("GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D"
                       "123%26PhoneNumbers%3D15300000001",
                       0),
            0U);
  const std::string signature = rpcSignature(host_, "GET", kSmsVector, "testSecret");
  EXPECT_EQ(signature, "zJDF+Lrzhj/ThnlvIToysFRq6t4=");
  EXPECT_EQ(host_.urlEncode(signature), "zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D");
}

TEST_F(RpcSignerTest, ReproducesTheDescribeRegionsVector) {
  const Params params = {
      {"AccessKeyId", "testid"},
      {"Action", "DescribeRegions"},
      {"Format", "XML"},
      {"SignatureMethod", "HMAC-SHA1"},
      {"SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
      {"SignatureVersion", "1.0"},
      {"Timestamp", "2016-02-23T12:46:24Z"},
      {"Version", "2014-05-26"},
  };
  EXPECT_EQ(stringToSign(host_, "GET", params),
            "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML"
            "%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-"
            "4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z"
            "%26Version%3D2014-05-26");
  EXPECT_EQ(rpcSignature(host_, "GET", params, "testsecret"), "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
}

TEST_F(RpcSignerTest, EncodesSpaceStarAndTildeTheRfc3986Way) {
  const Params params = {{"b", "x y*z~"}, {"a", "1"}, {"Signature", "ignored"}};
  EXPECT_EQ(canonicalQuery(host_, params), "a=1&b=x%20y%2Az~");
}

TEST_F(RpcSignerTest, MethodAndSecretAreSigned) {
  const std::string get = rpcSignature(host_, "GET", kSmsVector, "testSecret");
  EXPECT_NE(rpcSignature(host_, "POST", kSmsVector, "testSecret"), get);
  EXPECT_NE(rpcSignature(host_, "GET", kSmsVector, "otherSecret"), get);
}

}  // namespace
}  // namespace notify::plugin::sms_aliyun
