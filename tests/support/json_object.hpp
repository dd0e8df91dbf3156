// SPDX-License-Identifier: Apache-2.0
// Reading JSON a test expects to be one object: a request body a plugin built, a body the fake
// provider recorded. Header-only, for unit and integration tests alike.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <string>

namespace notify::test {

// The object json holds; throws (failing the test) when json is not a JSON object.
inline Poco::JSON::Object::Ptr parseJson(const std::string& json) {
  return Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace notify::test
