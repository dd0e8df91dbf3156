// SPDX-License-Identifier: Apache-2.0
// WeChat Official Account (服务号), served at /wechat/…: access tokens and template messages.
//
// Account (optional), with these defaults:
//   {"app_id": "wxfakeappid00001", "app_secret": "wechat-app-secret",
//    "token_ttl_s": 7200,            lifetime of issued access tokens
//    "minute_quota": 1000,           template sends per rolling minute (45011 beyond)
//    "daily_quota": 100000,          template sends per rolling day (45009 beyond)
//    "templates": {"TPL_ORDER_SHIPPED": ["order", "eta"], "TPL_VERIFY_CODE": ["code"]}}
//                                    template ids and the data keywords each requires
//
// GET /cgi-bin/token?grant_type=client_credential&appid=…&secret=… → 40002 invalid grant_type,
//   40013 invalid appid, 40125 invalid appsecret, or {"access_token", "expires_in"} from
//   ctx.issueToken("wechat", ttl) (no errcode, like the real API). A new token does NOT
//   invalidate earlier ones here (the real API does, after a 5-minute grace period).
// POST /cgi-bin/message/template/send?access_token=T, every answer inside HTTP 200:
//  - token missing → 41001, expired → 42001, unknown → 40001;
//  - over minute_quota → 45011 "api minute-quota reach limit"; over daily_quota → 45009;
//  - MAGIC openids: prefix "invalid" → 40003 invalid openid, prefix "unsubscribed" → 43004
//    require subscribe, prefix "blocked" → 43019 require remove blacklist; empty → 40003;
//  - unknown template_id → 40037; a required keyword without data.<k>.value → 47003;
//  - a client_msg_id seen before gets the first send's msgid again (note "duplicate").
// Recorded: token fetches ("token") and accepted sends ("accepted" or "duplicate").
#include <Poco/JSON/Array.h>

#include <map>
#include <mutex>
#include <vector>

#include "tools/fakeprov/fake_json.hpp"
#include "tools/fakeprov/provider_module.hpp"

namespace notify::fakeprov {
namespace {

using Poco::JSON::Object;

constexpr int64_t kMinuteMs = 60 * 1000;
constexpr int64_t kDayMs = 24 * 3600 * 1000;

std::string queryValue(const FakeRequest& request, const std::string& key) {
  auto it = request.query.find(key);
  return it == request.query.end() ? std::string() : it->second;
}

bool startsWith(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

class Wechat : public ProviderModule {
 public:
  std::string name() const override { return "wechat"; }

  void configure(const Object::Ptr& account) override {
    if (!account) {
      return;
    }
    appId_ = account->optValue<std::string>("app_id", appId_);
    appSecret_ = account->optValue<std::string>("app_secret", appSecret_);
    tokenTtlS_ = account->optValue<int64_t>("token_ttl_s", tokenTtlS_);
    minuteQuota_ = account->optValue<int>("minute_quota", minuteQuota_);
    dailyQuota_ = account->optValue<int>("daily_quota", dailyQuota_);
    if (Object::Ptr templates = account->getObject("templates")) {
      templates_.clear();
      for (const auto& [id, keys] : *templates) {
        Poco::JSON::Array::Ptr list = keys.extract<Poco::JSON::Array::Ptr>();
        for (size_t i = 0; i < list->size(); ++i) {
          templates_[id].push_back(list->getElement<std::string>(i));
        }
      }
    }
  }

  FakeResponse handle(const FakeRequest& request, FakeContext& ctx) override {
    if (request.path == "/cgi-bin/token" && request.method == "GET") {
      return token(request, ctx);
    }
    if (request.path == "/cgi-bin/message/template/send" && request.method == "POST") {
      return templateSend(request, ctx);
    }
    return FakeResponse::json(R"({"errcode":404,"errmsg":"no such API"})", 404);
  }

 private:
  FakeResponse token(const FakeRequest& request, FakeContext& ctx) {
    if (queryValue(request, "grant_type") != "client_credential") {
      return errcodeReply(40002, "invalid grant_type");
    }
    if (queryValue(request, "appid") != appId_) {
      return errcodeReply(40013, "invalid appid");
    }
    if (queryValue(request, "secret") != appSecret_) {
      return errcodeReply(40125, "invalid appsecret");
    }
    Object::Ptr body = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("access_token", ctx.issueToken(name(), tokenTtlS_ * 1000));
    body->set("expires_in", tokenTtlS_);
    ctx.record(name(), request, "token");
    return jsonReply(body);
  }

  // 0 and "" when the message may be sent, else the errcode and errmsg it earns.
  std::pair<int64_t, std::string> check(const Object::Ptr& body) const {
    const std::string openid = stringMember(body, "touser");
    if (openid.empty() || startsWith(openid, "invalid")) {
      return {40003, "invalid openid"};
    }
    if (startsWith(openid, "unsubscribed")) {
      return {43004, "require subscribe"};
    }
    if (startsWith(openid, "blocked")) {
      return {43019, "require remove blacklist"};
    }
    auto tpl = templates_.find(stringMember(body, "template_id"));
    if (tpl == templates_.end()) {
      return {40037, "invalid template_id"};
    }
    const Object::Ptr data = body->getObject("data");
    for (const std::string& keyword : tpl->second) {
      const Object::Ptr item = data.isNull() ? nullptr : data->getObject(keyword);
      if (stringMember(item, "value").empty()) {
        return {47003, "argument invalid! data." + keyword + ".value invalid"};
      }
    }
    return {0, ""};
  }

  FakeResponse templateSend(const FakeRequest& request, FakeContext& ctx) {
    const std::string token = queryValue(request, "access_token");
    const std::string state = token.empty() ? "missing" : ctx.checkToken(name(), token);
    if (state != "ok") {
      return state == "missing" ? errcodeReply(41001, "access_token missing")
             : state == "expired"
                 ? errcodeReply(42001, "access_token expired")
                 : errcodeReply(40001, "invalid credential, access_token is invalid or not latest");
    }
    const bool overDay = ctx.hit("wechat-day:" + appId_, kDayMs) > dailyQuota_;
    if (ctx.hit("wechat-minute:" + appId_, kMinuteMs) > minuteQuota_) {
      return errcodeReply(45011, "api minute-quota reach limit");
    }
    if (overDay) {
      return errcodeReply(45009, "reach max api daily quota limit");
    }
    const Object::Ptr body = parseObject(request.body);
    const auto [errcode, errmsg] = check(body);
    if (errcode != 0) {
      return errcodeReply(errcode, errmsg);
    }
    int64_t msgid = 0;
    bool duplicate = false;
    {
      std::lock_guard lock(mutex_);
      const std::string clientMsgId = stringMember(body, "client_msg_id");
      auto seen = clientMsgIds_.find(clientMsgId);
      duplicate = !clientMsgId.empty() && seen != clientMsgIds_.end();
      msgid = duplicate ? seen->second : ++serial_;
      if (!clientMsgId.empty()) {
        clientMsgIds_[clientMsgId] = msgid;
      }
    }
    ctx.record(name(), request, duplicate ? "duplicate" : "accepted");
    Object::Ptr extra = new Object;
    extra->set("msgid", msgid);
    return errcodeReply(0, "ok", extra);
  }

  std::string appId_ = "wxfakeappid00001";
  std::string appSecret_ = "wechat-app-secret";
  int64_t tokenTtlS_ = 7200;
  int minuteQuota_ = 1000;
  int dailyQuota_ = 100000;
  std::map<std::string, std::vector<std::string>> templates_ = {
      {"TPL_ORDER_SHIPPED", {"order", "eta"}}, {"TPL_VERIFY_CODE", {"code"}}};
  std::mutex mutex_;
  std::map<std::string, int64_t> clientMsgIds_;
  int64_t serial_ = 200228332000;
};

const bool kRegistered = registerModule([] { return std::make_unique<Wechat>(); });

}  // namespace
}  // namespace notify::fakeprov
