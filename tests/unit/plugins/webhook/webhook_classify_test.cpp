// SPDX-License-Identifier: Apache-2.0
// Every branch of the HTTP-answer → outcome table in plugins/webhook/README.md.
#include <gtest/gtest.h>

#include <string>

#include "plugins/webhook/webhook_request.hpp"

namespace notify::plugin::webhook {
namespace {

sdk::HttpResult answer(int status, std::string retryAfter = {}, std::string body = {}) {
  sdk::HttpResult result;
  result.response.status = status;
  if (!retryAfter.empty()) {
    result.response.headers.emplace_back("retry-after", std::move(retryAfter));
  }
  result.response.body = std::move(body);
  return result;
}

sdk::HttpResult transportError(int32_t hostCode, std::string error) {
  sdk::HttpResult result;
  result.hostCode = hostCode;
  result.error = std::move(error);
  return result;
}

TEST(WebhookClassifyTest, AnyTwoHundredIsDelivered) {
  for (int status : {200, 201, 202, 204, 299}) {
    const sdk::Outcome outcome = classify(answer(status));
    EXPECT_EQ(outcome.status, NOTIFY_DELIVERED) << status;
    EXPECT_EQ(outcome.providerCode, std::to_string(status));
  }
}

TEST(WebhookClassifyTest, GoneIsRejected) {
  const sdk::Outcome outcome = classify(answer(410, "60"));
  EXPECT_EQ(outcome.status, NOTIFY_REJECTED);
  EXPECT_EQ(outcome.providerCode, "410");
  EXPECT_NE(outcome.detail.find("endpoint gone"), std::string::npos);
}

TEST(WebhookClassifyTest, TooManyRequestsIsRateLimitedHonouringRetryAfter) {
  const sdk::Outcome limited = classify(answer(429, "7"));
  EXPECT_EQ(limited.status, NOTIFY_RATE_LIMITED);
  EXPECT_EQ(limited.retryAfterMs, 7000);
  EXPECT_EQ(limited.providerCode, "429");
  EXPECT_EQ(classify(answer(429)).retryAfterMs, 0);
}

TEST(WebhookClassifyTest, GatewayErrorsRetryHonouringRetryAfter) {
  for (int status : {502, 503, 504}) {
    const sdk::Outcome outcome = classify(answer(status, " 3 "));
    EXPECT_EQ(outcome.status, NOTIFY_RETRY) << status;
    EXPECT_EQ(outcome.retryAfterMs, 3000) << status;
    EXPECT_EQ(outcome.providerCode, std::to_string(status));
  }
}

TEST(WebhookClassifyTest, OtherServerErrorsRetryWithBodyInDetail) {
  const sdk::Outcome outcome = classify(answer(500, {}, "database down"));
  EXPECT_EQ(outcome.status, NOTIFY_RETRY);
  EXPECT_EQ(outcome.retryAfterMs, 0);
  EXPECT_EQ(outcome.detail, "HTTP 500: database down");
}

TEST(WebhookClassifyTest, RedirectsAreRejectedNotFollowed) {
  sdk::HttpResult moved = answer(301);
  moved.response.headers.emplace_back("location", "https://elsewhere.example.com/");
  const sdk::Outcome outcome = classify(moved);
  EXPECT_EQ(outcome.status, NOTIFY_REJECTED);
  EXPECT_EQ(outcome.providerCode, "301");
  EXPECT_NE(outcome.detail.find("redirect not followed"), std::string::npos);
  EXPECT_NE(outcome.detail.find("https://elsewhere.example.com/"), std::string::npos);
  EXPECT_EQ(classify(answer(307)).status, NOTIFY_REJECTED);
}

TEST(WebhookClassifyTest, OtherClientErrorsAreRejected) {
  for (int status : {400, 401, 403, 404, 413, 422}) {
    EXPECT_EQ(classify(answer(status)).status, NOTIFY_REJECTED) << status;
  }
}

TEST(WebhookClassifyTest, TransportErrorsRetryWithTheHostsText) {
  const sdk::Outcome timeout = classify(transportError(NOTIFY_HOST_TIMEOUT, "timed out after 10s"));
  EXPECT_EQ(timeout.status, NOTIFY_RETRY);
  EXPECT_EQ(timeout.detail, "timed out after 10s");
  EXPECT_EQ(timeout.providerCode, "timeout");
  const sdk::Outcome refused =
      classify(transportError(NOTIFY_HOST_CONNECT_FAILED, "Connection refused"));
  EXPECT_EQ(refused.status, NOTIFY_RETRY);
  EXPECT_EQ(refused.detail, "Connection refused");
  const sdk::Outcome broken = classify(transportError(NOTIFY_HOST_IO_ERROR, "reset by peer"));
  EXPECT_EQ(broken.status, NOTIFY_RETRY);
  EXPECT_EQ(broken.detail, "reset by peer");
}

TEST(WebhookClassifyTest, RequestTheHostRefusesIsBadConfig) {
  EXPECT_EQ(classify(transportError(NOTIFY_HOST_BAD_ARGUMENT, "bad URL")).status,
            NOTIFY_BAD_CONFIG);
}

TEST(WebhookClassifyTest, StatusesOutsideHttpsFinalRangeRetry) {
  EXPECT_EQ(classify(answer(101)).status, NOTIFY_RETRY);
  EXPECT_EQ(classify(answer(600)).status, NOTIFY_RETRY);
}

TEST(WebhookClassifyTest, LongErrorBodiesAreCutOnACharacterBoundary) {
  std::string body(199, 'x');
  body += "\xE4\xBD\xA0 and much more text";  // the 3-byte character straddles the cut
  const sdk::Outcome outcome = classify(answer(400, {}, body));
  EXPECT_EQ(outcome.detail, "HTTP 400: " + std::string(199, 'x') + "...");
}

TEST(WebhookClassifyTest, RetryAfterOnlyAcceptsDeltaSeconds) {
  EXPECT_EQ(parseRetryAfterMs("120"), 120000);
  EXPECT_EQ(parseRetryAfterMs("0"), 0);
  EXPECT_EQ(parseRetryAfterMs(""), 0);
  EXPECT_EQ(parseRetryAfterMs("-1"), 0);
  EXPECT_EQ(parseRetryAfterMs("1.5"), 0);
  EXPECT_EQ(parseRetryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT"), 0);
  EXPECT_EQ(parseRetryAfterMs("99999999999999999999"), 0);
  EXPECT_EQ(parseRetryAfterMs("100000000"), int64_t{7} * 24 * 3600 * 1000);  // capped at a week
}

}  // namespace
}  // namespace notify::plugin::webhook
