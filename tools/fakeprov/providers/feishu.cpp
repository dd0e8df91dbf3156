// SPDX-License-Identifier: Apache-2.0
// Feishu/Lark, served at /feishu/:
//   POST /open-apis/bot/v2/hook/{token}                      custom bot (group webhook)
//   POST /open-apis/auth/v3/tenant_access_token/internal     app token
//   POST /open-apis/im/v1/messages?receive_id_type=…         app message
//
// Account (every key optional): {"bots": {"<token>": "<secret, or \"\" for unsigned>"},
//   "keywords": {"<token>": "<word the text must contain>"}, "app_id": "…", "app_secret": "…"}.
// Defaults: bots "test-bot-token" (secret "test-secret"), "test-bot-open" (unsigned) and
// "test-bot-keyword" (unsigned, keyword "notify"); app "cli_test" / "test-app-secret".
//
// Bot: unknown token → 19001; a configured secret needs "timestamp" (seconds, within 3600 s
// of now) and "sign" = base64(HMAC-SHA256(key = timestamp+"\n"+secret, message = "")) → else
// 19021; missing keyword → 19024; bad msg_type/content → 19002; unparsable JSON → HTTP 400 9499.
// Throttling: 5/s and 100/min per bot token, answered as code 11232 inside HTTP 200 with no
// header (the bot API documents only the code). All other errors come inside HTTP 200 too.
//
// App: tokens live 2 h (ctx.issueToken("feishu"), so /_fake/tokens/expire works); a wrong app
// id → 10003, a wrong secret → 10014. Messages need "Authorization: Bearer <token>" (missing →
// 99991661, expired/unknown → 99991663, HTTP 400), a known receive_id_type, a receive_id of
// that type's shape, a known msg_type, content as a JSON-encoded string of an object (text
// needs "text"), and a uuid of at most 50 characters; else 230001 (HTTP 400). Magic
// receive_ids: "ou_invalid…" → 230001 invalid receive_id, "ou_outside…" → 230013 outside the
// app's availability, "oc_notmember…" → 230002 bot not in chat. More than 5 messages a second
// to one receive_id → HTTP 429, x-ogw-ratelimit-reset: 1, code 99991400. A uuid seen within
// the last hour returns the first message's id again (recorded with note "duplicate").
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "tools/fakeprov/crypto.hpp"
#include "tools/fakeprov/fake_json.hpp"
#include "tools/fakeprov/provider_module.hpp"

namespace notify::fakeprov {
namespace {

using Poco::JSON::Object;

constexpr int64_t kBotSkewMs = 3600 * 1000;
constexpr int64_t kTokenTtlMs = 2 * 3600 * 1000;
constexpr int64_t kUuidWindowMs = 3600 * 1000;
constexpr size_t kMaxUuid = 50;
constexpr const char* kHookPrefix = "/open-apis/bot/v2/hook/";
const std::set<std::string> kBotTypes = {"text", "post", "image", "share_chat", "interactive"};
const std::set<std::string> kAppTypes = {"text",       "post",      "image",   "file",
                                         "audio",      "media",     "sticker", "interactive",
                                         "share_chat", "share_user"};
const std::map<std::string, std::string> kIdPrefix = {
    {"open_id", "ou_"}, {"union_id", "on_"}, {"chat_id", "oc_"}, {"user_id", ""}, {"email", ""}};

FakeResponse codeReply(int code, const std::string& msg, int status = 200) {
  Object::Ptr body = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  body->set("code", code);
  body->set("msg", msg);
  body->set("data", Object::Ptr(new Object));
  return jsonReply(body, status);
}

class Feishu : public ProviderModule {
 public:
  std::string name() const override { return "feishu"; }

  void configure(const Poco::JSON::Object::Ptr& account) override {
    if (!account) {
      return;
    }
    if (Object::Ptr bots = account->getObject("bots")) {
      for (const auto& [token, secret] : *bots) {
        botSecrets_[token] = secret.convert<std::string>();
      }
    }
    if (Object::Ptr keywords = account->getObject("keywords")) {
      for (const auto& [token, word] : *keywords) {
        keywords_[token] = word.convert<std::string>();
      }
    }
    appId_ = account->optValue<std::string>("app_id", appId_);
    appSecret_ = account->optValue<std::string>("app_secret", appSecret_);
  }

  FakeResponse handle(const FakeRequest& request, FakeContext& ctx) override {
    if (request.method != "POST") {
      return codeReply(404, "404 page not found", 404);
    }
    if (request.path.rfind(kHookPrefix, 0) == 0) {
      return bot(request, request.path.substr(std::string(kHookPrefix).size()), ctx);
    }
    if (request.path == "/open-apis/auth/v3/tenant_access_token/internal") {
      return tenantToken(request, ctx);
    }
    if (request.path == "/open-apis/im/v1/messages") {
      return message(request, ctx);
    }
    return codeReply(404, "404 page not found", 404);
  }

 private:
  FakeResponse bot(const FakeRequest& request, const std::string& token, FakeContext& ctx) {
    auto secret = botSecrets_.find(token);
    if (secret == botSecrets_.end()) {
      return codeReply(19001, "param invalid: incoming webhook access token invalid");
    }
    Object::Ptr body = parseObject(request.body);
    if (!body) {
      return codeReply(9499, "Bad Request", 400);
    }
    if (!secret->second.empty() && !validBotSignature(body, secret->second, ctx.nowMs())) {
      return codeReply(19021,
                       "sign match fail or timestamp is not within one hour from current time");
    }
    const int perSecond = ctx.hit("feishu-bot-s:" + token, 1000);
    const int perMinute = ctx.hit("feishu-bot-m:" + token, 60000);
    if (perSecond > 5 || perMinute > 100) {
      return codeReply(11232, "frequency limited psm[lark.oapi.app_platform_runtime]appID[1500]");
    }
    const std::string type = stringMember(body, "msg_type");
    const bool hasContent = type == "interactive" ? !body->getObject("card").isNull()
                                                  : !body->getObject("content").isNull();
    if (kBotTypes.count(type) == 0 || !hasContent ||
        (type == "text" && stringMember(body->getObject("content"), "text").empty())) {
      return codeReply(19002, "params error, msg_type or content invalid");
    }
    auto keyword = keywords_.find(token);
    if (keyword != keywords_.end() && request.body.find(keyword->second) == std::string::npos) {
      return codeReply(19024, "Key Words Not Found");
    }
    ctx.record(name(), request, "delivered");
    return FakeResponse::json(
        R"({"StatusCode":0,"StatusMessage":"success","code":0,"data":{},"msg":"success"})");
  }

  static bool validBotSignature(const Object::Ptr& body, const std::string& secret, int64_t nowMs) {
    const std::string timestamp = stringMember(body, "timestamp");
    const std::string sign = stringMember(body, "sign");
    char* end = nullptr;
    const long long seconds = std::strtoll(timestamp.c_str(), &end, 10);
    if (timestamp.empty() || *end != '\0' || std::llabs(nowMs - seconds * 1000) > kBotSkewMs) {
      return false;
    }
    // Feishu's scheme: the string is the KEY and the message is empty.
    return constantTimeEquals(sign, base64(hmacSha256(timestamp + "\n" + secret, "")));
  }

  FakeResponse tenantToken(const FakeRequest& request, FakeContext& ctx) {
    Object::Ptr body = parseObject(request.body);
    if (!body || stringMember(body, "app_id") != appId_) {
      return codeReply(10003, "invalid param");
    }
    if (!constantTimeEquals(stringMember(body, "app_secret"), appSecret_)) {
      return codeReply(10014, "app secret invalid");
    }
    Object::Ptr reply = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    reply->set("code", 0);
    reply->set("msg", "ok");
    reply->set("tenant_access_token", ctx.issueToken(name(), kTokenTtlMs));
    reply->set("expire", kTokenTtlMs / 1000);
    return jsonReply(reply);
  }

  static FakeResponse invalidParam(const std::string& ext) {
    return codeReply(230001, "Your request contains an invalid request parameter, ext=" + ext + ".",
                     400);
  }

  FakeResponse message(const FakeRequest& request, FakeContext& ctx) {
    auto auth = request.headers.find("authorization");
    if (auth == request.headers.end() || auth->second.rfind("Bearer ", 0) != 0) {
      return codeReply(99991661, "Missing access token for authorization.", 400);
    }
    if (ctx.checkToken(name(), auth->second.substr(7)) != "ok") {
      return codeReply(99991663, "Invalid access token for authorization.", 400);
    }
    auto idType = request.query.find("receive_id_type");
    if (idType == request.query.end() || kIdPrefix.count(idType->second) == 0) {
      return invalidParam("invalid receive_id_type");
    }
    Object::Ptr body = parseObject(request.body);
    const std::string receiveId = stringMember(body, "receive_id");
    if (!body || receiveId.empty() || receiveId.rfind(kIdPrefix.at(idType->second), 0) != 0 ||
        (idType->second == "email" && receiveId.find('@') == std::string::npos)) {
      return invalidParam("invalid receive_id");
    }
    if (std::string problem = contentProblem(body); !problem.empty()) {
      return invalidParam(problem);
    }
    if (receiveId.rfind("ou_invalid", 0) == 0) {
      return invalidParam("invalid receive_id");
    }
    if (receiveId.rfind("ou_outside", 0) == 0) {
      return codeReply(230013, "Bot has NO availability to this user.", 400);
    }
    if (receiveId.rfind("oc_notmember", 0) == 0) {
      return codeReply(230002, "Bot/User can NOT be out of the chat.", 400);
    }
    if (ctx.hit("feishu-app:" + receiveId, 1000) > 5) {
      FakeResponse limited = codeReply(99991400, "request trigger frequency limit", 429);
      limited.headers = {{"x-ogw-ratelimit-limit", "5"}, {"x-ogw-ratelimit-reset", "1"}};
      return limited;
    }
    return accept(request, body, ctx);
  }

  static std::string contentProblem(const Object::Ptr& body) {
    const std::string type = stringMember(body, "msg_type");
    if (kAppTypes.count(type) == 0) {
      return "invalid msg_type";
    }
    if (!body->has("content") || !body->get("content").isString()) {
      return "content must be a JSON-encoded string";
    }
    Object::Ptr content = parseObject(body->getValue<std::string>("content"));
    if (!content || (type == "text" && stringMember(content, "text").empty())) {
      return "invalid content";
    }
    if (body->has("uuid") && stringMember(body, "uuid").size() > kMaxUuid) {
      return "uuid longer than 50 characters";
    }
    return {};
  }

  FakeResponse accept(const FakeRequest& request, const Object::Ptr& body, FakeContext& ctx) {
    const std::string uuid = stringMember(body, "uuid");
    const int64_t now = ctx.nowMs();
    std::string messageId;
    bool duplicate = false;
    {
      std::lock_guard lock(mutex_);
      auto seen = uuids_.find(uuid);
      duplicate =
          !uuid.empty() && seen != uuids_.end() && now - seen->second.second < kUuidWindowMs;
      if (duplicate) {
        messageId = seen->second.first;
      } else {
        std::ostringstream id;
        id << "om_" << std::hex << now << "x" << ++serial_;
        messageId = id.str();
        if (!uuid.empty()) {
          uuids_[uuid] = {messageId, now};
        }
      }
    }
    ctx.record(name(), request, duplicate ? "duplicate" : "delivered");
    Object::Ptr data = new Object;
    data->set("message_id", messageId);
    data->set("msg_type", stringMember(body, "msg_type"));
    data->set("create_time", std::to_string(now));
    Object::Ptr content = new Object;
    content->set("content", stringMember(body, "content"));
    data->set("body", content);
    Object::Ptr reply = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    reply->set("code", 0);
    reply->set("msg", "success");
    reply->set("data", data);
    return jsonReply(reply);
  }

  std::map<std::string, std::string> botSecrets_ = {
      {"test-bot-token", "test-secret"}, {"test-bot-open", ""}, {"test-bot-keyword", ""}};
  std::map<std::string, std::string> keywords_ = {{"test-bot-keyword", "notify"}};
  std::string appId_ = "cli_test";
  std::string appSecret_ = "test-app-secret";
  std::mutex mutex_;
  std::map<std::string, std::pair<std::string, int64_t>> uuids_;  // uuid → message id, time
  uint64_t serial_ = 0;
};

const bool kRegistered = registerModule([] { return std::make_unique<Feishu>(); });

}  // namespace
}  // namespace notify::fakeprov
