// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "core/protocol/request.hpp"

namespace notify::core {
namespace {

const std::string kAuth = R"("app": "demo", "token": "t0k")";

DecodedRequest decode(const std::string& frame, DecodeLimits limits = {}) {
  return decodeRequest(frame, limits);
}

// Decodes a frame that must be refused and returns the error.
Error refused(const std::string& frame, DecodeLimits limits = {}) {
  DecodedRequest decoded = decode(frame, limits);
  EXPECT_FALSE(decoded.request.ok()) << frame;
  return decoded.request.ok() ? Error{} : decoded.request.error();
}

// A send request with the given extra fields after the mandatory ones.
std::string send(const std::string& extra = "") {
  return R"({"op": "send", )" + kAuth + R"(, "template": "welcome", "to": {"email": "a@b.c"})" +
         extra + "}";
}

TEST(RequestDecoder, DecodesFullSendRequest) {
  DecodedRequest d = decode(send(R"(, "req_id": "r-1", "vars": {"name": "Ann"}, "channel": "im",
      "idempotency_key": "k1", "send_at": "2026-11-26T09:00:00+08:00", "tags": ["a", "b"])"));
  ASSERT_TRUE(d.request.ok()) << d.request.error().message;
  const Request& r = *d.request;
  EXPECT_EQ(r.op, Op::kSend);
  EXPECT_EQ(r.app, "demo");
  EXPECT_EQ(r.token, "t0k");
  EXPECT_EQ(r.send.templateName, "welcome");
  EXPECT_EQ(r.send.to, (KeyValues{{"email", "a@b.c"}}));
  EXPECT_EQ(r.send.vars, (KeyValues{{"name", "Ann"}}));
  EXPECT_EQ(r.send.channel, "im");
  EXPECT_EQ(r.send.idempotencyKey, "k1");
  ASSERT_TRUE(r.send.sendAtMs.has_value());
  EXPECT_EQ(*r.send.sendAtMs, 1795654800000);
  EXPECT_EQ(r.send.tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(d.reqIdJson, "\"r-1\"");
}

TEST(RequestDecoder, NotJsonIsBadJson) {
  Error e = refused("{\"op\": ");
  EXPECT_EQ(e.code, "bad_json");
  EXPECT_EQ(e.field, "");
  EXPECT_EQ(refused("hello").code, "bad_json");
}

TEST(RequestDecoder, JsonThatIsNotAnObjectIsBadJson) {
  EXPECT_EQ(refused("[1, 2]").code, "bad_json");
  EXPECT_EQ(refused("\"send\"").code, "bad_json");
  EXPECT_EQ(refused("42").code, "bad_json");
}

TEST(RequestDecoder, MissingOpIsBadRequest) {
  Error e = refused("{" + kAuth + "}");
  EXPECT_EQ(e.code, "bad_request");
  EXPECT_EQ(e.field, "op");
}

TEST(RequestDecoder, UnknownOpNamesTheField) {
  Error e = refused(R"({"op": "sned", )" + kAuth + "}");
  EXPECT_EQ(e.code, "unknown_op");
  EXPECT_EQ(e.field, "op");
  EXPECT_NE(e.message.find("sned"), std::string::npos);
}

TEST(RequestDecoder, FrameOverLimitIsTooLarge) {
  std::string frame = send();
  DecodedRequest d = decode(frame, DecodeLimits{frame.size() - 1, 1000});
  ASSERT_FALSE(d.request.ok());
  EXPECT_EQ(d.request.error().code, "frame_too_large");
  EXPECT_TRUE(decode(frame, DecodeLimits{frame.size(), 1000}).request.ok());
}

TEST(RequestDecoder, BatchOverLimitIsTooLarge) {
  std::string element = R"({"template": "t", "to": {"user": "u1"}})";
  std::string frame = R"({"op": "send_batch", )" + kAuth + R"(, "messages": [)" + element + "," +
                      element + "," + element + "]}";
  Error e = refused(frame, DecodeLimits{1 << 20, 2});
  EXPECT_EQ(e.code, "batch_too_large");
  EXPECT_EQ(e.field, "messages");
  EXPECT_TRUE(decode(frame, DecodeLimits{1 << 20, 3}).request.ok());
}

TEST(RequestDecoder, MissingAppIsBadRequest) {
  Error e = refused(R"({"op": "send", "token": "t", "template": "w", "to": {"user": "u"}})");
  EXPECT_EQ(e.code, "bad_request");
  EXPECT_EQ(e.field, "app");
}

TEST(RequestDecoder, MissingOrEmptyTokenIsUnauthorized) {
  Error missing = refused(R"({"op": "send", "app": "demo", "template": "w", "to": {"user": "u"}})");
  EXPECT_EQ(missing.code, "unauthorized");
  EXPECT_EQ(missing.field, "token");
  Error empty = refused(R"({"op": "status", "app": "demo", "token": "", "message_id": "x"})");
  EXPECT_EQ(empty.code, "unauthorized");
  EXPECT_EQ(empty.field, "token");
}

TEST(RequestDecoder, WrongTypesAreBadRequestNamingTheField) {
  Error to = refused(R"({"op": "send", )" + kAuth + R"(, "template": "w", "to": "a@b.c"})");
  EXPECT_EQ(to.code, "bad_request");
  EXPECT_EQ(to.field, "to");

  Error toValue =
      refused(R"({"op": "send", )" + kAuth + R"(, "template": "w", "to": {"phone": 1}})");
  EXPECT_EQ(toValue.code, "bad_request");
  EXPECT_EQ(toValue.field, "to.phone");

  Error vars = refused(send(R"(, "vars": {"name": {"first": "Ann"}})"));
  EXPECT_EQ(vars.code, "bad_request");
  EXPECT_EQ(vars.field, "vars.name");

  Error tags = refused(send(R"(, "tags": ["ok", 3])"));
  EXPECT_EQ(tags.code, "bad_request");
  EXPECT_EQ(tags.field, "tags[1]");

  Error tagsNotArray = refused(send(R"(, "tags": "a")"));
  EXPECT_EQ(tagsNotArray.field, "tags");

  Error tpl = refused(R"({"op": "send", )" + kAuth + R"(, "template": 5, "to": {"user": "u"}})");
  EXPECT_EQ(tpl.code, "bad_request");
  EXPECT_EQ(tpl.field, "template");

  Error channel = refused(send(R"(, "channel": true)"));
  EXPECT_EQ(channel.code, "bad_request");
  EXPECT_EQ(channel.field, "channel");
}

TEST(RequestDecoder, UnknownFieldIsBadRequestNamingIt) {
  Error e = refused(send(R"(, "priority": "high")"));
  EXPECT_EQ(e.code, "bad_request");
  EXPECT_EQ(e.field, "priority");
  EXPECT_NE(e.message.find("priority"), std::string::npos);

  Error ping = refused(R"({"op": "ping", "extra": 1})");
  EXPECT_EQ(ping.code, "bad_request");
  EXPECT_EQ(ping.field, "extra");
}

TEST(RequestDecoder, EmptyToIsInvalidRecipient) {
  Error e = refused(R"({"op": "send", )" + kAuth + R"(, "template": "w", "to": {}})");
  EXPECT_EQ(e.code, "invalid_recipient");
  EXPECT_EQ(e.field, "to");
}

TEST(RequestDecoder, MissingTemplateOrToIsBadRequest) {
  EXPECT_EQ(refused(R"({"op": "send", )" + kAuth + R"(, "to": {"user": "u"}})").field, "template");
  Error to = refused(R"({"op": "send", )" + kAuth + R"(, "template": "w"})");
  EXPECT_EQ(to.code, "bad_request");
  EXPECT_EQ(to.field, "to");
}

TEST(RequestDecoder, BadSendAtIsInvalidSendAt) {
  for (const char* value : {"2026-11-26T09:00:00", "tomorrow", "2026-02-30T09:00:00Z"}) {
    Error e = refused(send(std::string(R"(, "send_at": ")") + value + "\""));
    EXPECT_EQ(e.code, "invalid_send_at") << value;
    EXPECT_EQ(e.field, "send_at") << value;
  }
  Error notString = refused(send(R"(, "send_at": 1795654800000)"));
  EXPECT_EQ(notString.code, "bad_request");
  EXPECT_EQ(notString.field, "send_at");
}

TEST(RequestDecoder, IdempotencyKeyAtMost128Bytes) {
  DecodedRequest ok = decode(send(R"(, "idempotency_key": ")" + std::string(128, 'k') + "\""));
  ASSERT_TRUE(ok.request.ok());
  EXPECT_EQ(ok.request->send.idempotencyKey, std::string(128, 'k'));

  Error e = refused(send(R"(, "idempotency_key": ")" + std::string(129, 'k') + "\""));
  EXPECT_EQ(e.code, "bad_request");
  EXPECT_EQ(e.field, "idempotency_key");
}

TEST(RequestDecoder, ReqIdIsEchoedAsJson) {
  EXPECT_EQ(decode(send(R"(, "req_id": "r-\"1\"")")).reqIdJson, R"("r-\"1\"")");
  EXPECT_EQ(decode(send(R"(, "req_id": 7)")).reqIdJson, "7");
  EXPECT_EQ(decode(send()).reqIdJson, "");
}

TEST(RequestDecoder, ReqIdOfWrongTypeIsBadRequest) {
  for (const char* value : {"{}", "[1]", "null"}) {
    DecodedRequest d = decode(send(std::string(R"(, "req_id": )") + value));
    ASSERT_FALSE(d.request.ok()) << value;
    EXPECT_EQ(d.request.error().code, "bad_request") << value;
    EXPECT_EQ(d.request.error().field, "req_id") << value;
    EXPECT_EQ(d.reqIdJson, "") << value;
  }
}

TEST(RequestDecoder, ReqIdIsKeptWhenTheRequestIsRefused) {
  DecodedRequest unknownOp = decode(R"({"op": "nope", "req_id": "r-9"})");
  ASSERT_FALSE(unknownOp.request.ok());
  EXPECT_EQ(unknownOp.request.error().code, "unknown_op");
  EXPECT_EQ(unknownOp.reqIdJson, "\"r-9\"");

  DecodedRequest noToken = decode(R"({"op": "send", "req_id": 12, "app": "demo"})");
  ASSERT_FALSE(noToken.request.ok());
  EXPECT_EQ(noToken.request.error().code, "unauthorized");
  EXPECT_EQ(noToken.reqIdJson, "12");
}

TEST(RequestDecoder, BatchElementsAreJudgedAlone) {
  std::string frame = R"({"op": "send_batch", "req_id": 7, )" + kAuth + R"(, "messages": [
      {"template": "welcome", "to": {"email": "ann@example.com"}, "vars": {"name": "Ann"}},
      {"template": "welcome", "to": {"email": "bob@example.com"}, "vars": {"name": []}},
      "not an object",
      {"template": "welcome"},
      {"template": "welcome", "to": {"user": "u"}, "app": "demo"},
      {"template": "welcome", "to": {"user": "u"}, "tags": ["x", false]}]})";
  DecodedRequest d = decode(frame);
  ASSERT_TRUE(d.request.ok()) << d.request.error().message;
  EXPECT_EQ(d.reqIdJson, "7");
  const std::vector<Result<SendRequest>>& batch = d.request->batch;
  ASSERT_EQ(batch.size(), 6u);
  ASSERT_TRUE(batch[0].ok());
  EXPECT_EQ(batch[0]->to, (KeyValues{{"email", "ann@example.com"}}));
  EXPECT_EQ(batch[0]->vars, (KeyValues{{"name", "Ann"}}));
  ASSERT_FALSE(batch[1].ok());
  EXPECT_EQ(batch[1].error().code, "bad_request");
  EXPECT_EQ(batch[1].error().field, "messages[1].vars.name");
  ASSERT_FALSE(batch[2].ok());
  EXPECT_EQ(batch[2].error().field, "messages[2]");
  ASSERT_FALSE(batch[3].ok());
  EXPECT_EQ(batch[3].error().field, "messages[3].to");
  ASSERT_FALSE(batch[4].ok());
  EXPECT_EQ(batch[4].error().field, "messages[4].app");
  ASSERT_FALSE(batch[5].ok());
  EXPECT_EQ(batch[5].error().field, "messages[5].tags[1]");
}

TEST(RequestDecoder, BatchNeedsNonEmptyMessagesArray) {
  Error missing = refused(R"({"op": "send_batch", )" + kAuth + "}");
  EXPECT_EQ(missing.code, "bad_request");
  EXPECT_EQ(missing.field, "messages");
  EXPECT_EQ(refused(R"({"op": "send_batch", )" + kAuth + R"(, "messages": {}})").field, "messages");
  EXPECT_EQ(refused(R"({"op": "send_batch", )" + kAuth + R"(, "messages": []})").field, "messages");
  Error extra = refused(R"({"op": "send_batch", )" + kAuth + R"(, "messages": [], "to": {}})");
  EXPECT_EQ(extra.code, "bad_request");
  EXPECT_EQ(extra.field, "to");
}

TEST(RequestDecoder, PingNeedsNoAppOrToken) {
  DecodedRequest d = decode(R"({"op": "ping", "req_id": "p"})");
  ASSERT_TRUE(d.request.ok());
  EXPECT_EQ(d.request->op, Op::kPing);
  EXPECT_EQ(d.reqIdJson, "\"p\"");
}

TEST(RequestDecoder, StatusAndPluginsOps) {
  DecodedRequest status = decode(R"({"op": "status", )" + kAuth + R"(, "message_id": "m-1"})");
  ASSERT_TRUE(status.request.ok());
  EXPECT_EQ(status.request->op, Op::kStatus);
  EXPECT_EQ(status.request->messageId, "m-1");
  Error noId = refused(R"({"op": "status", )" + kAuth + "}");
  EXPECT_EQ(noId.code, "bad_request");
  EXPECT_EQ(noId.field, "message_id");

  DecodedRequest plugins = decode(R"({"op": "plugins", )" + kAuth + "}");
  ASSERT_TRUE(plugins.request.ok());
  EXPECT_EQ(plugins.request->op, Op::kPlugins);
  EXPECT_EQ(refused(R"({"op": "plugins"})").field, "app");
}

TEST(RequestDecoder, NumbersAndBooleansInVarsBecomeText) {
  DecodedRequest d =
      decode(send(R"(, "vars": {"n": 42, "neg": -3, "ok": true, "no": false, "s": "x"})"));
  ASSERT_TRUE(d.request.ok()) << d.request.error().message;
  KeyValues vars = d.request->send.vars;
  std::sort(vars.begin(), vars.end());
  EXPECT_EQ(vars,
            (KeyValues{{"n", "42"}, {"neg", "-3"}, {"no", "false"}, {"ok", "true"}, {"s", "x"}}));
}

TEST(RequestDecoder, NullVarIsRefused) {
  Error e = refused(send(R"(, "vars": {"name": null})"));
  EXPECT_EQ(e.code, "bad_request");
  EXPECT_EQ(e.field, "vars.name");
}

TEST(RequestDecoder, DeeplyNestedJsonIsRefusedNotACrash) {
  std::string deep =
      R"({"op": "ping", "x": )" + std::string(200000, '[') + std::string(200000, ']') + "}";
  DecodedRequest d = decode(deep);
  ASSERT_FALSE(d.request.ok());
  EXPECT_EQ(d.request.error().code, "bad_json");
}

TEST(RequestDecoder, RepeatedKeyIsBadRequestNamingIt) {
  Error top = refused(send(R"(, "template": "other")"));
  EXPECT_EQ(top.code, "bad_request");
  EXPECT_EQ(top.field, "template");
  Error nested =
      refused(R"({"op": "send_batch", )" + kAuth +
              R"(, "messages": [{"template": "w", "to": {"phone": "1", "phone": "2"}}]})");
  EXPECT_EQ(nested.code, "bad_request");
  EXPECT_EQ(nested.field, "messages[0].to.phone");
  EXPECT_NE(nested.message.find("duplicate"), std::string::npos);
}

TEST(RequestDecoder, NulIsBadRequestNamingTheField) {
  Error e = refused(R"({"op": "send", "app": "a", "token": "t", "template": "w",)"
                    R"( "to": {"phone": "1"}, "vars": {"code": "12\u00003"}})");
  EXPECT_EQ(e.code, "bad_request");
  EXPECT_EQ(e.field, "vars.code");
  EXPECT_EQ(e.message, "field 'vars.code' contains \\u0000 (NUL), which no text may contain");
}

TEST(RequestDecoder, BadJsonSaysWhereAndWhy) {
  Error e = refused(R"({"op": "send_batch", "messages": [{"to": {"phone": +1}}]})");
  EXPECT_EQ(e.code, "bad_json");
  EXPECT_EQ(e.field, "");
  EXPECT_EQ(e.message, "not valid JSON: unexpected character at byte 51 (in messages[0].to.phone)");
  EXPECT_EQ(refused("{\"op\": \"ping\", \"x\": \"\xC0\xAF\"}").code, "bad_json");
  EXPECT_EQ(refused(R"({"op": "ping", "x": "\ud800"})").code, "bad_json");
}

TEST(RequestDecoder, NumbersInVarsKeepTheirSpelling) {
  DecodedRequest d = decode(
      send(R"(, "vars": {"a": 1.50, "b": -0, "c": 1e3, "d": 123456789012345678901234567890})"));
  ASSERT_TRUE(d.request.ok()) << d.request.error().message;
  EXPECT_EQ(
      d.request->send.vars,
      (KeyValues{
          {"a", "1.50"}, {"b", "-0"}, {"c", "1e3"}, {"d", "123456789012345678901234567890"}}));
}

TEST(RequestDecoder, EscapedStringsAreDecoded) {
  DecodedRequest d = decode(R"({"op": "send", "app": "d\u0065mo", "token": "t\"k", "template": "w",
      "to": {"user": "\u5f20\u4e09"}, "vars": {"e": "\ud83d\ude00"}, "req_id": "r\u002f1"})");
  ASSERT_TRUE(d.request.ok()) << d.request.error().message;
  EXPECT_EQ(d.request->app, "demo");
  EXPECT_EQ(d.request->token, "t\"k");
  EXPECT_EQ(d.request->send.to, (KeyValues{{"user", "\xE5\xBC\xA0\xE4\xB8\x89"}}));
  EXPECT_EQ(d.request->send.vars, (KeyValues{{"e", "\xF0\x9F\x98\x80"}}));
  EXPECT_EQ(d.reqIdJson, "\"r/1\"");
}

TEST(RequestDecoder, LimitMustBeAnIntegerSpelling) {
  for (const char* limit : {"1.0", "1e1", "99999999999999999999", "\"5\"", "true"}) {
    Error e = refused(R"({"op": "dlq_list", )" + kAuth + R"(, "limit": )" + limit + "}");
    EXPECT_EQ(e.field, "limit") << limit;
  }
}

std::string cancel(const std::string& fields) {
  return R"({"op": "cancel", )" + kAuth + fields + "}";
}

TEST(RequestDecoder, CancelByIdKeyOrTag) {
  DecodedRequest byId = decode(cancel(R"(, "message_id": "m-1")"));
  ASSERT_TRUE(byId.request.ok()) << byId.request.error().message;
  EXPECT_EQ(byId.request->op, Op::kCancel);
  EXPECT_EQ(byId.request->cancel.messageId, "m-1");
  DecodedRequest byKey = decode(cancel(R"(, "idempotency_key": "order-7")"));
  ASSERT_TRUE(byKey.request.ok());
  EXPECT_EQ(byKey.request->cancel.idempotencyKey, "order-7");
  DecodedRequest byTag = decode(cancel(R"(, "tag": "spring-sale")"));
  ASSERT_TRUE(byTag.request.ok());
  EXPECT_EQ(byTag.request->cancel.tag, "spring-sale");
}

TEST(RequestDecoder, CancelNeedsExactlyOneTarget) {
  Error none = refused(cancel(""));
  EXPECT_EQ(none.code, "bad_request");
  EXPECT_EQ(none.field, "message_id");
  Error two = refused(cancel(R"(, "message_id": "m-1", "tag": "t")"));
  EXPECT_EQ(two.code, "bad_request");
  EXPECT_NE(two.message.find("exactly one"), std::string::npos);
  Error empty = refused(cancel(R"(, "tag": "")"));
  EXPECT_EQ(empty.field, "tag");
  Error wrongType = refused(cancel(R"(, "message_id": 7)"));
  EXPECT_EQ(wrongType.field, "message_id");
  Error unknown = refused(cancel(R"(, "message_id": "m", "template": "x")"));
  EXPECT_EQ(unknown.field, "template");
}

TEST(RequestDecoder, SendAtInABatchIsReadPerElement) {
  DecodedRequest d = decode(R"({"op": "send_batch", )" + kAuth + R"(, "messages": [
      {"template": "w", "to": {"email": "a@b.c"}, "send_at": "2026-03-08T01:59:00-05:00"},
      {"template": "w", "to": {"email": "a@b.c"}, "send_at": "2026-03-08 06:59:00"}]})");
  ASSERT_TRUE(d.request.ok());
  ASSERT_EQ(d.request->batch.size(), 2u);
  ASSERT_TRUE(d.request->batch[0].ok());
  EXPECT_EQ(d.request->batch[0]->sendAtMs, 1772953140000);
  ASSERT_FALSE(d.request->batch[1].ok());
  EXPECT_EQ(d.request->batch[1].error().code, "invalid_send_at");
  EXPECT_EQ(d.request->batch[1].error().field, "messages[1].send_at");
}

TEST(RequestDecoder, CronOpsNameAJob) {
  DecodedRequest runs =
      decode(R"({"op": "cron_runs", )" + kAuth + R"(, "job": "bills", "limit": 5})");
  ASSERT_TRUE(runs.request.ok()) << runs.request.error().message;
  EXPECT_EQ(runs.request->op, Op::kCronRuns);
  EXPECT_EQ(runs.request->job, "bills");
  EXPECT_EQ(runs.request->limit, 5u);
  DecodedRequest list = decode(R"({"op": "cron_list", )" + kAuth + "}");
  ASSERT_TRUE(list.request.ok());
  EXPECT_EQ(list.request->op, Op::kCronList);
  EXPECT_EQ(refused(R"({"op": "cron_pause", )" + kAuth + "}").field, "job");
  EXPECT_EQ(refused(R"({"op": "cron_run_now", )" + kAuth + R"(, "job": "b", "limit": 2})").field,
            "limit");
  EXPECT_EQ(refused(R"({"op": "cron_runs", )" + kAuth + R"(, "job": "b", "limit": 0})").field,
            "limit");
}

TEST(RequestDecoder, AudiencePushRows) {
  DecodedRequest d = decode(R"({"op": "audience_push", )" + kAuth +
                            R"(, "list": "vip", "replace": true, "rows": [
      {"to": {"phone": "+1"}, "vars": {"name": "Ann", "n": 3}}, {"to": {"user": "u"}}]})");
  ASSERT_TRUE(d.request.ok()) << d.request.error().message;
  const AudiencePush& push = d.request->audience;
  EXPECT_EQ(push.list, "vip");
  EXPECT_TRUE(push.replace);
  ASSERT_EQ(push.rows.size(), 2u);
  EXPECT_EQ(push.rows[0].first, (KeyValues{{"phone", "+1"}}));
  EXPECT_EQ(push.rows[0].second, (KeyValues{{"n", "3"}, {"name", "Ann"}}));
  EXPECT_EQ(
      refused(R"({"op": "audience_push", )" + kAuth + R"(, "list": "v", "rows": [{}]})").field,
      "rows[0].to");
  EXPECT_EQ(refused(R"({"op": "audience_push", )" + kAuth +
                    R"(, "list": "v", "rows": [{"to": {"u": "x"}, "x": 1}]})")
                .field,
            "rows[0].x");
  DecodeLimits small;
  small.maxBatch = 1;
  EXPECT_EQ(refused(R"({"op": "audience_push", )" + kAuth +
                        R"(, "list": "v", "rows": [{"to": {"u": "a"}}, {"to": {"u": "b"}}]})",
                    small)
                .code,
            "batch_too_large");
}

}  // namespace
}  // namespace notify::core
