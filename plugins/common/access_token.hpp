// SPDX-License-Identifier: Apache-2.0
// Access tokens of APIs that want one fetched with the app's credentials (WeCom app, WeChat,
// Feishu app): cached per plugin instance, refreshed shortly before they expire, never fetched
// per message, and, when the provider refuses one anyway, refreshed and the send retried
// exactly once within the same send. Retrying beyond that is the core's job.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "notify/channel.hpp"

namespace notify::plugin::common {

struct AccessToken {
  std::string value;
  int64_t expiresAtMs = 0;  // on the host clock
};

// A token, or the outcome that says why there is none (bad credentials, provider down, ...).
struct TokenResult {
  std::optional<AccessToken> token;
  sdk::Outcome failure;
};

using TokenFetcher = std::function<TokenResult()>;

class AccessTokenCache {
 public:
  // Refresh this long before expiry (or after half the token's lifetime, when that is shorter).
  static constexpr int64_t kRefreshMarginMs = 5 * 60 * 1000;

  // The cached token while it is still fresh at nowMs, else a newly fetched one. Fetches are
  // serialised, so concurrent sends wait for one fetch instead of each making their own.
  TokenResult get(int64_t nowMs, const TokenFetcher& fetch);

  // Forgets value if it is still the cached token (the provider refused it); a token another
  // send already replaced stays replaced.
  void invalidate(const std::string& value);

 private:
  std::mutex mutex_;
  std::optional<AccessToken> cached_;
  int64_t refreshAtMs_ = 0;
};

// One send with a given token: its outcome, and whether the provider refused the token
// (expired, invalid, missing) rather than the message.
struct TokenSend {
  sdk::Outcome outcome;
  bool tokenRefused = false;
};

// Sends with the cached token; when the provider refuses it, invalidates it, fetches a new one
// and sends once more. A second refusal is returned as it is (classified retry by the caller).
sdk::Outcome sendWithToken(AccessTokenCache& cache, const std::function<int64_t()>& nowMs,
                           const TokenFetcher& fetch,
                           const std::function<TokenSend(const std::string& token)>& send);

// An API whose token is fetched with a GET (WeCom app, WeChat): where to get a token and what
// the answer means (askedAtMs: when it was asked for), where to post a message with a token
// and what that answer means.
struct TokenApi {
  std::function<std::string()> tokenUrl;
  std::function<TokenResult(const sdk::HttpResult& answer, int64_t askedAtMs)> readToken;
  std::function<std::string(const std::string& token)> sendUrl;
  std::function<TokenSend(const sdk::HttpResult& answer, const std::string& token)> readSend;
};

// POSTs body as JSON through the host with the cached token, fetched by GET when needed and
// refreshed once when refused (sendWithToken).
sdk::Outcome postJsonWithToken(const sdk::Host& host, AccessTokenCache& cache, const TokenApi& api,
                               const std::string& body, uint32_t timeoutMs);

// The base of channels that post one JSON body per message with a token fetched by GET (WeCom
// app, WeChat), built from the plugin's pure functions: parse(config) → Config with timeoutMs,
// tokenUrl(config, host), readToken(answer, config, askedAtMs) and sendUrl(config, token, host).
// A plugin's send builds the body and posts it, saying what a send answer means. Thread-safe:
// the configuration is read-only and the token cache has its own lock.
template <auto parse, auto tokenUrl, auto readToken, auto sendUrl>
class TokenChannel : public sdk::Channel {
 public:
  TokenChannel(sdk::Host host, const sdk::Config& config) : host_(host), config_(parse(config)) {}

 protected:
  using Config = decltype(parse(std::declval<const sdk::Config&>()));

  const sdk::Host& host() const { return host_; }
  const Config& config() const { return config_; }

  sdk::Outcome post(const std::string& body, decltype(TokenApi::readSend) readSend) {
    const TokenApi api{[this] { return tokenUrl(config_, host_); },
                       [this](const sdk::HttpResult& answer, int64_t askedAtMs) {
                         return readToken(answer, config_, askedAtMs);
                       },
                       [this](const std::string& token) { return sendUrl(config_, token, host_); },
                       std::move(readSend)};
    return postJsonWithToken(host_, tokens_, api, body, config_.timeoutMs);
  }

 private:
  sdk::Host host_;
  Config config_;
  AccessTokenCache tokens_;
};

}  // namespace notify::plugin::common
