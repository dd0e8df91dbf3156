// SPDX-License-Identifier: Apache-2.0
#include "core/config/ops_config.hpp"

#include <algorithm>

namespace notify::core {
namespace {

void readString(const toml::table& t, const std::string& path, const char* key, std::string& out,
                ConfigErrors& errors) {
  if (const toml::node* node = t.get(key)) {
    if (const auto* s = node->as_string()) {
      out = s->get();
    } else {
      errors.add(node->source(), path + "." + key, "must be a string");
    }
  }
}

void readInteger(const toml::table& t, const std::string& path, const char* key, int64_t& out,
                 int64_t min, int64_t max, ConfigErrors& errors) {
  if (const toml::node* node = t.get(key)) {
    const auto* i = node->as_integer();
    if (i == nullptr || i->get() < min || i->get() > max) {
      errors.add(node->source(), path + "." + key,
                 "must be an integer between " + std::to_string(min) + " and " +
                     std::to_string(max));
    } else {
      out = i->get();
    }
  }
}

void readNumber(const toml::table& t, const std::string& path, const char* key, double& out,
                ConfigErrors& errors) {
  if (const toml::node* node = t.get(key)) {
    if (const auto* i = node->as_integer()) {
      out = static_cast<double>(i->get());
    } else if (const auto* f = node->as_floating_point()) {
      out = f->get();
    } else {
      errors.add(node->source(), path + "." + key, "must be a number");
    }
  }
}

bool needsProvider(const std::string& kind) {
  return kind == "limit_utilisation" || kind == "circuit_open";
}

AlertRuleConfig readRule(const std::string& name, const toml::table& t, const std::string& path,
                         const std::vector<std::string>& providers, ConfigErrors& errors) {
  checkKnownKeys(t, path,
                 {"kind", "app", "channel", "provider", "lane", "threshold", "window_ms",
                  "min_messages", "notify", "to", "cooldown_ms"},
                 errors);
  AlertRuleConfig rule;
  rule.name = name;
  readString(t, path, "kind", rule.kind, errors);
  readString(t, path, "app", rule.app, errors);
  readString(t, path, "channel", rule.channel, errors);
  readString(t, path, "provider", rule.provider, errors);
  readString(t, path, "lane", rule.lane, errors);
  readNumber(t, path, "threshold", rule.threshold, errors);
  readInteger(t, path, "window_ms", rule.windowMs, 1000, 30 * 86400000LL, errors);
  readInteger(t, path, "min_messages", rule.minMessages, 1, 1000000000, errors);
  readString(t, path, "notify", rule.notify, errors);
  readInteger(t, path, "cooldown_ms", rule.cooldownMs, 0, 30 * 86400000LL, errors);
  if (const toml::node* node = t.get("to")) {
    if (const auto* to = node->as_table()) {
      for (const auto& [key, value] : *to) {
        if (const auto* s = value.as_string()) {
          rule.to.emplace_back(std::string(key.str()), s->get());
        } else {
          errors.add(value.source(), path + ".to." + std::string(key.str()), "must be a string");
        }
      }
    } else {
      errors.add(node->source(), path + ".to", "must be a table of strings");
    }
  }
  const auto& kinds = alertKinds();
  if (std::find(kinds.begin(), kinds.end(), rule.kind) == kinds.end()) {
    std::string hint = closestMatch(rule.kind, kinds);
    std::string valid;
    for (const auto& kind : kinds) {
      valid += (valid.empty() ? "" : ", ") + kind;
    }
    errors.add(t.source(), path + ".kind",
               "unknown alert kind '" + rule.kind + "'" +
                   (hint.empty() ? "" : "; did you mean '" + hint + "'?") +
                   " valid kinds: " + valid);
  }
  if (rule.kind == "quota_nearly_used" && (rule.threshold <= 0 || rule.threshold > 100)) {
    errors.add(t.source(), path + ".threshold",
               "must be a percentage above 0 and at most 100 for kind 'quota_nearly_used'");
  }
  if (needsProvider(rule.kind) && rule.provider.empty()) {
    errors.add(t.source(), path + ".provider", "is required for kind '" + rule.kind + "'");
  }
  auto known = [&](const std::string& p) {
    return std::find(providers.begin(), providers.end(), p) != providers.end();
  };
  if (rule.notify.empty()) {
    errors.add(t.source(), path + ".notify", "is required (the provider that sends the alert)");
  } else if (!known(rule.notify)) {
    errors.add(t.source(), path + ".notify", "unknown provider '" + rule.notify + "'");
  }
  if (!rule.provider.empty() && !known(rule.provider)) {
    errors.add(t.source(), path + ".provider", "unknown provider '" + rule.provider + "'");
  }
  return rule;
}

}  // namespace

const std::vector<std::string>& alertKinds() {
  static const std::vector<std::string> kKinds = {
      "failure_rate",  "rate_limited_ratio", "limit_utilisation", "dead_letter_growth",
      "oldest_queued", "circuit_open",       "quota_nearly_used"};
  return kKinds;
}

void readLogConfig(const toml::table& root, std::string& format, ConfigErrors& errors) {
  const toml::node* node = root.get("log");
  if (node == nullptr) {
    return;
  }
  const auto* t = node->as_table();
  if (t == nullptr) {
    errors.add(node->source(), "log", "must be a table");
    return;
  }
  checkKnownKeys(*t, "log", {"format"}, errors);
  readString(*t, "log", "format", format, errors);
  if (format != "text" && format != "json") {
    errors.add(t->source(), "log.format", "must be \"text\" or \"json\"");
  }
}

void readOpsConfig(const toml::table& root, const std::vector<std::string>& knownProviders,
                   OpsConfig& ops, ConfigErrors& errors) {
  if (const toml::node* node = root.get("ops")) {
    if (const auto* t = node->as_table()) {
      checkKnownKeys(*t, "ops", {"listen", "alert_interval_ms"}, errors);
      readString(*t, "ops", "listen", ops.listen, errors);
      readInteger(*t, "ops", "alert_interval_ms", ops.alertIntervalMs, 100, 3600000, errors);
    } else {
      errors.add(node->source(), "ops", "must be a table");
    }
  }
  if (const toml::node* node = root.get("retention")) {
    if (const auto* t = node->as_table()) {
      checkKnownKeys(*t, "retention", {"bodies_days", "events_days", "batch", "interval_ms"},
                     errors);
      RetentionConfig& r = ops.retention;
      readInteger(*t, "retention", "bodies_days", r.bodiesDays, 0, 36500, errors);
      readInteger(*t, "retention", "events_days", r.recordsDays, 0, 36500, errors);
      readInteger(*t, "retention", "batch", r.batch, 1, 100000, errors);
      readInteger(*t, "retention", "interval_ms", r.intervalMs, 1000, 86400000, errors);
      if (r.bodiesDays > 0 && r.recordsDays > 0 && r.recordsDays < r.bodiesDays) {
        errors.add(t->source(), "retention.events_days",
                   "must not be shorter than bodies_days (the record goes with its body)");
      }
    } else {
      errors.add(node->source(), "retention", "must be a table");
    }
  }
  if (const toml::node* node = root.get("alerts")) {
    const auto* alerts = node->as_table();
    if (alerts == nullptr) {
      errors.add(node->source(), "alerts", "must be a table of named rules");
      return;
    }
    for (const auto& [key, value] : *alerts) {
      std::string path = "alerts." + std::string(key.str());
      if (const auto* t = value.as_table()) {
        ops.alerts.push_back(readRule(std::string(key.str()), *t, path, knownProviders, errors));
      } else {
        errors.add(value.source(), path, "must be a table");
      }
    }
  }
}

}  // namespace notify::core
