// SPDX-License-Identifier: Apache-2.0
#include "core/http/http_request_writer.hpp"

#include <strings.h>

#include <string_view>

namespace notify::core {
namespace {

// RFC 9110 token characters.
bool isToken(std::string_view text) {
  if (text.empty()) {
    return false;
  }
  for (unsigned char c : text) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum &&
        std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool isSafeValue(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

bool named(std::string_view name, const char* wanted) {
  return name.size() == std::char_traits<char>::length(wanted) &&
         strncasecmp(name.data(), wanted, name.size()) == 0;
}

}  // namespace

Result<std::string> writeHttpRequest(const HttpCall& call, const HttpUrl& url) {
  if (!isToken(call.method)) {
    return makeError("bad_argument", "HTTP method '" + call.method + "' is not a token", "method");
  }
  std::string host = url.hostHeader;
  for (const auto& [name, value] : call.headers) {
    if (!isToken(name)) {
      return makeError("bad_argument", "header name '" + name + "' is not a token", "headers");
    }
    if (!isSafeValue(value)) {
      return makeError("bad_argument", "header '" + name + "' has CR, LF or NUL in its value",
                       "headers");
    }
    if (named(name, "host")) {
      host = value;
    }
  }
  std::string out;
  out.reserve(128 + call.url.size() + call.body.size() + call.headers.size() * 48);
  out.append(call.method).append(" ").append(url.target).append(" HTTP/1.1\r\nHost: ");
  out.append(host).append("\r\n");
  for (const auto& [name, value] : call.headers) {
    if (named(name, "host") || named(name, "content-length") || named(name, "transfer-encoding") ||
        named(name, "connection")) {
      continue;
    }
    out.append(name).append(": ").append(value).append("\r\n");
  }
  if (!call.body.empty() || call.method == "POST" || call.method == "PUT" ||
      call.method == "PATCH") {
    out.append("Content-Length: ").append(std::to_string(call.body.size())).append("\r\n");
  }
  out.append("\r\n").append(call.body);
  return out;
}

}  // namespace notify::core
