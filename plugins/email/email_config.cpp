// SPDX-License-Identifier: Apache-2.0
#include "plugins/email/email_config.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <limits>

namespace notify::plugin::email {
namespace {

// An EHLO argument: a domain name or an address literal, nothing that could break the line.
bool isValidHeloName(std::string_view name) {
  return !name.empty() && name.size() <= 255 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '[' || c == ']' || c == ':';
  });
}

TlsMode parseTls(const std::string& text) {
  if (text == "starttls") {
    return TlsMode::kStartTls;
  }
  if (text == "implicit") {
    return TlsMode::kImplicit;
  }
  if (text == "none") {
    return TlsMode::kNone;
  }
  throw sdk::ConfigError("tls: must be \"starttls\", \"implicit\" or \"none\", got \"" + text +
                         "\"");
}

}  // namespace

bool isLoopbackHost(std::string_view host) {
  std::string text(host);
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (text == "localhost") {
    return true;
  }
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  return inet_pton(AF_INET6, text.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

EmailConfig parseConfig(const sdk::Config& config, std::string_view localHostName) {
  EmailConfig out;
  out.host = config.get("host");
  if (out.host.empty() || out.host.find_first_of(" \t\r\n/") != std::string::npos) {
    throw sdk::ConfigError("host: must be a host name or address");
  }
  const int64_t port = config.getInt("port", 587);
  if (port < 1 || port > 65535) {
    throw sdk::ConfigError("port: must be between 1 and 65535");
  }
  out.port = static_cast<uint16_t>(port);
  out.tls = parseTls(config.get("tls", "starttls"));
  if (out.tls == TlsMode::kNone && !isLoopbackHost(out.host)) {
    // Credentials and mail would cross the network in clear text.
    throw sdk::ConfigError("tls: \"none\" is only allowed for a loopback host, not " + out.host);
  }
  out.username = config.get("username");
  out.password = config.get("password");
  if (out.username.empty() != out.password.empty()) {
    throw sdk::ConfigError(out.username.empty() ? "username: required when password is set"
                                                : "password: required when username is set");
  }
  const std::optional<Mailbox> from = parseMailbox(config.get("from"));
  if (!from) {
    throw sdk::ConfigError("from: expected \"Name <local@domain>\" or \"local@domain\"");
  }
  out.from = *from;
  out.heloName = config.get("helo_name");
  if (out.heloName.empty()) {
    out.heloName = localHostName.empty() ? "localhost" : std::string(localHostName);
  }
  if (!isValidHeloName(out.heloName)) {
    throw sdk::ConfigError("helo_name: must be a domain name or an address literal");
  }
  out.caFile = config.get("ca_file");
  out.verifyPeer = config.getBool("verify_peer", true);
  const int64_t timeoutMs = config.getInt("timeout_ms", 30000);
  if (timeoutMs <= 0 || timeoutMs > std::numeric_limits<int32_t>::max()) {
    throw sdk::ConfigError("timeout_ms: must be a positive number of milliseconds");
  }
  out.timeoutMs = static_cast<uint32_t>(timeoutMs);
  return out;
}

}  // namespace notify::plugin::email
