#include "tools/client/requests.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/JSONString.h>

#include <sstream>

namespace notify::client {
namespace {

Poco::JSON::Object::Ptr objectOf(const KeyValues& pairs) {
  auto object = newObject();
  for (const auto& [key, value] : pairs) {
    object->set(key, value);
  }
  return object;
}

Poco::JSON::Object::Ptr request(const char* op, const Credentials& credentials) {
  auto object = newObject();
  object->set("op", op);
  if (!credentials.app.empty()) {
    object->set("app", credentials.app);
  }
  if (!credentials.token.empty()) {
    object->set("token", credentials.token);
  }
  return object;
}

void setIfPresent(Poco::JSON::Object& object, const char* key,
                  const std::optional<std::string>& value) {
  if (value) {
    object.set(key, *value);
  }
}

void addMessageFields(Poco::JSON::Object& object, const MessageSpec& message) {
  object.set("template", message.templateName);
  object.set("to", objectOf(message.to));
  if (!message.vars.empty()) {
    object.set("vars", objectOf(message.vars));
  }
  setIfPresent(object, "channel", message.channel);
  setIfPresent(object, "idempotency_key", message.idempotencyKey);
  setIfPresent(object, "send_at", message.sendAt);
  if (!message.tags.empty()) {
    Poco::JSON::Array::Ptr tags = new Poco::JSON::Array;
    for (const auto& tag : message.tags) {
      tags->add(tag);
    }
    object.set("tags", tags);
  }
}

}  // namespace

Poco::JSON::Object::Ptr newObject() {
  return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

Poco::JSON::Object::Ptr messageObject(const MessageSpec& message) {
  auto object = newObject();
  addMessageFields(*object, message);
  return object;
}

Poco::JSON::Object::Ptr sendRequest(const Credentials& credentials, const MessageSpec& message) {
  auto object = request("send", credentials);
  addMessageFields(*object, message);
  return object;
}

Poco::JSON::Object::Ptr sendBatchRequest(const Credentials& credentials,
                                         const std::vector<MessageSpec>& messages) {
  auto object = request("send_batch", credentials);
  Poco::JSON::Array::Ptr elements = new Poco::JSON::Array;
  for (const auto& message : messages) {
    elements->add(messageObject(message));
  }
  object->set("messages", elements);
  return object;
}

Poco::JSON::Object::Ptr statusRequest(const Credentials& credentials,
                                      const std::string& messageId) {
  auto object = request("status", credentials);
  object->set("message_id", messageId);
  return object;
}

Poco::JSON::Object::Ptr pingRequest() {
  return request("ping", Credentials{});
}

Poco::JSON::Object::Ptr pluginsRequest(const Credentials& credentials) {
  return request("plugins", credentials);
}

Poco::JSON::Object::Ptr bareRequest(const char* op, const Credentials& credentials) {
  return request(op, credentials);
}

Poco::JSON::Object::Ptr deadLetterRequest(const std::string& op, const Credentials& credentials,
                                          const DeadLetterSpec& spec) {
  auto object = request(op.c_str(), credentials);
  const std::pair<const char*, const std::optional<std::string>*> fields[] = {
      {"message_id", &spec.messageId},
      {"template", &spec.templateName},
      {"since", &spec.since},
      {"until", &spec.until}};
  for (const auto& [key, value] : fields) {
    if (*value) {
      object->set(key, **value);
    }
  }
  if (spec.limit) {
    object->set("limit", *spec.limit);
  }
  return object;
}

Poco::JSON::Object::Ptr cancelRequest(const Credentials& credentials, const CancelSpec& spec) {
  auto object = request("cancel", credentials);
  setIfPresent(*object, "message_id", spec.messageId);
  setIfPresent(*object, "idempotency_key", spec.idempotencyKey);
  setIfPresent(*object, "tag", spec.tag);
  return object;
}

Poco::JSON::Object::Ptr cronRequest(const std::string& op, const Credentials& credentials,
                                    const std::string& job, std::optional<int> limit) {
  auto object = request(op.c_str(), credentials);
  if (!job.empty()) {
    object->set("job", job);
  }
  if (limit) {
    object->set("limit", *limit);
  }
  return object;
}

Poco::JSON::Object::Ptr audiencePushRequest(const Credentials& credentials, const std::string& list,
                                            bool replace, Poco::JSON::Array::Ptr rows) {
  auto object = request("audience_push", credentials);
  object->set("list", list);
  object->set("replace", replace);
  object->set("rows", rows);
  return object;
}

std::string toJson(const Poco::Dynamic::Var& value) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(value, out);
  return out.str();
}

}  // namespace notify::client
