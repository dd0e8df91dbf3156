// SPDX-License-Identifier: Apache-2.0
#include "plugins/common/access_token.hpp"

#include <algorithm>

namespace notify::plugin::common {

TokenResult AccessTokenCache::get(int64_t nowMs, const TokenFetcher& fetch) {
  std::lock_guard lock(mutex_);
  if (cached_ && nowMs < refreshAtMs_) {
    return {cached_, {}};
  }
  TokenResult fetched = fetch();
  if (fetched.token) {
    const int64_t lifetime = std::max<int64_t>(fetched.token->expiresAtMs - nowMs, 0);
    cached_ = fetched.token;
    refreshAtMs_ = fetched.token->expiresAtMs - std::min(kRefreshMarginMs, lifetime / 2);
  } else {
    cached_.reset();
  }
  return fetched;
}

void AccessTokenCache::invalidate(const std::string& value) {
  std::lock_guard lock(mutex_);
  if (cached_ && cached_->value == value) {
    cached_.reset();
  }
}

sdk::Outcome sendWithToken(AccessTokenCache& cache, const std::function<int64_t()>& nowMs,
                           const TokenFetcher& fetch,
                           const std::function<TokenSend(const std::string& token)>& send) {
  TokenResult first = cache.get(nowMs(), fetch);
  if (!first.token) {
    return first.failure;
  }
  TokenSend attempt = send(first.token->value);
  if (!attempt.tokenRefused) {
    return attempt.outcome;
  }
  cache.invalidate(first.token->value);
  TokenResult second = cache.get(nowMs(), fetch);
  if (!second.token) {
    return second.failure;
  }
  return send(second.token->value).outcome;
}

sdk::Outcome postJsonWithToken(const sdk::Host& host, AccessTokenCache& cache, const TokenApi& api,
                               const std::string& body, uint32_t timeoutMs) {
  const auto fetch = [&] {
    const int64_t askedAtMs = host.nowUnixMs();
    return api.readToken(host.http("GET", api.tokenUrl(), {}, {}, timeoutMs), askedAtMs);
  };
  const auto post = [&](const std::string& token) {
    return api.readSend(host.http("POST", api.sendUrl(token),
                                  {{"Content-Type", "application/json"}}, body, timeoutMs),
                        token);
  };
  return sendWithToken(
      cache, [&] { return host.nowUnixMs(); }, fetch, post);
}

}  // namespace notify::plugin::common
