// SPDX-License-Identifier: Apache-2.0
// WhatsApp Cloud API, served at /whatsapp/v{N}.{M}/{phone_number_id}/messages (POST).
//
// Account (optional), with these defaults:
//   {"access_token": "whatsapp-fake-token", "phone_number_id": "106540352242922",
//    "throughput_mps": 80,                          messages per second per number
//    "templates": {"hello_world": 0, "order_update": 2}}   name → number of body parameters
//
// Checks, in order; errors use Meta's shape {"error":{"message","type","code","error_data":
// {"messaging_product","details"},"fbtrace_id"}}:
//  - Authorization other than "Bearer <access_token>" → HTTP 401, code 190;
//  - a phone_number_id other than the account's → HTTP 400, code 100 (subcode 33);
//  - more than throughput_mps sends within a rolling second → HTTP 429, code 130429;
//  - body: messaging_product "whatsapp" and "to" required (100); type "text" needs text.body
//    (131008); type "template" needs a known template.name (132001), language.code (131008)
//    and exactly its number of body parameters (132000); other types → 131051;
//  - MAGIC recipients (digits of "to"): ending in 0000 → 131026 "Message undeliverable";
//    ending in 0047 with a text message → 131047 "Re-engagement message" (outside 24 h);
//  - a second message to the same recipient within 6 s → 131056 pair rate limit.
// All of these are HTTP 400 unless said otherwise. Success: {"messaging_product","contacts":
// [{"input","wa_id"}],"messages":[{"id":"wamid.…"}]}, templates with "message_status":
// "accepted". Recorded: accepted messages only (note "accepted").
#include <Poco/JSON/Array.h>

#include <atomic>
#include <map>
#include <regex>

#include "tools/fakeprov/fake_json.hpp"
#include "tools/fakeprov/provider_module.hpp"

namespace notify::fakeprov {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr int64_t kSecondMs = 1000;
constexpr int64_t kPairWindowMs = 6000;

FakeResponse metaError(int status, int64_t code, const std::string& message,
                       const std::string& details, const std::string& type = "OAuthException") {
  Object::Ptr data = new Object;
  data->set("messaging_product", "whatsapp");
  data->set("details", details);
  Object::Ptr error = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  error->set("message", "(#" + std::to_string(code) + ") " + message);
  error->set("type", type);
  error->set("code", code);
  error->set("error_data", data);
  error->set("fbtrace_id", "AFakeTraceId");
  Object::Ptr body = new Object;
  body->set("error", error);
  return jsonReply(body, status);
}

std::string digitsOf(const std::string& phone) {
  std::string digits;
  for (char c : phone) {
    if (c >= '0' && c <= '9') {
      digits += c;
    }
  }
  return digits;
}

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

class Whatsapp : public ProviderModule {
 public:
  std::string name() const override { return "whatsapp"; }

  void configure(const Object::Ptr& account) override {
    if (!account) {
      return;
    }
    accessToken_ = account->optValue<std::string>("access_token", accessToken_);
    phoneNumberId_ = account->optValue<std::string>("phone_number_id", phoneNumberId_);
    throughputMps_ = account->optValue<int>("throughput_mps", throughputMps_);
    if (Object::Ptr templates = account->getObject("templates")) {
      templates_.clear();
      for (const auto& [templateName, count] : *templates) {
        templates_[templateName] = count.convert<size_t>();
      }
    }
  }

  FakeResponse handle(const FakeRequest& request, FakeContext& ctx) override {
    static const std::regex kPath(R"(/v[0-9]+\.[0-9]+/([^/]+)/messages)");
    std::smatch match;
    if (request.method != "POST" || !std::regex_match(request.path, match, kPath)) {
      return metaError(400, 100, "Unknown path components: " + request.path, "");
    }
    auto auth = request.headers.find("authorization");
    if (auth == request.headers.end() || auth->second != "Bearer " + accessToken_) {
      return metaError(401, 190, "Invalid OAuth access token - Cannot parse access token", "");
    }
    if (match[1].str() != phoneNumberId_) {
      return metaError(400, 100,
                       "Unsupported post request. Object with ID '" + match[1].str() +
                           "' does not exist, cannot be loaded due to missing permissions, or "
                           "does not support this operation",
                       "", "GraphMethodException");
    }
    if (ctx.hit("whatsapp-mps:" + phoneNumberId_, kSecondMs) > throughputMps_) {
      return metaError(429, 130429, "Rate limit hit",
                       "Cloud API message throughput has been reached.");
    }
    const Object::Ptr body = parseObject(request.body);
    if (FakeResponse error; invalid(body, error)) {
      return error;
    }
    const std::string to = stringMember(body, "to");
    const std::string waId = digitsOf(to);
    if (ctx.hit("whatsapp-pair:" + phoneNumberId_ + ":" + waId, kPairWindowMs) > 1) {
      return metaError(400, 131056, "(Business Account, Consumer Account) pair rate limit hit",
                       "Message failed to send because there were too many messages sent from "
                       "this phone number to the same phone number in a short period of time.");
    }
    ctx.record(name(), request, "accepted");
    return success(to, waId, stringMember(body, "type") == "template");
  }

 private:
  // True, with error set, when the body is not a message this number can send.
  bool invalid(const Object::Ptr& body, FakeResponse& error) const {
    const std::string to = stringMember(body, "to");
    const std::string type = stringMember(body, "type");
    if (stringMember(body, "messaging_product") != "whatsapp" || digitsOf(to).empty()) {
      error = metaError(400, 100, "Invalid parameter", "messaging_product and to are required");
    } else if (type == "text") {
      if (stringMember(body->getObject("text"), "body").empty()) {
        error = metaError(400, 131008, "Required parameter is missing", "text.body is required");
      } else if (endsWith(digitsOf(to), "0047")) {
        error = metaError(400, 131047, "Re-engagement message",
                          "Message failed to send because more than 24 hours have passed "
                          "since the customer last replied to this number.");
      }
    } else if (type == "template") {
      error = invalidTemplate(body->getObject("template"));
    } else {
      error = metaError(400, 131051, "Unsupported message type", "type " + type);
    }
    if (error.body.empty() && endsWith(digitsOf(to), "0000")) {
      error = metaError(400, 131026, "Message undeliverable",
                        "Message Undeliverable: the recipient is not a WhatsApp user");
    }
    return !error.body.empty();
  }

  FakeResponse invalidTemplate(const Object::Ptr& tpl) const {
    auto known = templates_.find(stringMember(tpl, "name"));
    if (known == templates_.end()) {
      return metaError(400, 132001, "Template name does not exist in the translation",
                       "template name (" + stringMember(tpl, "name") + ") does not exist");
    }
    if (stringMember(tpl->getObject("language"), "code").empty()) {
      return metaError(400, 131008, "Required parameter is missing", "language.code");
    }
    size_t parameters = 0;
    if (Array::Ptr components = tpl->getArray("components")) {
      for (size_t i = 0; i < components->size(); ++i) {
        Object::Ptr component = components->getObject(i);
        Array::Ptr list = component.isNull() ? nullptr : component->getArray("parameters");
        if (stringMember(component, "type") == "body" && !list.isNull()) {
          parameters += list->size();
        }
      }
    }
    if (parameters != known->second) {
      return metaError(400, 132000,
                       "Number of parameters does not match the expected number of params",
                       "body: number of localizable_params (" + std::to_string(parameters) +
                           ") does not match the expected number of params (" +
                           std::to_string(known->second) + ")");
    }
    return {};
  }

  FakeResponse success(const std::string& to, const std::string& waId, bool isTemplate) {
    Object::Ptr contact = new Object;
    contact->set("input", to);
    contact->set("wa_id", waId);
    Array::Ptr contacts = new Array;
    contacts->add(contact);
    Object::Ptr message = new Object;
    message->set("id", "wamid.FAKE" + std::to_string(++serial_));
    if (isTemplate) {
      message->set("message_status", "accepted");
    }
    Array::Ptr messages = new Array;
    messages->add(message);
    Object::Ptr body = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("messaging_product", "whatsapp");
    body->set("contacts", contacts);
    body->set("messages", messages);
    return jsonReply(body);
  }

  std::string accessToken_ = "whatsapp-fake-token";
  std::string phoneNumberId_ = "106540352242922";
  int throughputMps_ = 80;
  std::map<std::string, size_t> templates_ = {{"hello_world", 0}, {"order_update", 2}};
  std::atomic<uint64_t> serial_{0};
};

const bool kRegistered = registerModule([] { return std::make_unique<Whatsapp>(); });

}  // namespace
}  // namespace notify::fakeprov
