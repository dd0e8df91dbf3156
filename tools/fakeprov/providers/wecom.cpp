// SPDX-License-Identifier: Apache-2.0
// WeCom (企业微信), served at /wecom/…: the group robot webhook and the app message API.
//
// Account (optional), with these defaults:
//   {"robot_keys": ["wecom-robot-key"],                 known robot webhook keys
//    "corp_id": "wwfakecorp0001", "corp_secret": "wecom-app-secret", "agent_id": 1000002,
//    "token_ttl_s": 7200,                               lifetime of issued access tokens
//    "app_minute_quota": 10000}                         message/send calls per minute per corp
//
// POST /cgi-bin/webhook/send?key=K (robot), every answer inside HTTP 200:
//  - unknown or missing key → 93000 "invalid webhook url";
//  - more than 20 messages within a rolling minute per key → 45009 "api freq out of limit";
//  - msgtype text/markdown need their object with a non-empty content (44004 "empty content")
//    of at most 2048/4096 bytes (40058 "content exceed max length"); image/news/file/
//    template_card need their object; anything else → 40008 "invalid message type".
// GET /cgi-bin/gettoken?corpid=…&corpsecret=… → 40013 "invalid corpid", 40001 "invalid
//   credential", or a token from ctx.issueToken("wecom", ttl) with expires_in.
// POST /cgi-bin/message/send?access_token=T (app):
//  - token missing → 41001, expired → 42001, unknown → 40014;
//  - more than app_minute_quota calls within a rolling minute → 45009;
//  - agentid other than the account's → 40056; text/markdown content as for the robot;
//  - touser "a|b|…" (or "@all"): MAGIC user ids starting with "invalid" (any case) are not
//    members: they come back lowercased in invaliduser with errcode 0; when no recipient is
//    valid → 81013 "user & party & tag all invalid";
//  - like the real API, a member over 30 messages a minute is dropped silently (errcode 0,
//    note "dropped").
// Recorded: accepted robot messages ("delivered"), token fetches ("token"), app messages
// ("delivered", "delivered_partially" with invalid users, "dropped").
#include <Poco/JSON/Array.h>
#include <Poco/String.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <vector>

#include "tools/fakeprov/fake_json.hpp"
#include "tools/fakeprov/provider_module.hpp"

namespace notify::fakeprov {
namespace {

using Poco::JSON::Object;

constexpr int64_t kMinuteMs = 60 * 1000;
constexpr int kRobotPerMinute = 20;
constexpr int kMemberPerMinute = 30;

FakeResponse wecomError(int64_t errcode, const std::string& errmsg) {
  return errcodeReply(errcode, errmsg +
                                   ", more info at "
                                   "https://open.work.weixin.qq.com/devtool/query?e=" +
                                   std::to_string(errcode));
}

std::string queryValue(const FakeRequest& request, const std::string& key) {
  auto it = request.query.find(key);
  return it == request.query.end() ? std::string() : it->second;
}

std::vector<std::string> splitBars(const std::string& text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('|', start);
    end = end == std::string::npos ? text.size() : end;
    if (end > start) {
      items.push_back(text.substr(start, end - start));
    }
    start = end + 1;
  }
  return items;
}

// The errcode a message body earns (0: acceptable), shared by the robot and the app.
std::pair<int64_t, std::string> checkContent(const Object::Ptr& body) {
  static const std::map<std::string, size_t> kLimits = {{"text", 2048}, {"markdown", 4096}};
  static const std::set<std::string> kOther = {"image", "news", "file", "template_card"};
  const std::string type = stringMember(body, "msgtype");
  if (body.isNull() || (kLimits.count(type) == 0 && kOther.count(type) == 0) ||
      body->getObject(type).isNull()) {
    return {40008, "invalid message type"};
  }
  auto limit = kLimits.find(type);
  if (limit == kLimits.end()) {
    return {0, ""};
  }
  const std::string content = stringMember(body->getObject(type), "content");
  if (content.empty()) {
    return {44004, "empty content"};
  }
  if (content.size() > limit->second) {
    return {40058, "content exceed max length " + std::to_string(limit->second)};
  }
  return {0, ""};
}

class Wecom : public ProviderModule {
 public:
  std::string name() const override { return "wecom"; }

  void configure(const Object::Ptr& account) override {
    if (!account) {
      return;
    }
    if (Poco::JSON::Array::Ptr keys = account->getArray("robot_keys")) {
      robotKeys_.clear();
      for (size_t i = 0; i < keys->size(); ++i) {
        robotKeys_.insert(keys->getElement<std::string>(i));
      }
    }
    corpId_ = account->optValue<std::string>("corp_id", corpId_);
    corpSecret_ = account->optValue<std::string>("corp_secret", corpSecret_);
    agentId_ = account->optValue<int64_t>("agent_id", agentId_);
    tokenTtlS_ = account->optValue<int64_t>("token_ttl_s", tokenTtlS_);
    appMinuteQuota_ = account->optValue<int>("app_minute_quota", appMinuteQuota_);
  }

  FakeResponse handle(const FakeRequest& request, FakeContext& ctx) override {
    if (request.path == "/cgi-bin/webhook/send" && request.method == "POST") {
      return robot(request, ctx);
    }
    if (request.path == "/cgi-bin/gettoken" && request.method == "GET") {
      return token(request, ctx);
    }
    if (request.path == "/cgi-bin/message/send" && request.method == "POST") {
      return appMessage(request, ctx);
    }
    return FakeResponse::json(R"({"errcode":404,"errmsg":"no such API"})", 404);
  }

 private:
  FakeResponse robot(const FakeRequest& request, FakeContext& ctx) {
    const std::string key = queryValue(request, "key");
    if (robotKeys_.count(key) == 0) {
      return wecomError(93000, "invalid webhook url");
    }
    if (ctx.hit("wecom-robot:" + key, kMinuteMs) > kRobotPerMinute) {
      return wecomError(45009, "api freq out of limit");
    }
    const auto [errcode, errmsg] = checkContent(parseObject(request.body));
    if (errcode != 0) {
      return wecomError(errcode, errmsg);
    }
    ctx.record(name(), request, "delivered");
    return errcodeReply(0, "ok");
  }

  FakeResponse token(const FakeRequest& request, FakeContext& ctx) {
    if (queryValue(request, "corpid") != corpId_) {
      return wecomError(40013, "invalid corpid");
    }
    if (queryValue(request, "corpsecret") != corpSecret_) {
      return wecomError(40001, "invalid credential");
    }
    Object::Ptr extra = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    extra->set("access_token", ctx.issueToken(name(), tokenTtlS_ * 1000));
    extra->set("expires_in", tokenTtlS_);
    ctx.record(name(), request, "token");
    return errcodeReply(0, "ok", extra);
  }

  FakeResponse appMessage(const FakeRequest& request, FakeContext& ctx) {
    const std::string token = queryValue(request, "access_token");
    const std::string state = token.empty() ? "missing" : ctx.checkToken(name(), token);
    if (state != "ok") {
      return state == "missing"   ? wecomError(41001, "access_token missing")
             : state == "expired" ? wecomError(42001, "access_token expired")
                                  : wecomError(40014, "invalid access_token");
    }
    if (ctx.hit("wecom-app:" + corpId_, kMinuteMs) > appMinuteQuota_) {
      return wecomError(45009, "api freq out of limit");
    }
    const Object::Ptr body = parseObject(request.body);
    if (body.isNull() || !body->has("agentid") || !body->get("agentid").isInteger() ||
        body->getValue<int64_t>("agentid") != agentId_) {
      return wecomError(40056, "invalid agentid");
    }
    const auto [errcode, errmsg] = checkContent(body);
    if (errcode != 0) {
      return wecomError(errcode, errmsg);
    }
    std::vector<std::string> invalid;
    std::vector<std::string> valid;
    for (const std::string& user : splitBars(stringMember(body, "touser"))) {
      const std::string id = Poco::toLower(user);
      (id.rfind("invalid", 0) == 0 ? invalid : valid).push_back(id);
    }
    if (valid.empty()) {
      return wecomError(81013, "user & party & tag all invalid");
    }
    bool dropped = false;
    for (const std::string& user : valid) {
      dropped = ctx.hit("wecom-member:" + user, kMinuteMs) > kMemberPerMinute || dropped;
    }
    Object::Ptr extra = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    extra->set("invaliduser", Poco::cat(std::string("|"), invalid.begin(), invalid.end()));
    extra->set("invalidparty", "");
    extra->set("invalidtag", "");
    extra->set("unlicenseduser", "");
    extra->set("msgid", "fake-wecom-msg-" + std::to_string(++serial_));
    extra->set("response_code", "");
    ctx.record(name(), request,
               dropped           ? "dropped"
               : invalid.empty() ? "delivered"
                                 : "delivered_partially");
    return errcodeReply(0, "ok", extra);
  }

  std::set<std::string> robotKeys_ = {"wecom-robot-key"};
  std::string corpId_ = "wwfakecorp0001";
  std::string corpSecret_ = "wecom-app-secret";
  int64_t agentId_ = 1000002;
  int64_t tokenTtlS_ = 7200;
  int appMinuteQuota_ = 10000;
  std::atomic<uint64_t> serial_{0};
};

const bool kRegistered = registerModule([] { return std::make_unique<Wecom>(); });

}  // namespace
}  // namespace notify::fakeprov
