// SPDX-License-Identifier: Apache-2.0
#include "core/config/secret_resolver.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace notify::core {

Result<std::string> SecretResolver::resolve(const std::string& reference) const {
  if (reference.rfind("env:", 0) == 0) {
    std::string name = reference.substr(4);
    if (name.empty()) {
      return makeError("bad_secret", "env: reference needs a variable name (env:NAME)");
    }
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) {
      return makeError("bad_secret", "environment variable " + name + " is not set");
    }
    return std::string(value);
  }
  if (reference.rfind("file:", 0) == 0) {
    std::filesystem::path path = reference.substr(5);
    if (path.empty()) {
      return makeError("bad_secret", "file: reference needs a path (file:PATH)");
    }
    if (path.is_relative()) {
      path = baseDir_ / path;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return makeError("bad_secret", "cannot read secret file " + path.string());
    }
    std::ostringstream text;
    text << in.rdbuf();
    std::string value = text.str();
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) {
      value.pop_back();
    }
    if (value.find('\0') != std::string::npos) {
      // A plugin gets its settings as C strings: the secret would silently end there.
      return makeError("bad_secret", "secret file " + path.string() +
                                         " contains a NUL byte; a secret is text");
    }
    return value;
  }
  return makeError("bad_secret",
                   "a secret must be a reference, env:NAME or file:PATH, not a literal value");
}

}  // namespace notify::core
