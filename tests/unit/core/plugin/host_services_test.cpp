// SPDX-License-Identifier: Apache-2.0
// The host services table plugins get: crypto and encoders against published vectors, and the
// HTTP client against a local server (keep-alive reuse, timeouts, refused connections).
#include "core/plugin/host_services.hpp"

#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>

#include "core/http/http_engine.hpp"
#include "notify/channel.hpp"
#include "support/test_env.hpp"
#include "support/webhook_receiver.hpp"

namespace notify::core {
namespace {

class HostServicesTest : public ::testing::Test {
 protected:
  std::shared_ptr<HttpEngine> pool_ = std::make_shared<HttpEngine>();
  HostServices services_{"test", pool_, [] { return int64_t{1614265330000}; }};
  sdk::Host host_{services_.api()};
};

TEST_F(HostServicesTest, HmacMatchesRfcVectors) {
  // RFC 4231 test case 2 and RFC 2202 test case 2.
  EXPECT_EQ(host_.hex(host_.hmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(host_.hex(host_.hmacSha1("Jefe", "what do ya want for nothing?")),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  EXPECT_EQ(host_.hex(host_.sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(host_.hex(host_.sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  // RFC 4231 test case 6: a key longer than the block size is hashed first.
  EXPECT_EQ(host_.hex(host_.hmacSha256(std::string(131, '\xaa'),
                                       "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  // Empty message and empty input (the signature of an empty body).
  EXPECT_EQ(host_.hex(host_.hmacSha256("key", "")),
            "5d5d139563c95b5967b9bd9a8c9b233a9dedb45072794cd232dc1b74832607d0");
  EXPECT_EQ(host_.hex(host_.sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_F(HostServicesTest, DigestsRefuseAnOutputBufferTooSmallAndUnknownHashes) {
  uint8_t small[16];
  notify_str key{"k", 1};
  notify_str data{"data", 4};
  const notify_host_api* api = services_.api();
  EXPECT_EQ(api->hmac(api->ctx, NOTIFY_HASH_SHA256, key, data, small, sizeof(small)), -1);
  EXPECT_EQ(api->hash(api->ctx, NOTIFY_HASH_SHA1, data, small, sizeof(small)), -1);
  uint8_t enough[64];
  EXPECT_EQ(api->hmac(api->ctx, 99, key, data, enough, sizeof(enough)), -1);
  EXPECT_EQ(api->hash(api->ctx, NOTIFY_HASH_SHA256, data, enough, sizeof(enough)), 32);
}

TEST_F(HostServicesTest, Base64RoundTripsAndRejectsGarbage) {
  EXPECT_EQ(host_.base64("hello"), "aGVsbG8=");
  EXPECT_EQ(host_.base64Decode("aGVsbG8="), "hello");
  EXPECT_EQ(host_.base64(std::string(100, 'x')).find('\n'), std::string::npos);
  char out[16];
  notify_str bad{"!!!*", 4};
  EXPECT_EQ(services_.api()->base64_decode(services_.api()->ctx, bad, out, sizeof(out)), -1);
}

TEST_F(HostServicesTest, UrlEncodingIsRfc3986) {
  EXPECT_EQ(host_.urlEncode("a b*~/é"), "a%20b%2A~%2F%C3%A9");
}

TEST_F(HostServicesTest, EncodersReportTheSpaceTheyNeed) {
  char small[4];
  notify_str in{"hello", 5};
  EXPECT_EQ(services_.api()->hex_encode(services_.api()->ctx, in, small, sizeof(small)), -11);
}

TEST_F(HostServicesTest, ClockIsInjectable) {
  EXPECT_EQ(host_.nowUnixMs(), 1614265330000);
}

TEST_F(HostServicesTest, HttpReusesKeptAliveConnections) {
  test::WebhookReceiver receiver("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  for (int i = 0; i < 3; ++i) {
    sdk::HttpResult result = host_.http("POST", receiver.url(), {{"X-Test", "1"}}, "{}", 2000);
    ASSERT_TRUE(result.ok()) << result.error;
    EXPECT_EQ(result.response.status, 200);
    EXPECT_EQ(result.response.body, "ok");
    EXPECT_EQ(result.response.header("content-length"), "2");
  }
  EXPECT_EQ(receiver.received().size(), 3u);
  EXPECT_EQ(pool_->idleConnections(), 1u);  // one connection served all three
}

TEST_F(HostServicesTest, HttpReportsRefusedConnections) {
  int port = test::freeLoopbackPort();  // nothing listens there
  sdk::HttpResult result =
      host_.http("GET", "http://127.0.0.1:" + std::to_string(port) + "/", {}, "", 2000);
  EXPECT_EQ(result.hostCode, NOTIFY_HOST_CONNECT_FAILED);
  EXPECT_FALSE(result.error.empty());
}

TEST_F(HostServicesTest, HttpTimesOutOnASilentServer) {
  Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));  // never answers
  std::string url = "http://127.0.0.1:" + std::to_string(silent.address().port()) + "/";
  sdk::HttpResult result = host_.http("GET", url, {}, "", 200);
  EXPECT_EQ(result.hostCode, NOTIFY_HOST_TIMEOUT) << result.error;
}

TEST_F(HostServicesTest, HttpNeverWaitsPastTheMessageDeadline) {
  Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
  std::string url = "http://127.0.0.1:" + std::to_string(silent.address().port()) + "/";
  CallDeadlineScope deadline(1);  // long past
  sdk::HttpResult result = host_.http("GET", url, {}, "", 10000);
  EXPECT_EQ(result.hostCode, NOTIFY_HOST_TIMEOUT);
  EXPECT_NE(result.error.find("deadline"), std::string::npos);
}

TEST_F(HostServicesTest, HttpRefusesMalformedUrls) {
  EXPECT_EQ(host_.http("GET", "ftp://example.invalid/", {}, "").hostCode, NOTIFY_HOST_BAD_ARGUMENT);
  EXPECT_EQ(host_.http("GET", "not a url", {}, "").hostCode, NOTIFY_HOST_BAD_ARGUMENT);
}

}  // namespace
}  // namespace notify::core
