// SPDX-License-Identifier: Apache-2.0
// JSON helpers for provider modules: reading request bodies and writing the answers, including
// the {"errcode": N, "errmsg": "..."} shape WeCom, WeChat and DingTalk wrap results in.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <set>
#include <sstream>
#include <string>

#include "tools/fakeprov/fake_context.hpp"

namespace notify::fakeprov {

// The body as a JSON object; null when it is not one.
inline Poco::JSON::Object::Ptr parseObject(const std::string& text) {
  try {
    Poco::Dynamic::Var root = Poco::JSON::Parser().parse(text);
    if (root.type() == typeid(Poco::JSON::Object::Ptr)) {
      return root.extract<Poco::JSON::Object::Ptr>();
    }
  } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): not JSON means null
  }
  return nullptr;
}

// A string member; "" when absent or not a string.
inline std::string stringMember(const Poco::JSON::Object::Ptr& object, const std::string& key) {
  if (object.isNull() || !object->has(key) || !object->get(key).isString()) {
    return {};
  }
  return object->getValue<std::string>(key);
}

inline FakeResponse jsonReply(const Poco::JSON::Object::Ptr& body, int status = 200) {
  std::ostringstream out;
  body->stringify(out);
  return FakeResponse::json(out.str(), status);
}

// {"errcode": errcode, "errmsg": errmsg, ...extra members} inside HTTP 200.
inline FakeResponse errcodeReply(int64_t errcode, const std::string& errmsg,
                                 const Poco::JSON::Object::Ptr& extra = nullptr) {
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  body->set("errcode", errcode);
  body->set("errmsg", errmsg);
  if (!extra.isNull()) {
    for (const auto& [key, value] : *extra) {
      body->set(key, value);
    }
  }
  return jsonReply(body);
}

// Replaces out with the strings of array member key of an account object, when it has one
// (configurable lists such as known template ids).
inline void readStringSet(const Poco::JSON::Object::Ptr& object, const std::string& key,
                          std::set<std::string>& out) {
  if (object.isNull()) {
    return;
  }
  if (Poco::JSON::Array::Ptr list = object->getArray(key)) {
    out.clear();
    for (const auto& item : *list) {
      out.insert(item.convert<std::string>());
    }
  }
}

}  // namespace notify::fakeprov
