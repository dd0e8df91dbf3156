// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/message.hpp"

namespace notify::core {

// Which messages a send-log query returns. Every set field narrows the result; an empty one
// matches anything. Newest first.
struct MessageQuery {
  std::string id{};
  std::string recipient{};  // exact full address, compared after normalizeAddress
  std::string app{};
  std::string templateName{};
  std::string channel{};
  std::string provider{};
  std::optional<MessageState> state{};
  int64_t sinceMs = 0;  // created at or after
  int64_t untilMs = INT64_MAX;
  size_t limit = 100;
};

// Totals over messages created in a time range, per app, channel and (last) provider.
struct SendStats {
  std::string app;
  std::string channel;
  std::string provider;  // empty: not sent to any provider yet
  int64_t total = 0;
  int64_t delivered = 0;  // delivered or accepted by the provider
  int64_t failed = 0;
  int64_t pending = 0;      // not final yet
  int64_t rateLimited = 0;  // messages that waited for a provider's rate limit at least once
};

// What the metrics gauges read from the store.
struct LaneBacklog {
  std::string lane;
  int64_t depth = 0;            // waiting to be sent (scheduled-for-later excluded)
  int64_t oldestCreatedMs = 0;  // of those; 0 when depth is 0
};
struct StoreGauges {
  std::vector<LaneBacklog> lanes;
  int64_t deadLetters = 0;
};

// One alert transition, as stored in the alert history.
struct AlertEvent {
  int64_t atMs = 0;
  std::string rule;
  bool firing = false;  // false: resolved
  double value = 0;
  std::string detail;
};

// One condition of a send-log query on messages (alias m), with "?" for its one parameter,
// which is either text or an integer. Both stores build their WHERE clause from these, so each
// query can use its index.
struct QueryCondition {
  std::string clause;
  std::string text;
  std::optional<int64_t> integer;
};
std::vector<QueryCondition> queryConditions(const MessageQuery& query);

// What a delivery report did: matched a message the provider sent, and moved it (a repeated
// report, or one for a message no longer provider_accepted, changes nothing). A moved
// message's attribution, for the delivered/failed counters.
struct ReceiptApplied {
  bool matched = false;
  bool moved = false;
  std::string app;
  std::string templateName;
  std::string channel;
};

// One batch of retention pruning. Only messages in a final state are touched; 0 disables a part.
struct PruneRequest {
  int64_t bodiesBeforeMs = 0;   // clear subject, body, vars and attrs of messages created before
  int64_t recordsBeforeMs = 0;  // delete messages created before, with their events,
                                // recipients and guard marks
  int64_t alertsBeforeMs = 0;   // delete alert history entries older than this
  size_t limit = 500;           // at most this many rows per part and call
};

// The final states as an SQL list, for "state IN …" in either store's statistics.
inline constexpr const char* kFinalStatesSql =
    "('delivered','provider_accepted','failed','canceled','suppressed','duplicate')";

// The form in which recipients are stored and looked up: trimmed; emails lower-cased; phone
// numbers without spaces, dashes, dots and parentheses.
std::string normalizeAddress(std::string_view address);

}  // namespace notify::core
