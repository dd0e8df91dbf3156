// SPDX-License-Identifier: Apache-2.0
// The instance's tenant_access_token: fetched on first use, reused until a few minutes before
// it expires, and replaced once when the API refuses it. Thread-safe; a fetch holds the lock,
// so concurrent sends wait for one fetch instead of each making their own.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "plugins/feishu_app/feishu_app_request.hpp"

namespace notify::plugin::feishu_app {

class TokenCache {
 public:
  using Fetch = std::function<TokenAnswer()>;
  using Clock = std::function<int64_t()>;

  // Tokens are refreshed refreshMarginMs before they expire.
  TokenCache(Fetch fetch, Clock clock, int64_t refreshMarginMs = 5 * 60 * 1000);

  // A token usable now, fetching one when none is cached or the cached one is due; on a
  // failed fetch, the answer carries the outcome to report.
  TokenAnswer get();

  // The API refused `token`: forget it, unless another send has already replaced it, so a
  // burst of refusals costs one fetch.
  void invalidate(const std::string& token);

 private:
  Fetch fetch_;
  Clock clock_;
  int64_t refreshMarginMs_;
  std::mutex mutex_;
  std::string token_;
  int64_t expiresAtMs_ = 0;
};

}  // namespace notify::plugin::feishu_app
