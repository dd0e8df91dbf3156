// SPDX-License-Identifier: Apache-2.0
#include "core/http/http_url.hpp"

#include <algorithm>
#include <cctype>

namespace notify::core {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Error bad(std::string message) {
  return makeError("bad_argument", std::move(message), "url");
}

bool parsePort(std::string_view text, uint16_t& port) {
  if (text.empty() || text.size() > 5) {
    return false;
  }
  uint32_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  if (value == 0 || value > 65535) {
    return false;
  }
  port = static_cast<uint16_t>(value);
  return true;
}

}  // namespace

std::string HttpUrl::origin() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return std::string(tls ? "https://" : "http://") + (ipv6 ? "[" + host + "]" : host) + ":" +
         std::to_string(port);
}

Result<HttpUrl> parseHttpUrl(std::string_view url) {
  for (unsigned char c : url) {
    if (c <= 0x20 || c == 0x7f) {
      return bad("URL contains a space or control character");
    }
  }
  size_t schemeEnd = url.find("://");
  if (schemeEnd == std::string_view::npos) {
    return bad("URL must be absolute: http://host/... or https://host/...");
  }
  HttpUrl out;
  std::string scheme = lower(url.substr(0, schemeEnd));
  if (scheme == "https") {
    out.tls = true;
  } else if (scheme != "http") {
    return bad("URL scheme must be http or https, not '" + scheme + "'");
  }
  std::string_view rest = url.substr(schemeEnd + 3);
  size_t authorityEnd = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authorityEnd);
  std::string_view tail =
      authorityEnd == std::string_view::npos ? std::string_view() : rest.substr(authorityEnd);
  if (authority.find('@') != std::string_view::npos) {
    return bad("URL must not carry user information; send credentials in a header");
  }
  std::string_view portText;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return bad("URL has an unterminated IPv6 address");
    }
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        return bad("URL has text after its IPv6 address");
      }
      portText = after.substr(1);
    }
  } else {
    size_t colon = authority.rfind(':');
    out.host = lower(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      portText = authority.substr(colon + 1);
    }
  }
  if (out.host.empty()) {
    return bad("URL has no host");
  }
  const uint16_t defaultPort = out.tls ? 443 : 80;
  out.port = defaultPort;
  if (!portText.empty() && !parsePort(portText, out.port)) {
    return bad("URL port must be a number from 1 to 65535");
  }
  const bool ipv6 = out.host.find(':') != std::string::npos;
  out.hostHeader = ipv6 ? "[" + out.host + "]" : out.host;
  if (out.port != defaultPort) {
    out.hostHeader += ":" + std::to_string(out.port);
  }
  std::string_view target = tail.substr(0, tail.find('#'));
  out.target =
      target.empty() || target.front() != '/' ? "/" + std::string(target) : std::string(target);
  return out;
}

}  // namespace notify::core
