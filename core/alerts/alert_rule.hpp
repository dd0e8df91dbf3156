// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/config/ops_config.hpp"
#include "core/store/send_log.hpp"

namespace notify::core {

// How much of its daily quota an app has used today.
struct QuotaUsage {
  std::string app;
  int64_t used = 0;
  int64_t quota = 0;  // > 0
};

// What the rules look at, gathered once per evaluation round.
struct AlertInputs {
  int64_t nowMs = 0;
  std::vector<SendStats> stats;                // over the rule's window (per rule, see engine)
  StoreGauges gauges;
  int64_t deadLettersAtWindowStart = 0;        // for dead_letter_growth
  double utilisation = 0;                      // of the rule's provider, 0..1
  bool circuitOpen = false;                    // of the rule's provider
  std::vector<QuotaUsage> quotas;              // for quota_nearly_used: apps with a daily quota
};

// A rule's reading: the measured value and whether it is past the threshold. Nothing when
// there is too little traffic to judge (rate kinds below min_messages).
struct AlertReading {
  double value = 0;
  bool firing = false;
  std::string detail;  // human-readable, e.g. "failure rate 75.0% (3 of 4) > 50%"
};

// A pure function of the rule and its inputs.
std::optional<AlertReading> evaluateRule(const AlertRuleConfig& rule, const AlertInputs& inputs);

}  // namespace notify::core
