// SPDX-License-Identifier: Apache-2.0
#include "core/config/config_loader.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/common/process_clock.hpp"
#include "core/config/key_check.hpp"
#include "core/config/secret_resolver.hpp"
#include "core/dispatch/rate_limiter.hpp"
#include "core/templates/renderer.hpp"

namespace notify::core {
namespace {

// Typed readers: each reports a wrong type as an error and leaves the default in place.
class Reader {
 public:
  Reader(const toml::table& table, std::string path, ConfigErrors& errors)
      : table_(table), path_(std::move(path)), errors_(errors) {}

  void string(const char* key, std::string& out, bool required = false) {
    const toml::node* node = find(key, required);
    if (node == nullptr) {
      return;
    }
    if (const auto* s = node->as_string()) {
      out = s->get();
    } else {
      errors_.add(node->source(), path_ + "." + key, "must be a string");
    }
  }
  void integer(const char* key, int64_t& out, int64_t min, int64_t max) {
    const toml::node* node = find(key, false);
    if (node == nullptr) {
      return;
    }
    const auto* i = node->as_integer();
    if (i == nullptr) {
      errors_.add(node->source(), path_ + "." + key, "must be an integer");
    } else if (i->get() < min || i->get() > max) {
      errors_.add(node->source(), path_ + "." + key,
                  "must be between " + std::to_string(min) + " and " + std::to_string(max));
    } else {
      out = i->get();
    }
  }
  template <typename T>
  void integer(const char* key, T& out, int64_t min, int64_t max) {
    int64_t value = static_cast<int64_t>(out);
    integer(key, value, min, max);
    out = static_cast<T>(value);
  }
  void strings(const char* key, std::vector<std::string>& out, bool required = false) {
    const toml::node* node = find(key, required);
    if (node == nullptr) {
      return;
    }
    const auto* array = node->as_array();
    bool ok = array != nullptr;
    std::vector<std::string> items;
    for (size_t i = 0; ok && i < array->size(); ++i) {
      const auto* s = (*array)[i].as_string();
      ok = s != nullptr;
      if (ok) {
        items.push_back(s->get());
      }
    }
    if (ok) {
      out = std::move(items);
    } else {
      errors_.add(node->source(), path_ + "." + key, "must be an array of strings");
    }
  }
  const toml::table* table(const char* key) {
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
      return nullptr;
    }
    if (!node->is_table()) {
      errors_.add(node->source(), path_ + "." + key, "must be a table");
      return nullptr;
    }
    return node->as_table();
  }

 private:
  const toml::node* find(const char* key, bool required) {
    const toml::node* node = table_.get(key);
    if (node == nullptr && required) {
      errors_.add(table_.source(), path_ + "." + key, "is required");
    }
    return node;
  }

  const toml::table& table_;
  std::string path_;
  ConfigErrors& errors_;
};

// Calls fn(name, table, path) for each sub-table of a section like [apps.NAME].
template <typename Fn>
void eachNamed(const toml::table& root, const char* section, ConfigErrors& errors, Fn fn) {
  const toml::node* node = root.get(section);
  if (node == nullptr) {
    return;
  }
  if (!node->is_table()) {
    errors.add(node->source(), section, "must be a table of named entries");
    return;
  }
  for (const auto& [key, value] : *node->as_table()) {
    std::string path = std::string(section) + "." + std::string(key.str());
    if (!value.is_table()) {
      errors.add(value.source(), path, "must be a table");
      continue;
    }
    fn(std::string(key.str()), *value.as_table(), path);
  }
}

void readNode(const toml::table& root, DaemonConfig& config, ConfigErrors& errors) {
  if (const toml::table* node = Reader(root, "", errors).table("node")) {
    checkKnownKeys(*node, "node", {"roles", "log_level", "test_clock"}, errors);
    Reader r(*node, "node", errors);
    r.strings("roles", config.roles);
    r.string("log_level", config.logLevel);
    r.string("test_clock", config.testClock);
    if (!config.testClock.empty()) {
      std::string error;
      if (!parseTestClock(config.testClock, 0, error)) {
        errors.add(node->source(), "node.test_clock", error);
      }
    }
    for (const auto& role : config.roles) {
      if (role != "ingress" && role != "dispatcher") {
        errors.add(node->source(), "node.roles",
                   "unknown role '" + role + "'; valid roles: ingress, dispatcher");
      }
    }
    const std::vector<std::string> levels = {"debug", "info", "warn", "error"};
    if (std::find(levels.begin(), levels.end(), config.logLevel) == levels.end()) {
      errors.add(node->source(), "node.log_level", "must be debug, info, warn or error");
    }
  }
}

void readServer(const toml::table& root, DaemonConfig& config, ConfigErrors& errors) {
  if (const toml::table* t = Reader(root, "", errors).table("server")) {
    checkKnownKeys(*t, "server", {"listen", "max_frame_bytes", "max_batch", "max_pending"}, errors);
    Reader r(*t, "server", errors);
    r.string("listen", config.server.listen);
    r.integer("max_frame_bytes", config.server.maxFrameBytes, 1024, 64 << 20);
    r.integer("max_batch", config.server.maxBatch, 1, 100000);
    r.integer("max_pending", config.server.maxPending, 1, 10000000);
  }
}

// url may hold a password, so "env:NAME" and "file:PATH" are resolved like other secrets; a
// plain URL or conninfo (e.g. one relying on ~/.pgpass) is taken as written.
void readPostgresUrl(const toml::table& t, DaemonConfig& config, ConfigErrors& errors) {
  Reader r(t, "store", errors);
  std::string url;
  r.string("url", url, config.store.kind == "postgres");
  r.integer("pool_size", config.store.poolSize, 1, 1000);
  if (url.rfind("env:", 0) == 0 || url.rfind("file:", 0) == 0) {
    Result<std::string> resolved = SecretResolver(config.baseDir).resolve(url);
    if (!resolved) {
      errors.add(t.source(), "store.url", resolved.error().message);
      return;
    }
    url = std::move(resolved).value();
  }
  config.store.url = std::move(url);
}

void readStore(const toml::table& root, DaemonConfig& config, ConfigErrors& errors) {
  if (const toml::table* t = Reader(root, "", errors).table("store")) {
    checkKnownKeys(*t, "store",
                   {"kind", "path", "synchronous", "url", "pool_size", "retention_days"}, errors);
    Reader r(*t, "store", errors);
    r.string("kind", config.store.kind);
    std::string path = config.store.path.string();
    r.string("path", path);
    config.store.path = path;
    std::string synchronous = "full";
    r.string("synchronous", synchronous);
    r.integer("retention_days", config.store.retentionDays, 0, 36500);
    if (synchronous != "full" && synchronous != "normal") {
      errors.add(t->source(), "store.synchronous", "must be \"full\" or \"normal\"");
    }
    config.store.synchronousFull = synchronous == "full";
    if (config.store.kind != "sqlite" && config.store.kind != "postgres") {
      errors.add(t->source(), "store.kind",
                 "unknown store '" + config.store.kind + "'; available: sqlite, postgres");
    }
    readPostgresUrl(*t, config, errors);
  }
  if (config.store.path.is_relative()) {
    config.store.path = config.baseDir / config.store.path;
  }
}

void readDispatch(const toml::table& root, DaemonConfig& config, ConfigErrors& errors) {
  if (const toml::table* t = Reader(root, "", errors).table("dispatch")) {
    checkKnownKeys(*t, "dispatch",
                   {"workers", "claim_batch", "lease_ms", "send_timeout_ms", "max_attempts",
                    "max_age_ms", "backoff_base_ms", "backoff_max_ms"},
                   errors);
    Reader r(*t, "dispatch", errors);
    DispatchConfig& d = config.dispatch;
    r.integer("workers", d.workers, 1, 1024);
    r.integer("claim_batch", d.claimBatch, 1, 10000);
    r.integer("lease_ms", d.leaseMs, 1000, 86400000);
    r.integer("send_timeout_ms", d.sendTimeoutMs, 100, 3600000);
    r.integer("max_attempts", d.maxAttempts, 1, 1000);
    r.integer("max_age_ms", d.maxAgeMs, 1000, 30 * 86400000LL);
    r.integer("backoff_base_ms", d.backoffBaseMs, 1, 86400000);
    r.integer("backoff_max_ms", d.backoffMaxMs, 1, 7 * 86400000LL);
    if (d.sendTimeoutMs >= d.leaseMs) {
      errors.add(t->source(), "dispatch.send_timeout_ms",
                 "must be shorter than lease_ms, or a slow send would be claimed twice");
    }
  }
}

void readLanes(const toml::table& root, DaemonConfig& config, ConfigErrors& errors) {
  const DispatchConfig& d = config.dispatch;
  auto laneFromDefaults = [&](const std::string& name) {
    return LaneConfig{name, d.workers, d.maxAttempts, d.maxAgeMs, d.backoffBaseMs, d.backoffMaxMs};
  };
  config.lanes.emplace(kDefaultLane, laneFromDefaults(kDefaultLane));
  eachNamed(root, "lanes", errors,
            [&](const std::string& name, const toml::table& t, const std::string& path) {
              checkKnownKeys(t, path,
                             {"workers", "priority", "max_attempts", "max_age_ms",
                              "backoff_base_ms", "backoff_max_ms"},
                             errors);
              LaneConfig lane = laneFromDefaults(name);
              Reader r(t, path, errors);
              r.integer("workers", lane.workers, 1, 1024);
              r.integer("priority", lane.priority, 0, 100);
              r.integer("max_attempts", lane.maxAttempts, 1, 1000);
              r.integer("max_age_ms", lane.maxAgeMs, 1000, 30 * 86400000LL);
              r.integer("backoff_base_ms", lane.backoffBaseMs, 1, 86400000);
              r.integer("backoff_max_ms", lane.backoffMaxMs, 1, 7 * 86400000LL);
              config.lanes[name] = lane;
            });
}

void readPlugins(const toml::table& root, DaemonConfig& config, ConfigErrors& errors) {
  if (const toml::table* t = Reader(root, "", errors).table("plugins")) {
    checkKnownKeys(*t, "plugins", {"dir"}, errors);
    std::string dir = config.pluginDir.string();
    Reader(*t, "plugins", errors).string("dir", dir);
    config.pluginDir = dir;
  }
  if (config.pluginDir.is_relative()) {
    config.pluginDir = config.baseDir / config.pluginDir;
  }
}

void checkRateLimits(const std::vector<std::string>& limits, const toml::table& t,
                     const std::string& path, ConfigErrors& errors) {
  for (const auto& limit : limits) {
    if (Result<RateWindow> window = parseRateWindow(limit); !window) {
      errors.add(t.source(), path + ".rate_limits", window.error().message);
    }
  }
}

void readApps(const toml::table& root, DaemonConfig& config, ConfigErrors& errors) {
  SecretResolver secrets(config.baseDir);
  eachNamed(root, "apps", errors,
            [&](const std::string& name, const toml::table& t, const std::string& path) {
              checkKnownKeys(t, path, {"token", "owner", "rate_limits"}, errors);
              AppConfig app{name, "", "", {}};
              std::string reference;
              Reader r(t, path, errors);
              r.string("token", reference, true);
              r.string("owner", app.owner);
              r.strings("rate_limits", app.rateLimits);
              checkRateLimits(app.rateLimits, t, path, errors);
              if (!reference.empty()) {
                Result<std::string> token = secrets.resolve(reference);
                if (!token) {
                  errors.add(t.source(), path + ".token", token.error().message);
                } else if (token->empty()) {
                  errors.add(t.source(), path + ".token", "resolves to an empty token");
                } else {
                  app.token = std::move(token).value();
                }
              }
              config.apps.emplace(name, std::move(app));
            });
}

void readChannelsAndProviders(const toml::table& root, DaemonConfig& config, ConfigErrors& errors) {
  eachNamed(root, "providers", errors,
            [&](const std::string& name, const toml::table& t, const std::string& path) {
              ProviderConfig provider;
              provider.name = name;
              provider.table = std::make_shared<toml::table>(t);
              Reader r(t, path, errors);
              r.string("plugin", provider.plugin, true);
              r.integer("send_timeout_ms", provider.sendTimeoutMs, 100, 3600000);
              r.strings("rate_limits", provider.rateLimits);
              checkRateLimits(provider.rateLimits, t, path, errors);
              r.integer("rate_margin_ms", provider.rateMarginMs, 0, 60000);
              r.integer("throttle_pause_ms", provider.throttlePauseMs, 0, 86400000);
              r.integer("circuit_failures", provider.circuitFailures, 1, 1000);
              r.integer("circuit_cooldown_ms", provider.circuitCooldownMs, 100, 86400000);
              config.providers.emplace(name, std::move(provider));
            });
  eachNamed(root, "channels", errors,
            [&](const std::string& name, const toml::table& t, const std::string& path) {
              checkKnownKeys(t, path, {"providers", "recipient"}, errors);
              ChannelConfig channel{name, "", {}};
              Reader r(t, path, errors);
              r.strings("providers", channel.providers, true);
              r.string("recipient", channel.recipient);
              for (const auto& provider : channel.providers) {
                if (config.providers.count(provider) == 0) {
                  errors.add(t.source(), path + ".providers",
                             "unknown provider '" + provider + "'");
                }
              }
              if (channel.providers.empty() && t.get("providers") != nullptr) {
                errors.add(t.source(), path + ".providers", "needs at least one provider");
              }
              config.channels.emplace(name, std::move(channel));
            });
}

void readTemplate(const std::string& name, const toml::table& t, const std::string& path,
                  DaemonConfig& config, ConfigErrors& errors) {
  checkKnownKeys(t, path, {"vars", "default_channel", "lane", "content"}, errors);
  TemplateConfig tpl;
  tpl.name = name;
  Reader r(t, path, errors);
  r.string("lane", tpl.lane);
  if (config.lanes.count(tpl.lane) == 0) {
    errors.add(t.source(), path + ".lane", "unknown lane '" + tpl.lane + "'");
  }
  r.strings("vars", tpl.vars);
  r.string("default_channel", tpl.defaultChannel);
  eachNamed(t, "content", errors,
            [&](const std::string& channel, const toml::table& c, const std::string& contentPath) {
              std::string full = path + "." + contentPath;
              checkKnownKeys(c, full, {"subject", "body", "attrs"}, errors);
              TemplateContent content;
              Reader cr(c, full, errors);
              cr.string("subject", content.subject);
              cr.string("body", content.body, true);
              if (const toml::table* attrs = cr.table("attrs")) {
                for (const auto& [key, value] : *attrs) {
                  if (const auto* s = value.as_string()) {
                    content.attrs.emplace_back(std::string(key.str()), s->get());
                  } else {
                    errors.add(value.source(), full + ".attrs." + std::string(key.str()),
                               "must be a string");
                  }
                }
              }
              for (const std::string* text : {&content.subject, &content.body}) {
                for (const auto& name : placeholdersOf(*text)) {
                  if (std::find(tpl.vars.begin(), tpl.vars.end(), name) == tpl.vars.end()) {
                    errors.add(c.source(), full,
                               "uses {{" + name + "}} but vars does not declare it");
                  }
                }
              }
              if (config.channels.count(channel) == 0) {
                errors.add(c.source(), full, "unknown channel '" + channel + "'");
              }
              tpl.content.emplace(channel, std::move(content));
            });
  if (tpl.content.empty()) {
    errors.add(t.source(), path + ".content", "needs content for at least one channel");
  }
  if (!tpl.defaultChannel.empty() && tpl.content.count(tpl.defaultChannel) == 0) {
    errors.add(t.source(), path + ".default_channel",
               "has no content for channel '" + tpl.defaultChannel + "'");
  }
  config.templates.emplace(name, std::move(tpl));
}

}  // namespace

bool DaemonConfig::hasRole(const std::string& role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

const std::vector<std::string>& providerReservedKeys() {
  static const std::vector<std::string> kKeys = {"plugin",           "send_timeout_ms",
                                                 "rate_limits",      "rate_margin_ms",
                                                 "throttle_pause_ms",
                                                 "circuit_failures", "circuit_cooldown_ms"};
  return kKeys;
}

DaemonConfig parseConfig(const std::string& text, const std::filesystem::path& file) {
  DaemonConfig config;
  config.file = file;
  config.baseDir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  toml::table root;
  try {
    root = toml::parse(text, file.string());
  } catch (const toml::parse_error& e) {
    const auto& where = e.source();
    throw ConfigError(file.string() + ":" + std::to_string(where.begin.line) + ":" +
                      std::to_string(where.begin.column) + ": " + std::string(e.description()));
  }
  ConfigErrors errors;
  checkKnownKeys(root, "",
                 {"node", "server", "store", "dispatch", "lanes", "plugins", "apps", "templates",
                  "channels", "providers", "cron"},
                 errors);
  readNode(root, config, errors);
  readServer(root, config, errors);
  readStore(root, config, errors);
  readDispatch(root, config, errors);
  readLanes(root, config, errors);
  readPlugins(root, config, errors);
  readApps(root, config, errors);
  readChannelsAndProviders(root, config, errors);
  eachNamed(root, "templates", errors,
            [&](const std::string& name, const toml::table& t, const std::string& path) {
              readTemplate(name, t, path, config, errors);
            });
  readCronJobs(root, config, errors);
  if (!errors.empty()) {
    throw ConfigError(errors.joined());
  }
  return config;
}

DaemonConfig loadConfig(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw ConfigError("cannot read configuration file " + file.string());
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parseConfig(text.str(), file);
}

}  // namespace notify::core
