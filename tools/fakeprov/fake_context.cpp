// SPDX-License-Identifier: Apache-2.0
#include "tools/fakeprov/fake_context.hpp"

#include "core/common/process_clock.hpp"
#include "core/common/time.hpp"

namespace notify::fakeprov {

int64_t FakeContext::nowMs() const {
  int64_t wall = core::nowUnixMs();  // the test clock when --clock is given
  std::lock_guard lock(mutex_);
  return wall + offsetMs_;
}

void FakeContext::advanceClock(int64_t ms) {
  std::lock_guard lock(mutex_);
  offsetMs_ += ms;
}

void FakeContext::setClockOffset(int64_t ms) {
  std::lock_guard lock(mutex_);
  offsetMs_ = ms;
}

void FakeContext::record(const std::string& provider, const FakeRequest& request,
                         const std::string& note) {
  int64_t now = nowMs();
  std::lock_guard lock(mutex_);
  recorded_.push_back({provider, now, request, note});
}

std::vector<RecordedRequest> FakeContext::recorded(const std::string& provider) const {
  std::lock_guard lock(mutex_);
  std::vector<RecordedRequest> out;
  for (const auto& r : recorded_) {
    if (provider.empty() || r.provider == provider) {
      out.push_back(r);
    }
  }
  return out;
}

int FakeContext::hit(const std::string& key, int64_t windowMs) {
  int64_t now = nowMs();
  std::lock_guard lock(mutex_);
  auto& window = windows_[key];
  while (!window.empty() && window.front() <= now - windowMs) {
    window.pop_front();
  }
  window.push_back(now);
  return static_cast<int>(window.size());
}

void FakeContext::block(const std::string& key, int64_t ms) {
  int64_t now = nowMs();
  std::lock_guard lock(mutex_);
  blockedUntil_[key] = now + ms;
}

int64_t FakeContext::blockedForMs(const std::string& key) const {
  int64_t now = nowMs();
  std::lock_guard lock(mutex_);
  auto it = blockedUntil_.find(key);
  return it == blockedUntil_.end() || it->second <= now ? 0 : it->second - now;
}

std::string FakeContext::issueToken(const std::string& provider, int64_t ttlMs) {
  int64_t now = nowMs();
  std::lock_guard lock(mutex_);
  std::string token = provider + "-token-" + std::to_string(++tokenSerial_);
  tokens_[provider][token] = now + ttlMs;
  ++tokensIssued_[provider];
  return token;
}

std::string FakeContext::checkToken(const std::string& provider, const std::string& token) const {
  int64_t now = nowMs();
  std::lock_guard lock(mutex_);
  auto p = tokens_.find(provider);
  if (p == tokens_.end()) {
    return "invalid";
  }
  auto t = p->second.find(token);
  if (t == p->second.end()) {
    return "invalid";
  }
  return t->second > now ? "ok" : "expired";
}

void FakeContext::expireTokens(const std::string& provider) {
  int64_t now = nowMs();
  std::lock_guard lock(mutex_);
  for (auto& [token, expiry] : tokens_[provider]) {
    expiry = now - 1;
  }
}

int FakeContext::tokensIssued(const std::string& provider) const {
  std::lock_guard lock(mutex_);
  auto it = tokensIssued_.find(provider);
  return it == tokensIssued_.end() ? 0 : it->second;
}

void FakeContext::addFault(const std::string& provider, Fault fault) {
  std::lock_guard lock(mutex_);
  faults_[provider].push_back(std::move(fault));
}

std::optional<Fault> FakeContext::takeFault(const std::string& provider,
                                            const std::string& body) {
  std::lock_guard lock(mutex_);
  auto it = faults_.find(provider);
  if (it == faults_.end()) {
    return std::nullopt;
  }
  auto& queue = it->second;
  for (auto fault = queue.begin(); fault != queue.end(); ++fault) {
    if (!fault->match.empty() && body.find(fault->match) == std::string::npos) {
      continue;
    }
    Fault taken = *fault;
    if (fault->count > 0 && --fault->count == 0) {
      queue.erase(fault);
    }
    return taken;
  }
  return std::nullopt;
}

void FakeContext::reset() {
  std::lock_guard lock(mutex_);
  offsetMs_ = 0;
  recorded_.clear();
  windows_.clear();
  blockedUntil_.clear();
  tokens_.clear();
  tokensIssued_.clear();
  faults_.clear();
}

}  // namespace notify::fakeprov
