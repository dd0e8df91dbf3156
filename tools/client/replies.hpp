// Reading the daemon's replies: parsing, and the error shape every failed request shares.
#pragma once

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>

namespace notify::client {

// The reply as an object in the daemon's own key order, or null when the frame is not a JSON
// object (a client must not trust a peer it merely connected to).
Poco::JSON::Object::Ptr parseReply(const std::string& frame);

// The error of a reply, or of one send_batch result: `{"ok": false, "error": {...}}`.
struct ReplyError {
  std::string code;
  std::string message;
  std::string field;  // empty when no field is at fault
};

// Nothing when the object says ok; otherwise its error, with code "malformed_reply" when the
// object carries no usable error.
std::optional<ReplyError> replyError(const Poco::JSON::Object& reply);

// "code: message (field: f)", the field part only when there is one.
std::string describe(const ReplyError& error);

// Indented two spaces a level, members in the daemon's order, for people to read.
std::string prettyJson(const Poco::JSON::Object::Ptr& object);

// The member as text ("" when absent or null), so renderers need not care about JSON types.
std::string textOf(const Poco::JSON::Object& object, const std::string& key);

}  // namespace notify::client
