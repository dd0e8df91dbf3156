#include "tools/client/replies.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

namespace notify::client {

Poco::JSON::Object::Ptr parseReply(const std::string& frame) {
  try {
    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(/*preserveObjectOrder=*/true));
    const Poco::Dynamic::Var parsed = parser.parse(frame);
    if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) {
      return parsed.extract<Poco::JSON::Object::Ptr>();
    }
  } catch (const Poco::Exception&) {
    // A frame that does not parse is reported the same way as one that is not an object.
  }
  return nullptr;
}

std::optional<ReplyError> replyError(const Poco::JSON::Object& reply) {
  const Poco::Dynamic::Var ok = reply.get("ok");
  if (ok.type() == typeid(bool) && ok.extract<bool>()) {
    return std::nullopt;
  }
  const auto error = reply.getObject("error");
  if (error.isNull()) {
    return ReplyError{"malformed_reply", "reply has neither \"ok\": true nor an error", ""};
  }
  return ReplyError{textOf(*error, "code"), textOf(*error, "message"), textOf(*error, "field")};
}

std::string describe(const ReplyError& error) {
  std::string text = error.code + ": " + error.message;
  if (!error.field.empty()) {
    text += " (field: " + error.field + ")";
  }
  return text;
}

std::string textOf(const Poco::JSON::Object& object, const std::string& key) {
  const Poco::Dynamic::Var value = object.get(key);
  if (value.isEmpty()) {
    return "";
  }
  try {
    return value.toString();
  } catch (const Poco::Exception&) {
    return "";  // arrays and objects have no one-line text form here
  }
}

}  // namespace notify::client
