// SPDX-License-Identifier: Apache-2.0
#include "core/routing/route_policy.hpp"

#include <algorithm>
#include <numeric>

namespace notify::core {
namespace {

std::string listOf(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) {
    text += (text.empty() ? "" : ", ") + item;
  }
  return text;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// Empty when the rule matches, otherwise why not.
std::string mismatch(const RouteConfig& r, const TemplateConfig& tpl, const std::string& app,
                     const SendRequest& request) {
  if (!r.apps.empty() && !contains(r.apps, app)) {
    return "app '" + app + "' is not one of " + listOf(r.apps);
  }
  if (!r.templates.empty() && !contains(r.templates, tpl.name)) {
    return "template '" + tpl.name + "' is not one of " + listOf(r.templates);
  }
  if (!r.lanes.empty() && !contains(r.lanes, tpl.lane)) {
    return "lane '" + tpl.lane + "' is not one of " + listOf(r.lanes);
  }
  if (!r.tags.empty() && std::none_of(request.tags.begin(), request.tags.end(),
                                      [&](const auto& tag) { return contains(r.tags, tag); })) {
    return "no tag of " + listOf(r.tags);
  }
  if (!r.recipients.empty() &&
      std::none_of(request.to.begin(), request.to.end(),
                   [&](const auto& kv) { return contains(r.recipients, kv.first); })) {
    return "'to' has no " + listOf(r.recipients) + " address";
  }
  if (!request.channel.empty() && request.channel != r.channel) {
    return "the request asks for channel '" + request.channel + "'";
  }
  if (tpl.content.count(r.channel) == 0) {
    return "template '" + tpl.name + "' has no content for channel '" + r.channel + "'";
  }
  return {};
}

// The provider order of a matching rule: a weighted draw first, then the others in order.
std::vector<std::string> chainOf(const RouteConfig& r, const DaemonConfig& config, double draw,
                                 std::string& how) {
  std::vector<std::string> chain =
      r.providers.empty() ? config.channels.at(r.channel).providers : r.providers;
  if (r.weights.empty() || r.weights.size() != chain.size()) {
    how = "fail-over order";
    return chain;
  }
  int64_t total = std::accumulate(r.weights.begin(), r.weights.end(), int64_t{0});
  auto point = static_cast<int64_t>(draw * static_cast<double>(total));
  size_t picked = 0;
  for (int64_t seen = r.weights[0]; picked + 1 < chain.size() && point >= seen;) {
    seen += r.weights[++picked];
  }
  how = "weighted split, drew '" + chain[picked] + "' (weight " +
        std::to_string(r.weights[picked]) + " of " + std::to_string(total) + ")";
  std::rotate(chain.begin(), chain.begin() + static_cast<std::ptrdiff_t>(picked),
              chain.begin() + static_cast<std::ptrdiff_t>(picked) + 1);
  return chain;
}

// The channel a message takes when no rule matches, and why that one.
struct Fallback {
  std::string channel;
  const char* why;
};

Result<Fallback> fallbackChannel(const TemplateConfig& tpl, const SendRequest& request) {
  if (!request.channel.empty()) {
    if (tpl.content.count(request.channel) == 0) {
      std::string known;
      for (const auto& [name, content] : tpl.content) {
        known += (known.empty() ? "" : ", ") + name;
      }
      return makeError("unknown_channel",
                       "template '" + tpl.name + "' has no content for channel '" +
                           request.channel + "'; it has: " + known,
                       "channel");
    }
    return Fallback{request.channel, "requested"};
  }
  if (!tpl.defaultChannel.empty()) {
    return Fallback{tpl.defaultChannel, "the template's default"};
  }
  if (tpl.content.size() == 1) {
    return Fallback{tpl.content.begin()->first, "the template's only one"};
  }
  return makeError("unknown_channel",
                   "template '" + tpl.name +
                       "' has several channels and no default_channel; name one in 'channel'",
                   "channel");
}

}  // namespace

Result<RouteDecision> routeMessage(const DaemonConfig& config, const TemplateConfig& tpl,
                                   const std::string& app, const SendRequest& request,
                                   double draw) {
  RouteDecision decision;
  for (const RouteConfig& r : config.routes) {
    std::string why = mismatch(r, tpl, app, request);
    if (!why.empty()) {
      decision.trace.push_back("rule '" + r.name + "' (" + r.where + "): skipped: " + why);
      continue;
    }
    std::string how;
    decision.rule = r.name;
    decision.channel = r.channel;
    decision.providers = chainOf(r, config, draw, how);
    decision.trace.push_back("rule '" + r.name + "' (" + r.where + "): matched: channel '" +
                             r.channel + "', providers " + listOf(decision.providers) + " (" + how +
                             ")");
    return decision;
  }
  // Stored with every message (its first event's detail): short, and says which case it was.
  Result<Fallback> fallback = fallbackChannel(tpl, request);
  if (!fallback) {
    return fallback.error();
  }
  decision.channel = fallback->channel;
  decision.providers = config.channels.at(decision.channel).providers;
  decision.trace.push_back("no rule matched: channel '" + decision.channel + "' (" +
                           fallback->why + "), providers " + listOf(decision.providers) +
                           " (fail-over order)");
  return decision;
}

double drawOf(const std::string& messageId) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a, then a final mix so close ids spread out
  for (unsigned char c : messageId) {
    h = (h ^ c) * 1099511628211ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return static_cast<double>(h >> 11) / static_cast<double>(1ULL << 53);
}

}  // namespace notify::core
