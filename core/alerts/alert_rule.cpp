// SPDX-License-Identifier: Apache-2.0
#include "core/alerts/alert_rule.hpp"

#include <cstdio>

namespace notify::core {
namespace {

std::string fixed(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f", value);
  return text;
}

std::string scope(const AlertRuleConfig& rule) {
  std::string out;
  for (const auto& [name, value] :
       {std::pair{"app", rule.app}, {"channel", rule.channel}, {"provider", rule.provider}}) {
    if (!value.empty()) {
      out += std::string(out.empty() ? "" : " ") + name + "=" + value;
    }
  }
  return out.empty() ? "all traffic" : out;
}

SendStats matching(const AlertRuleConfig& rule, const std::vector<SendStats>& rows) {
  SendStats sum;
  for (const auto& r : rows) {
    if ((rule.app.empty() || r.app == rule.app) &&
        (rule.channel.empty() || r.channel == rule.channel) &&
        (rule.provider.empty() || r.provider == rule.provider)) {
      sum.total += r.total;
      sum.delivered += r.delivered;
      sum.failed += r.failed;
      sum.rateLimited += r.rateLimited;
    }
  }
  return sum;
}

std::optional<AlertReading> ratio(const AlertRuleConfig& rule, const char* what, int64_t part,
                                  int64_t whole) {
  if (whole < rule.minMessages || whole == 0) {
    return std::nullopt;
  }
  double percent = 100.0 * static_cast<double>(part) / static_cast<double>(whole);
  bool firing = percent > rule.threshold;
  return AlertReading{percent, firing,
                      std::string(what) + " " + fixed(percent) + "% (" + std::to_string(part) +
                          " of " + std::to_string(whole) + ") for " + scope(rule) +
                          (firing ? " > " : " <= ") + fixed(rule.threshold) + "% over " +
                          std::to_string(rule.windowMs / 1000) + " s"};
}

// The app (of the rule's, or any) that has used the largest share of its daily quota.
std::optional<AlertReading> quotaReading(const AlertRuleConfig& rule,
                                         const std::vector<QuotaUsage>& quotas) {
  std::optional<AlertReading> worst;
  for (const QuotaUsage& q : quotas) {
    if (q.quota <= 0 || (!rule.app.empty() && q.app != rule.app)) {
      continue;
    }
    double percent = 100.0 * static_cast<double>(q.used) / static_cast<double>(q.quota);
    if (worst && worst->value >= percent) {
      continue;
    }
    bool firing = percent >= rule.threshold;
    worst = AlertReading{percent, firing,
                         "app " + q.app + " used " + std::to_string(q.used) + " of its daily quota of " +
                             std::to_string(q.quota) + " (" + fixed(percent) + "%)" +
                             (firing ? " >= " : " < ") + fixed(rule.threshold) + "%"};
  }
  return worst;
}

}  // namespace

std::optional<AlertReading> evaluateRule(const AlertRuleConfig& rule, const AlertInputs& in) {
  if (rule.kind == "failure_rate") {
    SendStats s = matching(rule, in.stats);
    return ratio(rule, "failure rate", s.failed, s.delivered + s.failed);
  }
  if (rule.kind == "rate_limited_ratio") {
    SendStats s = matching(rule, in.stats);
    return ratio(rule, "rate-limited ratio", s.rateLimited, s.total);
  }
  if (rule.kind == "limit_utilisation") {
    double percent = in.utilisation * 100.0;
    bool firing = percent > rule.threshold;
    return AlertReading{percent, firing,
                        "provider " + rule.provider + " uses " + fixed(percent) +
                            "% of its rate limit" + (firing ? " > " : " <= ") +
                            fixed(rule.threshold) + "%"};
  }
  if (rule.kind == "dead_letter_growth") {
    double growth = static_cast<double>(in.gauges.deadLetters - in.deadLettersAtWindowStart);
    bool firing = growth > rule.threshold;
    return AlertReading{growth, firing,
                        fixed(growth) + " new dead letters in " +
                            std::to_string(rule.windowMs / 1000) + " s" +
                            (firing ? " > " : " <= ") + fixed(rule.threshold)};
  }
  if (rule.kind == "oldest_queued") {
    double oldest = 0;
    for (const auto& lane : in.gauges.lanes) {
      if ((rule.lane.empty() || lane.lane == rule.lane) && lane.depth > 0) {
        oldest = std::max(oldest, static_cast<double>(in.nowMs - lane.oldestCreatedMs) / 1000.0);
      }
    }
    bool firing = oldest > rule.threshold;
    return AlertReading{oldest, firing,
                        "oldest waiting message is " + fixed(oldest) + " s old" +
                            (firing ? " > " : " <= ") + fixed(rule.threshold) + " s"};
  }
  if (rule.kind == "quota_nearly_used") {
    return quotaReading(rule, in.quotas);
  }
  if (rule.kind == "circuit_open") {
    return AlertReading{in.circuitOpen ? 1.0 : 0.0, in.circuitOpen,
                        "circuit of provider " + rule.provider +
                            (in.circuitOpen ? " is open" : " is closed")};
  }
  return std::nullopt;
}

}  // namespace notify::core
