// SPDX-License-Identifier: Apache-2.0
// DingTalk custom robot, served at /dingtalk/robot/send?access_token=…[&timestamp=…&sign=…].
//
// Account (optional): {"robots": {"<access_token>": "<secret SEC…, or \"\" for unsigned>"}}.
// Defaults: "test-ding-token" (secret "SECtest0123456789abcdef") and "test-ding-open"
// (unsigned).
//
// Checks, in order, every answer inside HTTP 200 as the real robot does:
//  - access_token missing → 40035; unknown → 300005;
//  - a configured secret needs timestamp (milliseconds, within 1 h of now) and sign =
//    urlEncode(base64(HMAC-SHA256(key = secret, message = timestamp+"\n"+secret))), compared
//    after URL-decoding → else 310000 "invalid timestamp" / "sign not match";
//  - 20 messages a minute per token: the 21st blocks the robot for 10 minutes
//    (ctx.block), and every message until then gets 130101;
//  - msgtype text/markdown/actionCard/link/feedCard with its object (text.content,
//    markdown.title+text, actionCard.title+text) → else 300001 "param error" (the code is
//    this fake's choice: the real robot's code for a malformed body is not documented).
// Only accepted messages are recorded (note "delivered").
#include <cstdlib>
#include <map>
#include <vector>

#include "tools/fakeprov/crypto.hpp"
#include "tools/fakeprov/fake_json.hpp"
#include "tools/fakeprov/provider_module.hpp"

namespace notify::fakeprov {
namespace {

using Poco::JSON::Object;

constexpr int64_t kSkewMs = 3600 * 1000;
constexpr int kPerMinute = 20;
constexpr int64_t kBlockMs = 10 * 60 * 1000;

// The required string fields of each message type's object.
const std::map<std::string, std::vector<std::string>> kRequired = {
    {"text", {"content"}},
    {"markdown", {"title", "text"}},
    {"actionCard", {"title", "text"}},
    {"link", {"title", "text", "messageUrl"}},
    {"feedCard", {}}};

bool validBody(const std::string& text) {
  const Object::Ptr body = parseObject(text);
  const std::string type = stringMember(body, "msgtype");
  auto required = kRequired.find(type);
  if (required == kRequired.end() || body->getObject(type).isNull()) {
    return false;
  }
  for (const std::string& field : required->second) {
    if (stringMember(body->getObject(type), field).empty()) {
      return false;
    }
  }
  return true;
}

class DingTalk : public ProviderModule {
 public:
  std::string name() const override { return "dingtalk"; }

  void configure(const Poco::JSON::Object::Ptr& account) override {
    if (account) {
      if (Object::Ptr robots = account->getObject("robots")) {
        for (const auto& [token, secret] : *robots) {
          secrets_[token] = secret.convert<std::string>();
        }
      }
    }
  }

  FakeResponse handle(const FakeRequest& request, FakeContext& ctx) override {
    if (request.method != "POST" || request.path != "/robot/send") {
      return FakeResponse::json(R"({"errcode":404,"errmsg":"not found"})", 404);
    }
    auto token = request.query.find("access_token");
    if (token == request.query.end() || token->second.empty()) {
      return errcodeReply(40035, "缺少参数 access_token");
    }
    auto secret = secrets_.find(token->second);
    if (secret == secrets_.end()) {
      return errcodeReply(300005, "token is not exist");
    }
    if (!secret->second.empty()) {
      if (std::string problem = signatureProblem(request, secret->second, ctx.nowMs());
          !problem.empty()) {
        return errcodeReply(310000, problem);
      }
    }
    const std::string key = "dingtalk:" + token->second;
    if (ctx.blockedForMs(key) > 0) {
      return errcodeReply(130101, "send too fast, exceed 20 times per minute");
    }
    if (ctx.hit(key, 60000) > kPerMinute) {
      ctx.block(key, kBlockMs);
      return errcodeReply(130101, "send too fast, exceed 20 times per minute");
    }
    if (!validBody(request.body)) {
      return errcodeReply(300001, "param error");
    }
    ctx.record(name(), request, "delivered");
    return errcodeReply(0, "ok");
  }

 private:
  static std::string signatureProblem(const FakeRequest& request, const std::string& secret,
                                      int64_t nowMs) {
    auto timestamp = request.query.find("timestamp");
    auto sign = request.query.find("sign");  // the server's query parser URL-decoded it
    if (timestamp == request.query.end() || sign == request.query.end()) {
      return "sign not match";
    }
    char* end = nullptr;
    const long long ms = std::strtoll(timestamp->second.c_str(), &end, 10);
    if (timestamp->second.empty() || *end != '\0' || std::llabs(nowMs - ms) > kSkewMs) {
      return "invalid timestamp";
    }
    // DingTalk's scheme: the secret is the KEY, the string the message.
    const std::string expected = base64(hmacSha256(secret, timestamp->second + "\n" + secret));
    return constantTimeEquals(sign->second, expected) ? "" : "sign not match";
  }

  std::map<std::string, std::string> secrets_ = {{"test-ding-token", "SECtest0123456789abcdef"},
                                                 {"test-ding-open", ""}};
};

const bool kRegistered = registerModule([] { return std::make_unique<DingTalk>(); });

}  // namespace
}  // namespace notify::fakeprov
