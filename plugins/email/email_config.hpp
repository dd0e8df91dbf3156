// SPDX-License-Identifier: Apache-2.0
// The email channel's configuration, read and checked once when the instance is created.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "notify/channel.hpp"
#include "plugins/email/email_mime.hpp"

namespace notify::plugin::email {

enum class TlsMode {
  kStartTls,  // plain connect, STARTTLS required before anything else (port 587)
  kImplicit,  // TLS from the first byte (port 465)
  kNone,      // no TLS at all: loopback relays only
};

struct EmailConfig {
  std::string host;
  uint16_t port = 587;
  TlsMode tls = TlsMode::kStartTls;
  std::string username;  // empty: no AUTH
  std::string password;
  Mailbox from;
  std::string heloName;
  std::string caFile;  // extra trusted CAs (PEM) besides the system store; may be empty
  bool verifyPeer = true;
  uint32_t timeoutMs = 30000;  // per SMTP exchange, never beyond the message deadline
};

// 127.0.0.0/8, ::1 and "localhost".
bool isLoopbackHost(std::string_view host);

// Reads the instance configuration. Throws sdk::ConfigError naming the offending key.
// localHostName is the default EHLO name when helo_name is absent or empty.
EmailConfig parseConfig(const sdk::Config& config, std::string_view localHostName);

}  // namespace notify::plugin::email
