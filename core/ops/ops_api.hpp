// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/result.hpp"
#include "core/metrics/delivery_metrics.hpp"
#include "core/ops/ops_server.hpp"
#include "core/store/message_store.hpp"

namespace notify::core {

// What the ops routes read.
struct OpsSources {
  MessageStore& store;
  DeliveryMetrics& metrics;
  std::function<Result<void>()> ready;  // ok: ready to serve
  std::function<int64_t()> clock;
};

// /metrics, /healthz, /readyz and the JSON send-log API (/api/messages, /api/messages/{id},
// /api/stats, /api/alerts). Recipients are masked unless the query says reveal=1.
std::map<std::string, OpsHandler> opsRoutes(const OpsSources& sources);

// "24h", "30m", "90s", "7d" before nowMs, or an RFC 3339 time; nullopt when neither.
std::optional<int64_t> parseSince(std::string_view text, int64_t nowMs);

}  // namespace notify::core
