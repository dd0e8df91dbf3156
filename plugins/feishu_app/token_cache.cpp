// SPDX-License-Identifier: Apache-2.0
#include "plugins/feishu_app/token_cache.hpp"

namespace notify::plugin::feishu_app {

TokenCache::TokenCache(Fetch fetch, Clock clock, int64_t refreshMarginMs)
    : fetch_(std::move(fetch)), clock_(std::move(clock)), refreshMarginMs_(refreshMarginMs) {}

TokenAnswer TokenCache::get() {
  std::lock_guard lock(mutex_);
  if (!token_.empty() && clock_() < expiresAtMs_ - refreshMarginMs_) {
    TokenAnswer cached;
    cached.ok = true;
    cached.token = token_;
    cached.expiresInMs = expiresAtMs_ - clock_();
    return cached;
  }
  const int64_t requestedAt = clock_();
  TokenAnswer fresh = fetch_();
  if (fresh.ok) {
    token_ = fresh.token;
    expiresAtMs_ = requestedAt + fresh.expiresInMs;
  }
  return fresh;
}

void TokenCache::invalidate(const std::string& token) {
  std::lock_guard lock(mutex_);
  if (token == token_) {
    token_.clear();
    expiresAtMs_ = 0;
  }
}

}  // namespace notify::plugin::feishu_app
