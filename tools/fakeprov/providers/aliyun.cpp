// SPDX-License-Identifier: Apache-2.0
// Aliyun SMS, Dysmsapi SendSms 2017-05-25, served at /aliyun/ (GET query or POST form, RPC
// signature v1). Answers are always JSON, whatever Format asks for.
//
// Account (all optional): {"access_key_id": "...", "access_key_secret": "...",
// "templates": ["SMS_1001", ...], "sign_names": ["Notify", ...]}.
// Defaults: access_key_id "LTAIfakeAliyunKeyId0001", access_key_secret
// "fakeAliyunKeySecret0001", templates "SMS_1001" and "SMS_1002", sign names "Notify" and
// "阿里云短信测试专用".
//
// Gateway checks, in order, on the query and form parameters merged; each failure is a 4xx:
//  - AccessKeyId, Signature, SignatureMethod HMAC-SHA1, SignatureVersion 1.0, SignatureNonce,
//    Timestamp, Action, Version present → else 400 MissingParameter / IncompleteSignature;
//  - unknown AccessKeyId → 404 InvalidAccessKeyId.NotFound;
//  - Timestamp yyyy-MM-ddTHH:mm:ssZ → else 400 InvalidTimeStamp.Format; more than 15 min from
//    the fake's clock → 400 InvalidTimeStamp.Expired;
//  - Signature recomputed over every other parameter with the method and secret + "&" → else
//    400 SignatureDoesNotMatch, whose Message quotes the server's string to sign as Aliyun's
//    does (phone numbers included: adapters must not log it);
//  - a SignatureNonce seen before → 400 SignatureNonceUsed;
//  - Action SendSms → else 404 InvalidAction.NotFound; Version 2017-05-25 → else 400
//    InvalidVersion; PhoneNumbers, SignName, TemplateCode present → else 400 Missing<Name>.
// Business checks, answered inside HTTP 200 with Code:
//  - SignName known → else isv.SMS_SIGNATURE_ILLEGAL; TemplateCode known → else
//    isv.SMS_TEMPLATE_ILLEGAL; TemplateParam, when present, a JSON object → else
//    isv.INVALID_JSON_PARAM; at most 1000 numbers → else isv.MOBILE_COUNT_OVER_LIMIT;
//  - magic numbers: ending 0000 → isv.MOBILE_NUMBER_ILLEGAL, ending 4444 →
//    isv.BLACK_KEY_CONTROL_LIMIT;
//  - every template is treated as a verification code: per number and SignName 1 a minute,
//    5 an hour, 10 a day (rolling; an attempt past the minute check counts) → else
//    isv.BUSINESS_LIMIT_CONTROL "触发分钟级流控Permits:1" / "触发小时级流控Permits:5" /
//    "触发天级流控Permits:10";
//  - else Code "OK" with a new BizId "<n>^0".
// Requests past the gateway checks are recorded; the note is "OK <BizId>" or the Code.
#include <Poco/URI.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <vector>

#include "tools/fakeprov/crypto.hpp"
#include "tools/fakeprov/fake_json.hpp"
#include "tools/fakeprov/provider_module.hpp"

namespace notify::fakeprov {
namespace {

using Poco::JSON::Object;
using Params = std::map<std::string, std::string>;

constexpr int64_t kSkewMs = int64_t{15} * 60 * 1000;
constexpr int64_t kMinuteMs = int64_t{60} * 1000;
constexpr int64_t kHourMs = 60 * kMinuteMs;
constexpr int64_t kDayMs = 24 * kHourMs;
constexpr size_t kMaxNumbers = 1000;

struct Failure {
  int status = 200;
  std::string code;
  std::string message;
};

void mergeForm(const std::string& form, Params& params) {
  std::stringstream in(form);
  for (std::string pair; std::getline(in, pair, '&');) {
    if (pair.empty()) {
      continue;
    }
    const size_t eq = pair.find('=');
    std::string key;
    std::string value;
    Poco::URI::decode(pair.substr(0, eq), key, true);
    if (eq != std::string::npos) {
      Poco::URI::decode(pair.substr(eq + 1), value, true);
    }
    params[key] = value;
  }
}

// Unix milliseconds of "yyyy-MM-ddTHH:mm:ssZ"; -1 when it is not that.
int64_t parseTimestamp(const std::string& text) {
  int y = 0;
  unsigned mo = 0;
  unsigned d = 0;
  int h = 0;
  int mi = 0;
  int s = 0;
  char z = 0;
  if (text.size() != 20 ||
      std::sscanf(text.c_str(), "%4d-%2u-%2uT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &z) != 7 ||
      z != 'Z') {
    return -1;
  }
  using namespace std::chrono;
  const year_month_day date{year{y}, month{mo}, day{d}};
  if (!date.ok()) {
    return -1;
  }
  const sys_seconds at = sys_days{date} + hours{h} + minutes{mi} + seconds{s};
  return duration_cast<milliseconds>(at.time_since_epoch()).count();
}

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string stringToSign(const std::string& method, const Params& params) {
  std::string canonical;
  for (const auto& [key, value] : params) {  // std::map: sorted by key; encoding keeps order
    if (key != "Signature") {
      canonical += (canonical.empty() ? "" : "&") + percentEncode(key) + "=" + percentEncode(value);
    }
  }
  return method + "&" + percentEncode("/") + "&" + percentEncode(canonical);
}

class Aliyun : public ProviderModule {
 public:
  std::string name() const override { return "aliyun"; }

  void configure(const Object::Ptr& account) override {
    if (!account) {
      return;
    }
    accessKeyId_ = account->optValue<std::string>("access_key_id", accessKeyId_);
    accessKeySecret_ = account->optValue<std::string>("access_key_secret", accessKeySecret_);
    readStringSet(account, "templates", templates_);
    readStringSet(account, "sign_names", signNames_);
  }

  FakeResponse handle(const FakeRequest& request, FakeContext& ctx) override {
    const std::string requestId = "FAKE-ALIYUN-" + std::to_string(++serial_);
    Params params = request.query;
    mergeForm(request.body, params);
    if (std::optional<Failure> failure = checkGateway(request.method, params, ctx)) {
      return answer(requestId, *failure, true);
    }
    Failure result = business(params, ctx);
    if (result.code == "OK") {
      const std::string bizId = std::to_string(900000000000 + ++serial_) + "^0";
      ctx.record(name(), request, "OK " + bizId);
      Object::Ptr body = new Object;
      body->set("Message", "OK");
      body->set("RequestId", requestId);
      body->set("BizId", bizId);
      body->set("Code", "OK");
      return jsonReply(body);
    }
    ctx.record(name(), request, result.code);
    return answer(requestId, result, false);
  }

 private:
  static FakeResponse answer(const std::string& requestId, const Failure& failure, bool gateway) {
    Object::Ptr body = new Object;
    body->set("RequestId", requestId);
    body->set("Code", failure.code);
    body->set("Message", failure.message);
    if (gateway) {
      body->set("HostId", "dysmsapi.aliyuncs.com");
      body->set("Recommend", "https://api.aliyun.com/troubleshoot?q=" + failure.code);
    }
    return jsonReply(body, failure.status);
  }

  std::optional<Failure> checkGateway(const std::string& method, const Params& params,
                                      FakeContext& ctx) {
    auto get = [&](const char* key) {
      auto it = params.find(key);
      return it == params.end() ? std::string() : it->second;
    };
    for (const char* key :
         {"AccessKeyId", "Signature", "SignatureNonce", "Timestamp", "Action", "Version"}) {
      if (get(key).empty()) {
        return Failure{400, "MissingParameter",
                       std::string("The input parameter \"") + key +
                           "\" that is mandatory for processing this request is not supplied."};
      }
    }
    if (get("SignatureMethod") != "HMAC-SHA1" || get("SignatureVersion") != "1.0") {
      return Failure{400, "IncompleteSignature", "SignatureMethod/SignatureVersion unsupported."};
    }
    if (get("AccessKeyId") != accessKeyId_) {
      return Failure{404, "InvalidAccessKeyId.NotFound", "Specified access key is not found."};
    }
    const int64_t sentMs = parseTimestamp(get("Timestamp"));
    if (sentMs < 0) {
      return Failure{400, "InvalidTimeStamp.Format", "Specified time stamp is not valid."};
    }
    if (std::llabs(ctx.nowMs() - sentMs) > kSkewMs) {
      return Failure{400, "InvalidTimeStamp.Expired",
                     "Specified time stamp or date value is expired."};
    }
    const std::string toSign = stringToSign(method, params);
    if (!constantTimeEquals(base64(hmacSha1(accessKeySecret_ + "&", toSign)), get("Signature"))) {
      return Failure{400, "SignatureDoesNotMatch",
                     "Specified signature is not matched with our calculation. server string to "
                     "sign is:" +
                         toSign};
    }
    {
      std::lock_guard lock(mutex_);
      if (!nonces_.insert(get("SignatureNonce")).second) {
        return Failure{400, "SignatureNonceUsed", "Specified signature nonce was used already."};
      }
    }
    if (get("Action") != "SendSms") {
      return Failure{404, "InvalidAction.NotFound", "Specified api is not found."};
    }
    if (get("Version") != "2017-05-25") {
      return Failure{400, "InvalidVersion", "Specified parameter Version is not valid."};
    }
    for (const char* key : {"PhoneNumbers", "SignName", "TemplateCode"}) {
      if (get(key).empty()) {
        return Failure{400, std::string("Missing") + key, std::string(key) + " is mandatory."};
      }
    }
    return std::nullopt;
  }

  Failure business(const Params& params, FakeContext& ctx) const {
    const std::string& signName = params.at("SignName");
    if (signNames_.count(signName) == 0) {
      return {200, "isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名"};
    }
    if (templates_.count(params.at("TemplateCode")) == 0) {
      return {200, "isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板"};
    }
    auto templateParam = params.find("TemplateParam");
    if (templateParam != params.end() && parseObject(templateParam->second).isNull()) {
      return {200, "isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值"};
    }
    std::vector<std::string> numbers;
    std::stringstream in(params.at("PhoneNumbers"));
    for (std::string number; std::getline(in, number, ',');) {
      numbers.push_back(number);
    }
    if (numbers.size() > kMaxNumbers) {
      return {200, "isv.MOBILE_COUNT_OVER_LIMIT", "手机号码数量超过限制"};
    }
    for (const std::string& number : numbers) {
      if (endsWith(number, "0000")) {
        return {200, "isv.MOBILE_NUMBER_ILLEGAL", "非法手机号"};
      }
      if (endsWith(number, "4444")) {
        return {200, "isv.BLACK_KEY_CONTROL_LIMIT", "黑名单管控"};
      }
    }
    for (const std::string& number : numbers) {
      const std::string key = "aliyun:" + number + "|" + signName;
      if (ctx.blockedForMs(key + ":minute") > 0) {
        return {200, "isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1"};
      }
      if (ctx.hit(key + ":hour", kHourMs) > 5) {
        return {200, "isv.BUSINESS_LIMIT_CONTROL", "触发小时级流控Permits:5"};
      }
      if (ctx.hit(key + ":day", kDayMs) > 10) {
        return {200, "isv.BUSINESS_LIMIT_CONTROL", "触发天级流控Permits:10"};
      }
      ctx.block(key + ":minute", kMinuteMs);
    }
    return {200, "OK", "OK"};
  }

  std::string accessKeyId_ = "LTAIfakeAliyunKeyId0001";
  std::string accessKeySecret_ = "fakeAliyunKeySecret0001";
  std::set<std::string> templates_ = {"SMS_1001", "SMS_1002"};
  std::set<std::string> signNames_ = {"Notify", "阿里云短信测试专用"};
  std::mutex mutex_;
  std::set<std::string> nonces_;
  std::atomic<uint64_t> serial_{0};
};

const bool kRegistered = registerModule([] { return std::make_unique<Aliyun>(); });

}  // namespace
}  // namespace notify::fakeprov
