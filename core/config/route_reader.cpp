// SPDX-License-Identifier: Apache-2.0
#include "core/config/route_reader.hpp"

#include <optional>

#include "core/config/toml_reader.hpp"

namespace notify::core {
namespace {

std::string whereOf(const toml::source_region& where) {
  std::string text = where.path ? *where.path + ":" : std::string();
  return text + std::to_string(where.begin.line) + ":" + std::to_string(where.begin.column);
}

template <typename Map>
void checkNames(const std::vector<std::string>& names, const Map& known, const char* what,
                const toml::table& t, const std::string& path, ConfigErrors& errors) {
  for (const auto& name : names) {
    if (known.count(name) == 0) {
      errors.add(t.source(), path, std::string("unknown ") + what + " '" + name + "'");
    }
  }
}

RouteConfig readRoute(const toml::table& t, const std::string& path, const DaemonConfig& config,
                      ConfigErrors& errors) {
  checkKnownKeys(
      t, path,
      {"name", "app", "template", "lane", "tags", "recipient", "channel", "providers", "weights"},
      errors);
  RouteConfig r;
  r.name = path;
  r.where = whereOf(t.source());
  TomlReader reader(t, path, errors);
  reader.string("name", r.name);
  reader.strings("app", r.apps);
  reader.strings("template", r.templates);
  reader.strings("lane", r.lanes);
  reader.strings("tags", r.tags);
  reader.strings("recipient", r.recipients);
  reader.string("channel", r.channel, true);
  reader.strings("providers", r.providers);
  checkNames(r.apps, config.apps, "app", t, path + ".app", errors);
  checkNames(r.templates, config.templates, "template", t, path + ".template", errors);
  checkNames(r.lanes, config.lanes, "lane", t, path + ".lane", errors);
  checkNames(r.providers, config.providers, "provider", t, path + ".providers", errors);
  auto channel = config.channels.find(r.channel);
  if (!r.channel.empty() && channel == config.channels.end()) {
    errors.add(t.source(), path + ".channel", "unknown channel '" + r.channel + "'");
  }
  if (const toml::node* node = t.get("weights")) {
    const auto* array = node->as_array();
    for (size_t i = 0; array != nullptr && i < array->size(); ++i) {
      const auto* w = (*array)[i].as_integer();
      if (w == nullptr || w->get() <= 0) {
        errors.add(node->source(), path + ".weights", "must be positive integers");
        break;
      }
      r.weights.push_back(w->get());
    }
    if (array == nullptr) {
      errors.add(node->source(), path + ".weights", "must be an array of positive integers");
    }
    size_t count = !r.providers.empty()               ? r.providers.size()
                   : channel != config.channels.end() ? channel->second.providers.size()
                                                      : r.weights.size();
    if (r.weights.size() != count) {
      errors.add(node->source(), path + ".weights",
                 "has " + std::to_string(r.weights.size()) + " weights for " +
                     std::to_string(count) + " providers; give one per provider, in order");
    }
  }
  return r;
}

bool catchAll(const RouteConfig& r) {
  return r.apps.empty() && r.templates.empty() && r.lanes.empty() && r.tags.empty() &&
         r.recipients.empty();
}

}  // namespace

void readRoutes(const toml::table& root, DaemonConfig& config, ConfigErrors& errors) {
  std::optional<size_t> defaultRule;  // the first catch-all rule
  eachInArray(root, "routes", errors, [&](const toml::table& t, const std::string& path) {
    RouteConfig route = readRoute(t, path, config, errors);
    if (defaultRule) {
      const RouteConfig& d = config.routes[*defaultRule];
      errors.add(
          t.source(), path,
          "is never reached: rule '" + d.name + "' (" + d.where + ") before it matches everything");
    }
    if (catchAll(route) && !defaultRule) {
      defaultRule = config.routes.size();
    }
    config.routes.push_back(std::move(route));
  });
}

}  // namespace notify::core
