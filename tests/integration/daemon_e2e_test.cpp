// SPDX-License-Identifier: Apache-2.0
// A real notifyd on a loopback port, a real ZeroMQ client, the webhook plugin posting to a local
// receiver that checks Standard Webhooks signatures.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "support/daemon_process.hpp"
#include "support/test_client.hpp"
#include "support/test_config.hpp"
#include "support/webhook_receiver.hpp"

namespace notify::test {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

class DaemonE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = freeLoopbackPort();
    config_ = writeDaemonConfig(dir_, port_, receiver_.url());
    daemon_ = std::make_unique<DaemonProcess>(config_, endpointFor(port_));
    daemon_->start();
    client_ = std::make_unique<TestClient>(endpointFor(port_));
  }

  void TearDown() override {
    if (HasFailure()) {
      std::cerr << "--- notifyd log ---\n" << daemon_->log();
    }
  }

  Object::Ptr waitForState(const std::string& id, const std::string& state) {
    Object::Ptr message = test::waitForState(*client_, id, state);
    EXPECT_TRUE(message && message->getValue<std::string>("state") == state)
        << "message " << id << " did not reach " << state;
    return message;
  }

  TempDir dir_;
  WebhookReceiver receiver_{kWebhookSecret};
  int port_ = 0;
  std::filesystem::path config_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::unique_ptr<TestClient> client_;
};

TEST_F(DaemonE2E, DeliversSignedWebhookAndRecordsTheWholeLifecycle) {
  Object::Ptr reply = client_->request(
      sendFrame("greeting", R"({"user":"u-42"})", R"({"name":"Ann"})", R"(,"req_id":"r-1")"));
  ASSERT_TRUE(reply->getValue<bool>("ok")) << reply->get("error").toString();
  EXPECT_EQ(reply->getValue<std::string>("req_id"), "r-1");
  EXPECT_EQ(reply->getValue<std::string>("status"), "queued");
  std::string id = reply->getValue<std::string>("message_id");

  ASSERT_TRUE(receiver_.waitFor(1, 10000));
  ReceivedWebhook hook = receiver_.received().front();
  EXPECT_TRUE(hook.signatureValid) << hook.signature;
  EXPECT_EQ(hook.id, id);  // webhook-id is the message id, stable across retries
  Poco::JSON::Parser parser;
  auto body = parser.parse(hook.body).extract<Object::Ptr>();
  auto data = body->getObject("data");
  EXPECT_EQ(data->getValue<std::string>("body"), "Hello Ann");
  EXPECT_EQ(data->getValue<std::string>("subject"), "Hi Ann");
  EXPECT_EQ(data->getObject("to")->getValue<std::string>("user"), "u-42");

  Object::Ptr message = waitForState(id, "delivered");
  EXPECT_EQ(eventStates(message),
            (std::vector<std::string>{"accepted", "queued", "sending", "delivered"}));
  EXPECT_EQ(message->getValue<std::string>("provider"), "hook");
  auto last = message->getArray("events")->getObject(3);
  EXPECT_EQ(last->getValue<std::string>("actor"), "plugin:webhook");
  EXPECT_EQ(last->getValue<std::string>("code"), "200");
}

TEST_F(DaemonE2E, RetriesTransientFailureThenDelivers) {
  receiver_.respondWith({503});
  Object::Ptr reply = client_->request(sendFrame("greeting", R"({"user":"u"})", R"({"name":"B"})"));
  ASSERT_TRUE(reply->getValue<bool>("ok"));
  std::string id = reply->getValue<std::string>("message_id");
  Object::Ptr message = waitForState(id, "delivered");
  EXPECT_EQ(eventStates(message), (std::vector<std::string>{"accepted", "queued", "sending",
                                                            "retrying", "sending", "delivered"}));
  EXPECT_EQ(message->getValue<int>("attempts"), 2);
  EXPECT_EQ(receiver_.received().size(), 2u);
  EXPECT_EQ(receiver_.received()[0].id, receiver_.received()[1].id);
}

TEST_F(DaemonE2E, PermanentRejectionFailsWithProviderCode) {
  receiver_.respondWith({400});
  Object::Ptr reply = client_->request(sendFrame("greeting", R"({"user":"u"})", R"({"name":"C"})"));
  std::string id = reply->getValue<std::string>("message_id");
  Object::Ptr message = waitForState(id, "failed");
  auto events = message->getArray("events");
  auto last = events->getObject(static_cast<unsigned>(events->size() - 1));
  EXPECT_EQ(last->getValue<std::string>("code"), "400");
  EXPECT_EQ(receiver_.received().size(), 1u);  // a rejection is not retried
}

TEST_F(DaemonE2E, MalformedInputGetsStructuredErrorsAndServiceContinues) {
  struct Case {
    std::string frame;
    std::string code;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"not json", "bad_json", ""},
      {"[1,2]", "bad_json", ""},
      {R"({"op":"explode"})", "unknown_op", "op"},
      {R"({"op":"send","app":"test","token":"wrong","template":"greeting","to":{"user":"u"}})",
       "unauthorized", "token"},
      {R"({"op":"send","app":"test","template":"greeting","to":{"user":"u"}})", "unauthorized",
       "token"},
      {sendFrame("nope", R"({"user":"u"})", "{}"), "unknown_template", "template"},
      {sendFrame("greeting", R"({"user":"u"})", "{}"), "missing_variable", "vars.name"},
      {sendFrame("greeting", R"({"user":"u"})", R"({"name":"x","extra":"y"})"), "unknown_variable",
       "vars.extra"},
      {sendFrame("greeting", R"("u")", R"({"name":"x"})"), "bad_request", "to"},
      {sendFrame("greeting", R"({"user":"u"})", R"({"name":"x"})", R"(,"send_at":"tomorrow")"),
       "invalid_send_at", "send_at"},
      {std::string(2 * 1024 * 1024, ' '), "frame_too_large", ""},
  };
  for (const auto& c : cases) {
    Object::Ptr reply = client_->request(c.frame);
    ASSERT_FALSE(reply->getValue<bool>("ok")) << c.frame.substr(0, 80);
    Object::Ptr error = reply->getObject("error");
    EXPECT_EQ(error->getValue<std::string>("code"), c.code) << c.frame.substr(0, 80);
    EXPECT_EQ(error->optValue<std::string>("field", ""), c.field) << c.frame.substr(0, 80);
    EXPECT_FALSE(error->getValue<std::string>("message").empty());
  }
  Object::Ptr ok = client_->request(sendFrame("greeting", R"({"user":"u"})", R"({"name":"D"})"));
  EXPECT_TRUE(ok->getValue<bool>("ok"));
  EXPECT_TRUE(receiver_.waitFor(1, 10000));
}

TEST_F(DaemonE2E, BatchStoresValidElementsAndExplainsInvalidOnes) {
  Object::Ptr reply = client_->request(
      R"({"op":"send_batch","req_id":7,"app":"test","token":"test-token","messages":[
        {"template":"greeting","to":{"user":"a"},"vars":{"name":"A"}},
        {"template":"greeting","to":{"user":"b"},"vars":{}},
        {"template":"greeting","to":{"user":"c"},"vars":{"name":"C"}}]})");
  ASSERT_TRUE(reply->getValue<bool>("ok"));
  EXPECT_EQ(reply->getValue<int>("req_id"), 7);
  Array::Ptr results = reply->getArray("results");
  ASSERT_EQ(results->size(), 3u);
  EXPECT_TRUE(results->getObject(0)->getValue<bool>("ok"));
  EXPECT_FALSE(results->getObject(1)->getValue<bool>("ok"));
  EXPECT_EQ(results->getObject(1)->getObject("error")->getValue<std::string>("field"),
            "messages[1].vars.name");
  EXPECT_TRUE(results->getObject(2)->getValue<bool>("ok"));
  ASSERT_TRUE(receiver_.waitFor(2, 10000));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(receiver_.received().size(), 2u);
}

TEST_F(DaemonE2E, IdempotencyKeyReturnsTheOriginalMessage) {
  std::string frame = sendFrame("greeting", R"({"user":"u"})", R"({"name":"E"})",
                                R"(,"idempotency_key":"order-1")");
  Object::Ptr first = client_->request(frame);
  Object::Ptr second = client_->request(frame);
  EXPECT_EQ(second->getValue<std::string>("status"), "duplicate");
  EXPECT_EQ(second->getValue<std::string>("duplicate_of"),
            first->getValue<std::string>("message_id"));
  ASSERT_TRUE(receiver_.waitFor(1, 10000));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(receiver_.received().size(), 1u);
}

TEST_F(DaemonE2E, StatusOfAnotherAppsMessageIsNotFound) {
  Object::Ptr reply = client_->request(
      R"({"op":"status","app":"test","token":"test-token","message_id":"019a0000-0000-7000-8000-000000000000"})");
  EXPECT_EQ(reply->getObject("error")->getValue<std::string>("code"), "not_found");
}

TEST_F(DaemonE2E, DeadLettersAreListedAndReplayed) {
  receiver_.respondWith({400});
  Object::Ptr reply = client_->request(sendFrame("greeting", R"({"user":"u"})", R"({"name":"F"})"));
  std::string id = reply->getValue<std::string>("message_id");
  waitForState(id, "failed");

  Object::Ptr list = client_->request(R"({"op":"dlq_list","app":"test","token":"test-token"})");
  ASSERT_TRUE(list->getValue<bool>("ok"));
  Array::Ptr letters = list->getArray("dead_letters");
  ASSERT_EQ(letters->size(), 1u);
  EXPECT_EQ(letters->getObject(0)->getValue<std::string>("message_id"), id);
  EXPECT_EQ(letters->getObject(0)->getValue<std::string>("code"), "400");

  Object::Ptr unfiltered =
      client_->request(R"({"op":"dlq_replay","app":"test","token":"test-token"})");
  EXPECT_EQ(unfiltered->getObject("error")->getValue<std::string>("code"), "bad_request");

  Object::Ptr replayed = client_->request(
      R"({"op":"dlq_replay","app":"test","token":"test-token","message_id":")" + id + "\"}");
  EXPECT_EQ(replayed->getValue<int>("replayed"), 1);
  Object::Ptr message = waitForState(id, "delivered");
  std::vector<std::string> states = eventStates(message);
  EXPECT_EQ(states.back(), "delivered");
  EXPECT_NE(std::find(states.begin(), states.end(), "failed"), states.end());
  EXPECT_EQ(receiver_.received().size(), 2u);
}

TEST_F(DaemonE2E, SigtermStopsCleanly) {
  EXPECT_EQ(daemon_->terminate(), 0);
}

}  // namespace
}  // namespace notify::test
