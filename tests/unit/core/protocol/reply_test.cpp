// SPDX-License-Identifier: Apache-2.0
#include "core/protocol/reply.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <string>

namespace notify::core {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// Parses a reply; fails the test (rather than crashing) when it is not a JSON object.
Object::Ptr parse(const std::string& json) {
  try {
    Poco::JSON::Parser parser;
    return parser.parse(json).extract<Object::Ptr>();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not a JSON object: " << json << " (" << e.what() << ")";
    return new Object;
  }
}

TEST(Reply, ErrorCarriesCodeMessageFieldAndReqId) {
  Object::Ptr reply = parse(encodeError(
      "\"r-1\"", makeError("missing_variable", "template 'w' needs \"name\"\n", "vars.name")));
  EXPECT_FALSE(reply->getValue<bool>("ok"));
  EXPECT_EQ(reply->getValue<std::string>("req_id"), "r-1");
  Object::Ptr error = reply->getObject("error");
  ASSERT_FALSE(error.isNull());
  EXPECT_EQ(error->getValue<std::string>("code"), "missing_variable");
  EXPECT_EQ(error->getValue<std::string>("message"), "template 'w' needs \"name\"\n");
  EXPECT_EQ(error->getValue<std::string>("field"), "vars.name");
}

TEST(Reply, ErrorWithoutFieldOrReqIdOmitsThem) {
  Object::Ptr reply = parse(encodeError("", makeError("bad_json", "not valid JSON")));
  EXPECT_FALSE(reply->has("req_id"));
  EXPECT_FALSE(reply->getObject("error")->has("field"));
  EXPECT_EQ(reply->getObject("error")->getValue<std::string>("code"), "bad_json");
}

TEST(Reply, AcceptedEchoesNumericReqId) {
  Object::Ptr reply = parse(encodeAccepted("7", Accepted{"m-1", "queued", ""}));
  EXPECT_TRUE(reply->getValue<bool>("ok"));
  EXPECT_EQ(reply->getValue<int>("req_id"), 7);
  EXPECT_EQ(reply->getValue<std::string>("message_id"), "m-1");
  EXPECT_EQ(reply->getValue<std::string>("status"), "queued");
  EXPECT_FALSE(reply->has("duplicate_of"));
}

TEST(Reply, DuplicateNamesTheOriginal) {
  Object::Ptr reply = parse(encodeAccepted("\"r\"", Accepted{"m-1", "duplicate", "m-1"}));
  EXPECT_EQ(reply->getValue<std::string>("status"), "duplicate");
  EXPECT_EQ(reply->getValue<std::string>("duplicate_of"), "m-1");
}

TEST(Reply, BatchListsOneResultPerElementInOrder) {
  std::vector<Result<Accepted>> items;
  items.emplace_back(Accepted{"m-1", "queued", ""});
  items.emplace_back(makeError("missing_variable", "needs name", "messages[1].vars.name"));
  items.emplace_back(Accepted{"m-0", "duplicate", "m-0"});
  Object::Ptr reply = parse(encodeBatch("7", items));
  EXPECT_TRUE(reply->getValue<bool>("ok"));
  EXPECT_EQ(reply->getValue<int>("req_id"), 7);
  Array::Ptr results = reply->getArray("results");
  ASSERT_FALSE(results.isNull());
  ASSERT_EQ(results->size(), 3u);
  Object::Ptr first = results->getObject(0);
  EXPECT_TRUE(first->getValue<bool>("ok"));
  EXPECT_EQ(first->getValue<std::string>("message_id"), "m-1");
  EXPECT_EQ(first->getValue<std::string>("status"), "queued");
  Object::Ptr second = results->getObject(1);
  EXPECT_FALSE(second->getValue<bool>("ok"));
  EXPECT_EQ(second->getObject("error")->getValue<std::string>("code"), "missing_variable");
  EXPECT_EQ(second->getObject("error")->getValue<std::string>("field"), "messages[1].vars.name");
  EXPECT_EQ(results->getObject(2)->getValue<std::string>("duplicate_of"), "m-0");
}

MessageRecord sampleRecord() {
  MessageRecord r;
  r.id = "019a6b3c-5a1e-7c4d-9f00-2b1d6e0a9c11";
  r.app = "demo";
  r.templateName = "welcome";
  r.channel = "im";
  r.state = MessageState::kDelivered;
  r.provider = "demo-file";
  r.providerMessageId = "p-9";
  r.attempts = 1;
  r.createdMs = 1795654800123;
  r.updatedMs = 1795654800125;
  r.reqId = "\"r-1\"";
  r.tagsJson = R"(["a","b"])";
  r.events = {{1795654800123, MessageState::kAccepted, "app:demo", "", "", ""},
              {1795654800124, MessageState::kSending, "dispatcher", "demo-file", "", "attempt 1"},
              {1795654800125, MessageState::kDelivered, "plugin:file", "demo-file", "0", "ok"}};
  return r;
}

TEST(Reply, StatusDescribesTheMessageAndItsEvents) {
  Object::Ptr reply = parse(encodeStatus("\"s\"", sampleRecord()));
  EXPECT_TRUE(reply->getValue<bool>("ok"));
  EXPECT_EQ(reply->getValue<std::string>("req_id"), "s");
  Object::Ptr m = reply->getObject("message");
  ASSERT_FALSE(m.isNull());
  EXPECT_EQ(m->getValue<std::string>("message_id"), "019a6b3c-5a1e-7c4d-9f00-2b1d6e0a9c11");
  EXPECT_EQ(m->getValue<std::string>("app"), "demo");
  EXPECT_EQ(m->getValue<std::string>("template"), "welcome");
  EXPECT_EQ(m->getValue<std::string>("channel"), "im");
  EXPECT_EQ(m->getValue<std::string>("state"), "delivered");
  EXPECT_EQ(m->getValue<std::string>("provider"), "demo-file");
  EXPECT_EQ(m->getValue<std::string>("provider_message_id"), "p-9");
  EXPECT_EQ(m->getValue<int>("attempts"), 1);
  EXPECT_EQ(m->getValue<std::string>("created_at"), "2026-11-26T01:00:00.123Z");
  EXPECT_EQ(m->getValue<std::string>("updated_at"), "2026-11-26T01:00:00.125Z");
  EXPECT_EQ(m->getValue<std::string>("req_id"), "r-1");
  ASSERT_EQ(m->getArray("tags")->size(), 2u);
  EXPECT_EQ(m->getArray("tags")->getElement<std::string>(1), "b");

  Array::Ptr events = m->getArray("events");
  ASSERT_EQ(events->size(), 3u);
  Object::Ptr accepted = events->getObject(0);
  EXPECT_EQ(accepted->getValue<std::string>("at"), "2026-11-26T01:00:00.123Z");
  EXPECT_EQ(accepted->getValue<std::string>("state"), "accepted");
  EXPECT_EQ(accepted->getValue<std::string>("actor"), "app:demo");
  EXPECT_FALSE(accepted->has("provider"));
  EXPECT_FALSE(accepted->has("detail"));
  Object::Ptr delivered = events->getObject(2);
  EXPECT_EQ(delivered->getValue<std::string>("state"), "delivered");
  EXPECT_EQ(delivered->getValue<std::string>("provider"), "demo-file");
  EXPECT_EQ(delivered->getValue<std::string>("code"), "0");
  EXPECT_EQ(delivered->getValue<std::string>("detail"), "ok");
}

TEST(Reply, StatusWithoutOptionalPartsStaysValid) {
  MessageRecord r = sampleRecord();
  r.provider.clear();
  r.providerMessageId.clear();
  r.reqId.clear();
  r.tagsJson.clear();
  r.events.clear();
  Object::Ptr m = parse(encodeStatus("", r))->getObject("message");
  EXPECT_FALSE(m->has("provider"));
  EXPECT_FALSE(m->has("req_id"));
  EXPECT_FALSE(m->has("tags"));
  EXPECT_EQ(m->getArray("events")->size(), 0u);
}

TEST(Reply, PongNamesTheVersion) {
  Object::Ptr reply = parse(encodePong("1", "0.1.0"));
  EXPECT_TRUE(reply->getValue<bool>("ok"));
  EXPECT_TRUE(reply->getValue<bool>("pong"));
  EXPECT_EQ(reply->getValue<std::string>("version"), "0.1.0");
  EXPECT_EQ(reply->getValue<int>("req_id"), 1);
}

}  // namespace
}  // namespace notify::core
