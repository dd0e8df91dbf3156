// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace notify::test {

// A real notify-fakeprov child process on a free loopback port, with its control API.
class FakeProvProcess {
 public:
  // config: optional JSON accounts file passed as --config; args: more command-line options
  // (e.g. {"--clock", "scale=20,anchor=..."}).
  explicit FakeProvProcess(const std::filesystem::path& config = {},
                           const std::vector<std::string>& args = {});
  ~FakeProvProcess();
  FakeProvProcess(const FakeProvProcess&) = delete;
  FakeProvProcess& operator=(const FakeProvProcess&) = delete;

  int port() const { return port_; }
  // Base URL of one fake provider, e.g. http://127.0.0.1:PORT/tencent
  std::string url(const std::string& provider) const;

  // The requests the provider accepted (objects with method, path, query, headers, body, note).
  Poco::JSON::Array::Ptr requests(const std::string& provider) const;
  // Waits until at least count requests were recorded for provider; false on timeout.
  bool waitForRequests(const std::string& provider, size_t count, int timeoutMs) const;
  // POSTs a JSON body to /_fake/<what> (faults, clock, tokens/expire, reset).
  void control(const std::string& what, const std::string& json) const;
  int tokensIssued(const std::string& provider) const;

 private:
  std::string get(const std::string& pathAndQuery) const;

  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace notify::test
