// SPDX-License-Identifier: Apache-2.0
#include "core/dispatch/pg_permit_ledger.hpp"

#include <algorithm>

#include "core/common/log.hpp"
#include "core/common/process_clock.hpp"
#include "core/common/time.hpp"
#include "core/store/pg_connection.hpp"

namespace notify::core {
namespace {

constexpr int64_t kMaxBatch = 100;
constexpr int64_t kMaxHoldMs = 1000;
// While the ledger cannot be reached, ask again after this long.
constexpr int64_t kUnreachableRetryMs = 500;

// The database clock in ms, the same for every node. The ledger reads it through
// processTimeAt, so that under a [node] test_clock (shared by the nodes of a test) its windows
// run in test time like everything else.
constexpr const char* kNow = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

int64_t ledgerNow(PgConnection& conn) {
  PgResult now = conn.prepared("permit_now", std::string("SELECT ") + kNow, {});
  return processTimeAt(now.integer(0, 0));
}

}  // namespace

PermitBatching permitBatching(const std::vector<RateWindow>& windows) {
  PermitBatching b{kMaxBatch, kMaxHoldMs};
  for (const auto& w : windows) {
    b.batch = std::min(b.batch, w.limit / 20);
    b.holdMs = std::min(b.holdMs, w.windowMs / 20);
  }
  if (b.batch <= 1) {
    return {1, 0};
  }
  return b;
}

PgPermitLedger::PgPermitLedger(std::shared_ptr<PgPool> pool, std::string provider,
                               std::vector<RateWindow> windows, int64_t marginMs)
    : pool_(std::move(pool)),
      provider_(std::move(provider)),
      windows_(std::move(windows)),
      marginMs_(marginMs),
      batching_(permitBatching(windows_)) {
  for (const auto& w : windows_) {
    spacingMs_ = std::max<int64_t>(spacingMs_, w.windowMs / std::max<int64_t>(w.limit, 1));
  }
}

int64_t PgPermitLedger::scheduleWaiter(int64_t nowMs, bool ahead) {
  std::lock_guard lock(mutex_);
  int64_t start = std::max({nowMs, blockedUntilMs_, pausedUntilMs_});
  int64_t& last = lastPromiseMs_[ahead ? 1 : 0];
  last = last <= nowMs ? start : std::max(start, last + spacingMs_);
  return last;
}

void PgPermitLedger::pauseUntil(int64_t untilMs) {
  {
    std::lock_guard lock(mutex_);
    pausedUntilMs_ = std::max(pausedUntilMs_, untilMs);
  }
  // The pause is recorded in ledger time (this node's remaining pause after the ledger's
  // "now"), so nodes whose clocks differ still pause for as long.
  int64_t remainingMs = untilMs - nowUnixMs();
  if (remainingMs <= 0) {
    return;
  }
  try {
    inPgTransaction(*pool_, [&](PgConnection& conn) {
      conn.prepared("permit_pause",
                    "INSERT INTO rate_pauses (provider, paused_until_ms) VALUES ($1, $2) ON "
                    "CONFLICT (provider) DO UPDATE SET paused_until_ms = "
                    "GREATEST(rate_pauses.paused_until_ms, $2)",
                    {provider_, std::to_string(ledgerNow(conn) + remainingMs)});
    });
  } catch (const PgError& e) {
    logWarn("dispatch",
            "rate ledger for " + provider_ + " could not share the provider's pause: " + e.what());
  }
}

// The default is wider than RateLimiter's (0.5%): between a grant and the provider's arrival
// time lie a database round trip and the hand-off to the sender, whose delays vary more.
int64_t PgPermitLedger::marginFor(const RateWindow& w) const {
  return marginMs_ >= 0 ? marginMs_ : std::min<int64_t>(w.windowMs / 20, 1000);
}

int64_t PgPermitLedger::tryAcquire(int64_t nowMs) {
  std::lock_guard lock(mutex_);
  if (nowMs < pausedUntilMs_) {
    return pausedUntilMs_;
  }
  if (cached_ > 0 && nowMs <= cachedUntilMs_) {
    --cached_;
    return 0;
  }
  cached_ = 0;
  if (nowMs < blockedUntilMs_) {
    return blockedUntilMs_;
  }
  Grant grant = grantFromLedger();
  if (grant.count == 0) {
    blockedUntilMs_ = nowMs + std::max<int64_t>(grant.retryInMs, 1);
    return blockedUntilMs_;
  }
  cached_ = grant.count - 1;
  cachedUntilMs_ = nowMs + batching_.holdMs;
  return 0;
}

PgPermitLedger::Grant PgPermitLedger::grantFromLedger() {
  int64_t longestSpan = 0;
  for (const auto& w : windows_) {
    longestSpan = std::max(longestSpan, w.windowMs + marginFor(w) + batching_.holdMs);
  }
  try {
    PgPool::Lease conn = pool_->acquire();
    PgTransaction tx(*conn);
    conn->prepared("permit_lock", "SELECT pg_advisory_xact_lock(hashtext('notify.rate.' || $1))",
                   {provider_});
    int64_t t = ledgerNow(*conn);
    // Another node's provider said "too many requests": nobody sends until that pause ends.
    PgResult paused =
        conn->prepared("permit_paused",
                       "SELECT paused_until_ms FROM rate_pauses WHERE provider = $1", {provider_});
    if (paused.rows() > 0 && paused.integer(0, 0) > t) {
      int64_t retryInMs = paused.integer(0, 0) - t;
      tx.commit();
      return {0, retryInMs};
    }
    if (windows_.empty()) {  // no limit, only a shared pause: nothing to count
      tx.commit();
      return {batching_.batch, 0};
    }
    conn->prepared("permit_prune",
                   "DELETE FROM rate_permits WHERE provider = $1 AND granted_ms <= $2",
                   {provider_, std::to_string(t - longestSpan)});
    PgResult rows = conn->prepared(
        "permit_rows",
        "SELECT granted_ms, count FROM rate_permits WHERE provider = $1 AND granted_ms > $2 "
        "ORDER BY granted_ms",
        {provider_, std::to_string(t - longestSpan)});
    Grant grant{batching_.batch, 0};
    for (const auto& w : windows_) {
      int64_t span = w.windowMs + marginFor(w) + batching_.holdMs;
      int64_t used = 0;
      for (int r = 0; r < rows.rows(); ++r) {
        if (rows.integer(r, 0) > t - span) {
          used += rows.integer(r, 1);
        }
      }
      int64_t room = w.limit - used;
      if (room > 0) {
        grant.count = std::min(grant.count, room);
        continue;
      }
      // Full: free once enough of the oldest grants in the span have left it.
      grant.count = 0;
      int64_t excess = used - w.limit + 1;
      for (int r = 0; r < rows.rows() && excess > 0; ++r) {
        int64_t at = rows.integer(r, 0);
        if (at > t - span) {
          excess -= rows.integer(r, 1);
          if (excess <= 0) {
            grant.retryInMs = std::max(grant.retryInMs, at + span - t);
          }
        }
      }
    }
    if (grant.count > 0) {
      conn->prepared("permit_grant",
                     "INSERT INTO rate_permits (provider, granted_ms, count) VALUES "
                     "($1, $2, $3)",
                     {provider_, std::to_string(t), std::to_string(grant.count)});
    }
    tx.commit();
    return grant;
  } catch (const PgError& e) {
    logWarn("dispatch", "rate ledger for " + provider_ + " unavailable: " + e.what());
    return {0, kUnreachableRetryMs};
  }
}

PermitSourceFactory pgPermitLedgers(const std::string& conninfo) {
  auto pool = std::make_shared<PgPool>(conninfo, 2);
  return [pool](const std::string& provider, std::vector<RateWindow> windows, int64_t marginMs) {
    return std::make_unique<PgPermitLedger>(pool, provider, std::move(windows), marginMs);
  };
}

}  // namespace notify::core
