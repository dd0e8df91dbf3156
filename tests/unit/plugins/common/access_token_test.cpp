// SPDX-License-Identifier: Apache-2.0
// The access-token cache shared by token-based plugins: when it fetches, when it refreshes,
// and that a refused token is replaced and the send retried exactly once.
#include "plugins/common/access_token.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace notify::plugin::common {
namespace {

constexpr int64_t kT0 = 1700000000000;
constexpr int64_t kTtlMs = 7200 * 1000;

class AccessTokenTest : public ::testing::Test {
 protected:
  // A fetcher issuing "t1", "t2", ... valid kTtlMs from now_.
  TokenFetcher fetcher() {
    return [this] {
      ++fetches_;
      return TokenResult{AccessToken{"t" + std::to_string(fetches_.load()), now_ + kTtlMs}, {}};
    };
  }

  AccessTokenCache cache_;
  std::atomic<int> fetches_{0};
  int64_t now_ = kT0;
};

TEST_F(AccessTokenTest, KeepsTheTokenUntilFiveMinutesBeforeExpiry) {
  EXPECT_EQ(cache_.get(now_, fetcher()).token->value, "t1");
  EXPECT_EQ(
      cache_.get(kT0 + kTtlMs - AccessTokenCache::kRefreshMarginMs - 1, fetcher()).token->value,
      "t1");
  EXPECT_EQ(fetches_, 1);
  now_ = kT0 + kTtlMs - AccessTokenCache::kRefreshMarginMs;
  EXPECT_EQ(cache_.get(now_, fetcher()).token->value, "t2");
  EXPECT_EQ(fetches_, 2);
}

TEST_F(AccessTokenTest, ShortLivedTokenIsRefreshedAfterHalfItsLifetime) {
  const TokenFetcher shortLived = [this] {
    ++fetches_;
    return TokenResult{AccessToken{"short", now_ + 60000}, {}};
  };
  cache_.get(kT0, shortLived);
  cache_.get(kT0 + 29999, shortLived);
  EXPECT_EQ(fetches_, 1);
  cache_.get(kT0 + 30000, shortLived);
  EXPECT_EQ(fetches_, 2);
}

TEST_F(AccessTokenTest, FailedFetchIsReturnedAndNotCached) {
  const TokenFetcher failing = [this] {
    ++fetches_;
    return TokenResult{std::nullopt, sdk::Outcome::badConfig("invalid secret").withCode("40001")};
  };
  const TokenResult first = cache_.get(kT0, failing);
  EXPECT_FALSE(first.token);
  EXPECT_EQ(first.failure.status, NOTIFY_BAD_CONFIG);
  EXPECT_EQ(first.failure.providerCode, "40001");
  cache_.get(kT0 + 1, failing);
  EXPECT_EQ(fetches_, 2);
}

TEST_F(AccessTokenTest, InvalidateForgetsOnlyTheTokenStillCached) {
  cache_.get(kT0, fetcher());
  cache_.invalidate("some-older-token");
  EXPECT_EQ(cache_.get(kT0, fetcher()).token->value, "t1");
  cache_.invalidate("t1");
  EXPECT_EQ(cache_.get(kT0, fetcher()).token->value, "t2");
}

TEST_F(AccessTokenTest, ConcurrentSendsShareOneFetch) {
  const TokenFetcher slow = [this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ++fetches_;
    return TokenResult{AccessToken{"shared", kT0 + kTtlMs}, {}};
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] { EXPECT_EQ(cache_.get(kT0, slow).token->value, "shared"); });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(fetches_, 1);
}

TEST_F(AccessTokenTest, RefusedTokenIsRefreshedAndTheSendRetriedExactlyOnce) {
  std::vector<std::string> sentWith;
  const auto send = [&](const std::string& token) {
    sentWith.push_back(token);
    return token == "t1" ? TokenSend{sdk::Outcome::retry("expired").withCode("42001"), true}
                         : TokenSend{sdk::Outcome::delivered("m-1"), false};
  };
  const sdk::Outcome outcome = sendWithToken(
      cache_, [this] { return now_; }, fetcher(), send);
  EXPECT_EQ(outcome.status, NOTIFY_DELIVERED);
  EXPECT_EQ(outcome.providerMessageId, "m-1");
  EXPECT_EQ(sentWith, (std::vector<std::string>{"t1", "t2"}));
  EXPECT_EQ(fetches_, 2);
}

TEST_F(AccessTokenTest, SecondRefusalIsReturnedWithoutAThirdTry) {
  int sends = 0;
  const auto send = [&](const std::string&) {
    ++sends;
    return TokenSend{sdk::Outcome::retry("still refused").withCode("40014"), true};
  };
  const sdk::Outcome outcome = sendWithToken(
      cache_, [this] { return now_; }, fetcher(), send);
  EXPECT_EQ(outcome.status, NOTIFY_RETRY);
  EXPECT_EQ(outcome.providerCode, "40014");
  EXPECT_EQ(sends, 2);
  EXPECT_EQ(fetches_, 2);
}

TEST_F(AccessTokenTest, OtherFailuresAreNotRetriedAndKeepTheToken) {
  int sends = 0;
  const auto send = [&](const std::string&) {
    ++sends;
    return TokenSend{sdk::Outcome::rejected("bad user").withCode("81013"), false};
  };
  EXPECT_EQ(sendWithToken(
                cache_, [this] { return now_; }, fetcher(), send)
                .status,
            NOTIFY_REJECTED);
  sendWithToken(
      cache_, [this] { return now_; }, fetcher(), send);
  EXPECT_EQ(sends, 2);
  EXPECT_EQ(fetches_, 1);
}

TEST_F(AccessTokenTest, TokenFailureIsTheSendsOutcome) {
  int sends = 0;
  const TokenFetcher failing = [] {
    return TokenResult{std::nullopt, sdk::Outcome::retry("timeout").withCode("timeout")};
  };
  const sdk::Outcome outcome = sendWithToken(
      cache_, [this] { return now_; }, failing,
      [&](const std::string&) {
        ++sends;
        return TokenSend{sdk::Outcome::delivered(), false};
      });
  EXPECT_EQ(outcome.providerCode, "timeout");
  EXPECT_EQ(sends, 0);
}

}  // namespace
}  // namespace notify::plugin::common
