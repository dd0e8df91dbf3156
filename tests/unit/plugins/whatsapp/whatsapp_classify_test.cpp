// SPDX-License-Identifier: Apache-2.0
// What Cloud API answers mean: the message id on success, and Meta's error codes (not the
// HTTP status or the message text) deciding retry, rate limit, rejection or configuration.
#include <gtest/gtest.h>

#include "plugins/whatsapp/whatsapp_request.hpp"
#include "unit/plugins/config_kv.hpp"
#include "unit/plugins/http_answers.hpp"

namespace notify::plugin::whatsapp {
namespace {

using test::httpAnswer;

WaConfig config() {
  test::ConfigKv kv({{"phone_number_id", "1065"}, {"access_token", "EAAG-secret"}});
  return parseConfig(kv.config());
}

sdk::Outcome error(int64_t code, int status = 400, sdk::Headers headers = {}) {
  const std::string body =
      R"({"error":{"message":"(#)" + std::to_string(code) +
      R"() Something","type":"OAuthException","code":)" + std::to_string(code) +
      R"(,"error_data":{"messaging_product":"whatsapp","details":"why it failed"},)"
      R"("fbtrace_id":"A1"}})";
  return classify(httpAnswer(status, body, std::move(headers)), config());
}

TEST(WhatsappClassifyTest, SuccessIsAcceptedWithTheWamid) {
  const sdk::Outcome outcome = classify(
      httpAnswer(200, R"({"messaging_product":"whatsapp","contacts":[{"input":"+1650",)"
                      R"("wa_id":"1650"}],"messages":[{"id":"wamid.HBgL","message_status":)"
                      R"("accepted"}]})"),
      config());
  EXPECT_EQ(outcome.status, NOTIFY_ACCEPTED);
  EXPECT_EQ(outcome.providerMessageId, "wamid.HBgL");
  EXPECT_EQ(outcome.providerCode, "200");
}

TEST(WhatsappClassifyTest, ErrorCodeAndDetailsAreReported) {
  const sdk::Outcome outcome = error(131026);
  EXPECT_EQ(outcome.status, NOTIFY_REJECTED);
  EXPECT_EQ(outcome.providerCode, "131026");
  EXPECT_NE(outcome.detail.find("why it failed"), std::string::npos) << outcome.detail;
}

TEST(WhatsappClassifyTest, ThrottlingIsRateLimited) {
  EXPECT_EQ(error(130429, 429).status, NOTIFY_RATE_LIMITED);
  EXPECT_EQ(error(130429, 429, {{"retry-after", "3"}}).retryAfterMs, 3000);
  const sdk::Outcome pair = error(131056);
  EXPECT_EQ(pair.status, NOTIFY_RATE_LIMITED);
  EXPECT_EQ(pair.retryAfterMs, 6000);
}

TEST(WhatsappClassifyTest, PermanentErrorsAreRejected) {
  for (int64_t code : {131026, 131047, 132000, 132001, 100, 131008}) {
    EXPECT_EQ(error(code).status, NOTIFY_REJECTED) << code;
  }
}

TEST(WhatsappClassifyTest, AuthErrorsAreConfiguration) {
  for (int64_t code : {0, 190, 10, 200, 299}) {
    EXPECT_EQ(error(code, 401).status, NOTIFY_BAD_CONFIG) << code;
  }
}

TEST(WhatsappClassifyTest, TransientErrorsAreRetried) {
  for (int64_t code : {131000, 2, 1}) {
    EXPECT_EQ(error(code, 500).status, NOTIFY_RETRY) << code;
  }
  EXPECT_EQ(error(999999, 503).status, NOTIFY_RETRY);  // unlisted code, provider trouble
  EXPECT_EQ(error(999999, 400).status, NOTIFY_REJECTED);
}

TEST(WhatsappClassifyTest, AnswersWithoutAnErrorObjectFollowTheHttpStatus) {
  EXPECT_EQ(classify(httpAnswer(502, "<html/>"), config()).status, NOTIFY_RETRY);
  EXPECT_EQ(classify(httpAnswer(200, R"({"messages":[]})"), config()).status, NOTIFY_RETRY);
  const sdk::Outcome timeout = classify(
      test::transportFailure(NOTIFY_HOST_TIMEOUT, "Bearer EAAG-secret timed out"), config());
  EXPECT_EQ(timeout.status, NOTIFY_RETRY);
  EXPECT_EQ(timeout.detail.find("EAAG-secret"), std::string::npos);
}

}  // namespace
}  // namespace notify::plugin::whatsapp
