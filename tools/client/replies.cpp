#include "tools/client/replies.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include "tools/client/requests.hpp"

namespace notify::client {
namespace {

constexpr std::size_t kIndent = 2;

void writePretty(const Poco::Dynamic::Var& value, std::size_t depth, std::string& out);

// Poco's own indenting prints empty containers across lines; this keeps them as {} and [].
template <typename Container, typename WriteItem>
void writeContainer(const Container& items, std::size_t count, char open, char close,
                    std::size_t depth, WriteItem writeItem, std::string& out) {
  out += open;
  for (std::size_t i = 0; i < count; ++i) {
    out += i == 0 ? "\n" : ",\n";
    out.append((depth + 1) * kIndent, ' ');
    writeItem(items, i, out);
  }
  if (count > 0) {
    out += '\n';
    out.append(depth * kIndent, ' ');
  }
  out += close;
}

void writePretty(const Poco::Dynamic::Var& value, std::size_t depth, std::string& out) {
  if (value.type() == typeid(Poco::JSON::Object::Ptr)) {
    const auto& object = value.extract<Poco::JSON::Object::Ptr>();
    const auto names = object->getNames();
    writeContainer(
        names, names.size(), '{', '}', depth,
        [&](const auto& keys, std::size_t i, std::string& text) {
          text += toJson(keys[i]) + ": ";
          writePretty(object->get(keys[i]), depth + 1, text);
        },
        out);
  } else if (value.type() == typeid(Poco::JSON::Array::Ptr)) {
    const auto& array = value.extract<Poco::JSON::Array::Ptr>();
    writeContainer(
        *array, array->size(), '[', ']', depth,
        [&](const auto& items, std::size_t i, std::string& text) {
          writePretty(items.get(static_cast<unsigned>(i)), depth + 1, text);
        },
        out);
  } else {
    out += toJson(value);
  }
}

}  // namespace

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

std::string prettyJson(const Poco::JSON::Object::Ptr& object) {
  std::string out;
  writePretty(object, 0, out);
  return out;
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
