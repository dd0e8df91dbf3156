// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace notify::fakeprov {

// One HTTP request as a provider module sees it. path is what follows the provider's prefix
// ("/tencent/" + "" for Tencent's "/"). Header names are lower case.
struct FakeRequest {
  std::string method;
  std::string path;
  std::string rawQuery;
  std::map<std::string, std::string> query;  // URL-decoded
  std::map<std::string, std::string> headers;
  std::string body;
  std::string host;  // the Host header as sent
};

struct FakeResponse {
  int status = 200;
  std::map<std::string, std::string> headers;
  std::string body;
  std::string contentType = "application/json; charset=utf-8";

  static FakeResponse json(std::string body, int status = 200) {
    FakeResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
};

// A fault to inject into the next `count` requests for a provider (before the module runs);
// count 0: every one, for good. With `match`, only requests whose body contains it (a poison
// message) are affected and count.
struct Fault {
  std::string kind;  // "status", "slow", "timeout", "drop"
  int status = 500;
  int64_t delayMs = 0;
  int count = 1;
  std::string match;
  std::map<std::string, std::string> headers;
  std::string body;
};

// A request a module accepted, kept for test assertions.
struct RecordedRequest {
  std::string provider;
  int64_t atMs = 0;
  FakeRequest request;
  std::string note;  // what the module made of it, e.g. "delivered", "rate_limited"
};

// State shared by all modules: the (adjustable) clock, the request log, sliding rate windows,
// issued access tokens and pending faults. Thread-safe.
class FakeContext {
 public:
  int64_t nowMs() const;
  void advanceClock(int64_t ms);
  void setClockOffset(int64_t ms);

  void record(const std::string& provider, const FakeRequest& request, const std::string& note);
  std::vector<RecordedRequest> recorded(const std::string& provider) const;

  // Counts an event under key at nowMs and returns how many happened within the last windowMs
  // (this one included).
  int hit(const std::string& key, int64_t windowMs);
  // Blocks a key until nowMs + ms; blockedForMs tells how long a block still lasts (0: none).
  void block(const std::string& key, int64_t ms);
  int64_t blockedForMs(const std::string& key) const;

  // Access tokens: issue one valid for ttlMs; check returns "ok", "expired" or "invalid".
  std::string issueToken(const std::string& provider, int64_t ttlMs);
  std::string checkToken(const std::string& provider, const std::string& token) const;
  void expireTokens(const std::string& provider);
  int tokensIssued(const std::string& provider) const;

  void addFault(const std::string& provider, Fault fault);
  std::optional<Fault> takeFault(const std::string& provider, const std::string& body);

  void reset();

 private:
  mutable std::mutex mutex_;
  int64_t offsetMs_ = 0;
  std::vector<RecordedRequest> recorded_;
  std::map<std::string, std::deque<int64_t>> windows_;
  std::map<std::string, int64_t> blockedUntil_;
  std::map<std::string, std::map<std::string, int64_t>> tokens_;  // provider -> token -> expiry
  std::map<std::string, int> tokensIssued_;
  std::map<std::string, std::deque<Fault>> faults_;
  uint64_t tokenSerial_ = 0;
};

}  // namespace notify::fakeprov
