// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/dispatch/permit_source.hpp"

namespace notify::core {

class PgPool;

// How a node takes permits from the shared ledger: a batch of up to `batch` permits at a time,
// all to be used within `holdMs` of the grant (unused ones are dropped, never carried over).
struct PermitBatching {
  int64_t batch = 1;
  int64_t holdMs = 0;
};

// Small batches only for high limits: a twentieth of the tightest limit (at most 100), used
// within a twentieth of that window (at most 1 s). Low limits take permits one by one.
PermitBatching permitBatching(const std::vector<RateWindow>& windows);

// The sliding windows of one provider, kept for the whole cluster in PostgreSQL. The table
// rate_permits holds one row per grant (time, count); a grant is made inside a transaction that
// holds an advisory lock per provider, so grants of all nodes are serialized and each sees the
// others'. A permit may be granted at t when, for every window, fewer than `limit` permits were
// granted in (t - span, t], span = window + margin (5%, at most 1 s) + holdMs: a permit used up to
// holdMs after its grant still lands in a window that counted it. Times are the database
// server's clock (read through the process's test clock when one is set), so nodes' clock skew
// does not matter. Old rows are pruned by the granting transaction. A provider's "too many
// requests" is recorded in rate_pauses and honoured by every node's next grant. When the
// database cannot be reached no permit is granted (the dispatcher waits).
class PgPermitLedger : public PermitSource {
 public:
  // marginMs: added to every window; negative: 5% of the window, at most 1 s.
  PgPermitLedger(std::shared_ptr<PgPool> pool, std::string provider,
                 std::vector<RateWindow> windows, int64_t marginMs = -1);

  int64_t tryAcquire(int64_t nowMs) override;
  // The cluster's grants are not known here, so waiters are paced by this node alone: spaced
  // at the tightest window's average interval after the ledger's last "full until".
  int64_t scheduleWaiter(int64_t nowMs, bool ahead) override;
  // Pauses this node at once and, through the ledger, every node's next grant (permits a node
  // already holds from a batch may still be used within their hold time).
  void pauseUntil(int64_t untilMs) override;
  const std::vector<RateWindow>& windows() const override { return windows_; }
  // The cluster's use is in the ledger, not here: NaN (the metric says "unknown").
  double utilisation(int64_t) const override { return std::numeric_limits<double>::quiet_NaN(); }

 private:
  struct Grant {
    int64_t count = 0;      // permits granted, 0 if none
    int64_t retryInMs = 0;  // when none: how long until one may be
  };
  Grant grantFromLedger();

  std::shared_ptr<PgPool> pool_;
  std::string provider_;
  std::vector<RateWindow> windows_;
  int64_t marginMs_;
  PermitBatching batching_;
  int64_t marginFor(const RateWindow& w) const;
  std::mutex mutex_;
  int64_t cached_ = 0;                 // permits of the last grant still usable
  int64_t cachedUntilMs_ = 0;          // local clock
  int64_t blockedUntilMs_ = 0;         // local clock: the ledger said full until then
  int64_t pausedUntilMs_ = 0;          // local clock: the provider asked us to wait
  int64_t spacingMs_ = 1;              // the tightest window's average interval between permits
  int64_t lastPromiseMs_[2] = {0, 0};  // waiters' and priority waiters' latest promised time
};

// A factory making PgPermitLedgers on one small session pool of their own.
PermitSourceFactory pgPermitLedgers(const std::string& conninfo);

}  // namespace notify::core
