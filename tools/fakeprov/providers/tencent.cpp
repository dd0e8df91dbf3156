// SPDX-License-Identifier: Apache-2.0
// Tencent Cloud SMS, SendSms 2021-01-11, served at /tencent/ (POST, JSON, TC3-HMAC-SHA256).
//
// Account (all optional): {"secret_id": "...", "secret_key": "...", "sdk_app_id": "...",
// "service": "sms", "templates": ["1001", ...], "sign_names": ["Notify", ...]}.
// Defaults: secret_id "AKIDfakeTencentSecretId0001", secret_key "fakeTencentSecretKey0001",
// sdk_app_id "1400006666", service "sms", templates "1001" and "1002", sign names "Notify"
// and "腾讯云".
//
// Request-level checks, in order; each failure is Response.Error inside HTTP 200:
//  - Authorization "TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request,
//    SignedHeaders=<names>, Signature=<hex>" → else AuthFailure.InvalidAuthorization (also when
//    content-type or host is not signed, or the scope's service is not the configured one);
//  - unknown SecretId → AuthFailure.SecretIdNotFound;
//  - X-TC-Timestamp more than 300 s from the fake's clock → AuthFailure.SignatureExpire;
//  - the signature recomputed from the received request (method, path, query, the headers
//    listed in SignedHeaders with their received values, body) with the configured key, and
//    the scope date equal to the timestamp's UTC date → else AuthFailure.SignatureFailure;
//  - X-TC-Action SendSms → else InvalidAction; X-TC-Version 2021-01-11 → else NoSuchVersion;
//    X-TC-Region present → else MissingParameter;
//  - body a JSON object → else FailedOperation.JsonParseFail; SmsSdkAppId the configured one →
//    else InvalidParameterValue.SdkAppIdNotExist; PhoneNumberSet 1..200 strings → else
//    MissingParameter.EmptyPhoneNumberSet / LimitExceeded.PhoneNumberCountLimit; TemplateId
//    known → else FailedOperation.TemplateIncorrectOrUnapproved; SignName known (required for
//    +86 numbers) → else FailedOperation.SignatureIncorrectOrUnapproved.
// Then one SendStatusSet entry per number (the request itself succeeds):
//  - magic numbers: ending 0000 → InvalidParameterValue.IncorrectPhoneNumber, ending 4444 →
//    FailedOperation.PhoneNumberInBlacklist;
//  - same number and same content (template + parameters) at most once per 30 s →
//    LimitExceeded.PhoneNumberThirtySecondLimit; at most 10 per number per 24 h (rolling, every
//    attempt past the 30 s check counts) → LimitExceeded.PhoneNumberDailyLimit;
//  - else Code "Ok" with a new SerialNo "2640:<n>".
// Requests that pass the request-level checks are recorded; the note lists each number's
// result, "Ok <SerialNo>" or its code, separated by "; ".
#include <Poco/JSON/Array.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <set>
#include <sstream>

#include "tools/fakeprov/crypto.hpp"
#include "tools/fakeprov/fake_json.hpp"
#include "tools/fakeprov/provider_module.hpp"

namespace notify::fakeprov {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr int64_t kSkewMs = int64_t{300} * 1000;
constexpr int64_t kSameContentWindowMs = int64_t{30} * 1000;
constexpr int64_t kDayMs = int64_t{24} * 3600 * 1000;
constexpr int kDailyPerNumber = 10;
constexpr size_t kMaxNumbers = 200;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string trim(const std::string& text) {
  const size_t begin = text.find_first_not_of(" \t");
  const size_t end = text.find_last_not_of(" \t");
  return begin == std::string::npos ? std::string() : text.substr(begin, end - begin + 1);
}

std::string utcDate(int64_t unixSeconds) {
  using namespace std::chrono;
  const year_month_day date{floor<days>(sys_seconds{seconds{unixSeconds}})};
  char text[16];
  std::snprintf(text, sizeof(text), "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The parts of "TC3-HMAC-SHA256 Credential=.../.../.../tc3_request, SignedHeaders=..., ...".
struct Authorization {
  std::string secretId;
  std::string date;
  std::string service;
  std::vector<std::string> signedHeaders;
  std::string signature;
  bool valid = false;
};

Authorization parseAuthorization(const std::string& header) {
  Authorization out;
  const std::string prefix = "TC3-HMAC-SHA256 ";
  if (header.rfind(prefix, 0) != 0) {
    return out;
  }
  std::map<std::string, std::string> parts;
  std::stringstream in(header.substr(prefix.size()));
  for (std::string part; std::getline(in, part, ',');) {
    part = trim(part);
    const size_t eq = part.find('=');
    if (eq != std::string::npos) {
      parts[part.substr(0, eq)] = part.substr(eq + 1);
    }
  }
  std::vector<std::string> scope;
  std::stringstream credential(parts["Credential"]);
  for (std::string item; std::getline(credential, item, '/');) {
    scope.push_back(item);
  }
  std::stringstream names(parts["SignedHeaders"]);
  for (std::string name; std::getline(names, name, ';');) {
    out.signedHeaders.push_back(name);
  }
  out.signature = parts["Signature"];
  out.valid = scope.size() == 4 && scope[3] == "tc3_request" && !out.signature.empty() &&
              !out.signedHeaders.empty();
  if (out.valid) {
    out.secretId = scope[0];
    out.date = scope[1];
    out.service = scope[2];
  }
  return out;
}

class Tencent : public ProviderModule {
 public:
  std::string name() const override { return "tencent"; }

  void configure(const Object::Ptr& account) override {
    if (!account) {
      return;
    }
    secretId_ = account->optValue<std::string>("secret_id", secretId_);
    secretKey_ = account->optValue<std::string>("secret_key", secretKey_);
    sdkAppId_ = account->optValue<std::string>("sdk_app_id", sdkAppId_);
    service_ = account->optValue<std::string>("service", service_);
    readStringSet(account, "templates", templates_);
    readStringSet(account, "sign_names", signNames_);
  }

  FakeResponse handle(const FakeRequest& request, FakeContext& ctx) override {
    const std::string requestId = "fake-tencent-" + std::to_string(++serial_);
    std::string code;
    std::string message;
    if (!authenticate(request, ctx, code, message)) {
      return error(requestId, code, message);
    }
    Object::Ptr body;
    if (!checkRequest(request, body, code, message)) {
      return error(requestId, code, message);
    }
    Array::Ptr statuses = new Array;
    std::string note;
    for (const auto& number : *body->getArray("PhoneNumberSet")) {
      Object::Ptr status = sendOne(number.convert<std::string>(), body, ctx);
      note += (note.empty() ? "" : "; ") + status->getValue<std::string>("Code");
      if (status->getValue<std::string>("Code") == "Ok") {
        note += " " + status->getValue<std::string>("SerialNo");
      }
      statuses->add(status);
    }
    ctx.record(name(), request, note);
    Object::Ptr response = new Object;
    response->set("SendStatusSet", statuses);
    response->set("RequestId", requestId);
    Object::Ptr root = new Object;
    root->set("Response", response);
    return jsonReply(root);
  }

 private:
  static FakeResponse error(const std::string& requestId, const std::string& code,
                            const std::string& message) {
    Object::Ptr error = new Object;
    error->set("Code", code);
    error->set("Message", message);
    Object::Ptr response = new Object;
    response->set("Error", error);
    response->set("RequestId", requestId);
    Object::Ptr root = new Object;
    root->set("Response", response);
    return jsonReply(root);
  }

  static std::string header(const FakeRequest& request, const std::string& name) {
    auto it = request.headers.find(name);
    return it == request.headers.end() ? std::string() : it->second;
  }

  bool authenticate(const FakeRequest& request, FakeContext& ctx, std::string& code,
                    std::string& message) const {
    const Authorization auth = parseAuthorization(header(request, "authorization"));
    const auto& names = auth.signedHeaders;
    if (!auth.valid || auth.service != service_ ||
        std::find(names.begin(), names.end(), "content-type") == names.end() ||
        std::find(names.begin(), names.end(), "host") == names.end()) {
      code = "AuthFailure.InvalidAuthorization";
      message = "Authorization is malformed, or does not sign content-type and host";
      return false;
    }
    if (auth.secretId != secretId_) {
      code = "AuthFailure.SecretIdNotFound";
      message = "The SecretId is not found, please ensure that your SecretId is correct.";
      return false;
    }
    const int64_t timestamp = std::atoll(header(request, "x-tc-timestamp").c_str());
    if (std::llabs(ctx.nowMs() - timestamp * 1000) > kSkewMs) {
      code = "AuthFailure.SignatureExpire";
      message = "Signature expired. Timestamp " + std::to_string(timestamp) +
                " differs from the server time by more than 5 minutes.";
      return false;
    }
    std::string canonicalHeaders;
    std::string signedHeaders;
    for (const std::string& name : names) {
      canonicalHeaders += lower(name) + ":" + lower(trim(header(request, lower(name)))) + "\n";
      signedHeaders += (signedHeaders.empty() ? "" : ";") + lower(name);
    }
    const std::string canonical = request.method + "\n" + request.path + "\n" + request.rawQuery +
                                  "\n" + canonicalHeaders + "\n" + signedHeaders + "\n" +
                                  hex(sha256(request.body));
    const std::string date = utcDate(timestamp);
    const std::string stringToSign = "TC3-HMAC-SHA256\n" + std::to_string(timestamp) + "\n" + date +
                                     "/" + service_ + "/tc3_request\n" + hex(sha256(canonical));
    const std::string key =
        hmacSha256(hmacSha256(hmacSha256("TC3" + secretKey_, date), service_), "tc3_request");
    if (auth.date != date ||
        !constantTimeEquals(hex(hmacSha256(key, stringToSign)), auth.signature)) {
      code = "AuthFailure.SignatureFailure";
      message =
          "The provided credentials could not be validated. Please check your signature "
          "is correct.";
      return false;
    }
    return true;
  }

  bool checkRequest(const FakeRequest& request, Object::Ptr& body, std::string& code,
                    std::string& message) const {
    auto fail = [&](const char* c, const std::string& m) {
      code = c;
      message = m;
      return false;
    };
    if (header(request, "x-tc-action") != "SendSms") {
      return fail("InvalidAction", "The action requested is invalid for this service.");
    }
    if (header(request, "x-tc-version") != "2021-01-11") {
      return fail("NoSuchVersion", "The requested API version does not exist.");
    }
    if (header(request, "x-tc-region").empty()) {
      return fail("MissingParameter", "The request is missing the required parameter Region.");
    }
    body = parseObject(request.body);
    if (body.isNull()) {
      return fail("FailedOperation.JsonParseFail", "Failed to parse the JSON body.");
    }
    if (body->optValue<std::string>("SmsSdkAppId", "") != sdkAppId_) {
      return fail("InvalidParameterValue.SdkAppIdNotExist", "SdkAppId does not exist.");
    }
    Array::Ptr numbers = body->getArray("PhoneNumberSet");
    if (!numbers || numbers->size() == 0) {
      return fail("MissingParameter.EmptyPhoneNumberSet", "The phone number set is empty.");
    }
    if (numbers->size() > kMaxNumbers) {
      return fail("LimitExceeded.PhoneNumberCountLimit", "More than 200 numbers.");
    }
    if (templates_.count(body->optValue<std::string>("TemplateId", "")) == 0) {
      return fail("FailedOperation.TemplateIncorrectOrUnapproved",
                  "The template is not approved or does not exist.");
    }
    const std::string signName = body->optValue<std::string>("SignName", "");
    bool mainland = false;
    for (const auto& number : *numbers) {
      mainland = mainland || number.convert<std::string>().rfind("+86", 0) == 0;
    }
    if ((mainland || !signName.empty()) && signNames_.count(signName) == 0) {
      return fail("FailedOperation.SignatureIncorrectOrUnapproved",
                  "The signature is not approved or does not exist.");
    }
    return true;
  }

  Object::Ptr sendOne(const std::string& number, const Object::Ptr& body, FakeContext& ctx) {
    Object::Ptr status = new Object;
    status->set("PhoneNumber", number);
    status->set("SessionContext", body->optValue<std::string>("SessionContext", ""));
    status->set("IsoCode", number.rfind("+86", 0) == 0 ? "CN" : "DEF");
    std::string content = body->optValue<std::string>("TemplateId", "");
    if (Array::Ptr params = body->getArray("TemplateParamSet")) {
      for (const auto& param : *params) {
        content += "|" + param.convert<std::string>();
      }
    }
    const std::string sameContent = "tencent:30s:" + number + "|" + content;
    std::string code = "Ok";
    std::string message = "send success";
    if (endsWith(number, "0000")) {
      code = "InvalidParameterValue.IncorrectPhoneNumber";
      message = "The phone number format is incorrect.";
    } else if (endsWith(number, "4444")) {
      code = "FailedOperation.PhoneNumberInBlacklist";
      message = "The phone number is in the blocklist.";
    } else if (ctx.blockedForMs(sameContent) > 0) {
      code = "LimitExceeded.PhoneNumberThirtySecondLimit";
      message = "The same content was sent to this number within 30 seconds.";
    } else if (ctx.hit("tencent:day:" + number, kDayMs) > kDailyPerNumber) {
      code = "LimitExceeded.PhoneNumberDailyLimit";
      message = "The number has reached its daily limit.";
    } else {
      ctx.block(sameContent, kSameContentWindowMs);
    }
    status->set("Code", code);
    status->set("Message", message);
    status->set("Fee", code == "Ok" ? 1 : 0);
    status->set("SerialNo", code == "Ok" ? "2640:" + std::to_string(1000000000 + ++serial_) : "");
    return status;
  }

  std::string secretId_ = "AKIDfakeTencentSecretId0001";
  std::string secretKey_ = "fakeTencentSecretKey0001";
  std::string sdkAppId_ = "1400006666";
  std::string service_ = "sms";
  std::set<std::string> templates_ = {"1001", "1002"};
  std::set<std::string> signNames_ = {"Notify", "腾讯云"};
  std::atomic<uint64_t> serial_{0};
};

const bool kRegistered = registerModule([] { return std::make_unique<Tencent>(); });

}  // namespace
}  // namespace notify::fakeprov
