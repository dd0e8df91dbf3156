// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <string>

#include "support/test_env.hpp"

namespace notify::test {

inline constexpr const char* kWebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

// Writes a notifyd configuration into dir for app "test" (token "test-token"): provider "hook"
// (webhook plugin to webhookUrl, signed with kWebhookSecret), channel "hooks", template
// "greeting" (var name). Fast retries so tests do not wait. extra is appended verbatim.
// Returns the config file path; the ZeroMQ endpoint is tcp://127.0.0.1:port. storeTable is the
// body of [store] (default: SQLite in dir).
std::filesystem::path writeDaemonConfig(const TempDir& dir, int port, const std::string& webhookUrl,
                                        const std::string& extra = "",
                                        const std::string& storeTable = "path = \"notify.db\"");

// A webhook provider "account" at url whose "too many requests" holds the whole provider
// (throttle_pause_ms = 1000), its channel "account", and a template "bill" (var name) on it.
std::string accountWideProvider(const std::string& url);

inline std::string endpointFor(int port) {
  return "tcp://127.0.0.1:" + std::to_string(port);
}

}  // namespace notify::test
