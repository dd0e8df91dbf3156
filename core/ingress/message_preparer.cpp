// SPDX-License-Identifier: Apache-2.0
#include "core/ingress/message_preparer.hpp"

#include <algorithm>
#include <optional>

#include "core/common/ids.hpp"
#include "core/common/json_writer.hpp"
#include "core/guards/guard_policy.hpp"
#include "core/guards/phone_number.hpp"
#include "core/routing/route_policy.hpp"
#include "core/templates/content_renderer.hpp"

namespace notify::core {
namespace {

bool constantTimeEquals(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

// The request with its phone numbers in E.164 (see normalizePhoneNumber), or nullopt when none
// needed it: most requests are not copied.
std::optional<SendRequest> withNormalizedPhones(const SendRequest& request,
                                                const std::string& countryCode) {
  std::optional<SendRequest> out;
  for (size_t i = 0; i < request.to.size(); ++i) {
    const auto& [kind, address] = request.to[i];
    if (kind != "phone") {
      continue;
    }
    if (std::optional<std::string> phone = normalizePhoneNumber(address, countryCode)) {
      if (!out) {
        out = request;
      }
      out->to[i].second = std::move(*phone);
    }
  }
  return out;
}

}  // namespace

MessagePreparer::MessagePreparer(std::shared_ptr<const DaemonConfig> config)
    : config_(std::move(config)) {
  for (const auto& [name, app] : config_->apps) {
    if (!app.rateLimits.empty()) {
      appLimits_.emplace(name, makeRateLimiter(app.rateLimits));
    }
  }
}

Result<void> MessagePreparer::admit(const std::string& app, int64_t nowMs) const {
  auto it = appLimits_.find(app);
  if (it == appLimits_.end()) {
    return {};
  }
  int64_t next = it->second->tryAcquire(nowMs);
  if (next == 0) {
    return {};
  }
  return makeError("rate_limited", "app '" + app + "' is over its rate limit; nothing was " +
                                       "stored, retry in " + std::to_string(next - nowMs) + " ms");
}

Result<void> MessagePreparer::authenticate(const std::string& app, const std::string& token) const {
  auto it = config_->apps.find(app);
  // Compare even for an unknown app so timing does not reveal which apps exist.
  bool ok = constantTimeEquals(
      token, it == config_->apps.end() ? std::string(32, '\0') : it->second.token);
  if (it == config_->apps.end() || !ok) {
    return makeError("unauthorized", "unknown app or wrong token", "token");
  }
  return {};
}

Result<NewMessage> MessagePreparer::prepare(const std::string& app, const SendRequest& request,
                                            const std::string& reqIdJson,
                                            const std::string& fieldPrefix, int64_t nowMs) const {
  Result<NewMessage> message = build(app, request, reqIdJson, nowMs);
  if (!message && !message.error().field.empty()) {
    Error error = message.error();
    error.field = fieldPrefix + error.field;
    return error;
  }
  return message;
}

Result<RouteDecision> MessagePreparer::explainRoute(const std::string& app,
                                                    const SendRequest& request) const {
  auto tpl = config_->templates.find(request.templateName);
  if (tpl == config_->templates.end()) {
    return makeError("unknown_template", "no template named '" + request.templateName + "'",
                     "template");
  }
  return routeMessage(*config_, tpl->second, app, request, drawOf(newMessageId()));
}

Result<NewMessage> MessagePreparer::build(const std::string& app, const SendRequest& request,
                                          const std::string& reqIdJson, int64_t nowMs) const {
  auto appIt = config_->apps.find(app);
  std::optional<SendRequest> normalized;
  if (appIt != config_->apps.end()) {
    normalized = withNormalizedPhones(request, appIt->second.defaultCountryCode);
  }
  const SendRequest& req = normalized ? *normalized : request;
  auto tplIt = config_->templates.find(req.templateName);
  if (tplIt == config_->templates.end()) {
    return makeError("unknown_template", "no template named '" + req.templateName + "'",
                     "template");
  }
  const TemplateConfig& tpl = tplIt->second;
  if (Result<void> vars = checkTemplateVars(tpl, req.vars); !vars) {
    return vars.error();
  }
  std::string id = newMessageId();
  Result<RouteDecision> route = routeMessage(*config_, tpl, app, req, drawOf(id));
  if (!route) {
    return route.error();
  }
  const std::string& channelName = route->channel;
  const ChannelConfig& channel = config_->channels.at(channelName);
  if (appIt != config_->apps.end()) {
    if (Result<void> allowed = checkAppRules(appIt->second, tpl.name, channelName); !allowed) {
      return allowed.error();
    }
  }
  for (const auto& [kind, address] : req.to) {
    if (address.empty()) {
      return makeError("invalid_recipient", "the '" + kind + "' address is empty", "to." + kind);
    }
  }
  if (!channel.recipient.empty()) {
    bool present = std::any_of(req.to.begin(), req.to.end(),
                               [&](const auto& kv) { return kv.first == channel.recipient; });
    if (!present) {
      return makeError(
          "invalid_recipient",
          "channel '" + channel.name + "' needs a '" + channel.recipient + "' address in 'to'",
          "to." + channel.recipient);
    }
  }
  if (Result<void> recipients = checkRecipients(channel, req.to); !recipients) {
    return recipients.error();
  }
  Result<RenderedContent> rendered = renderContent(tpl, tpl.content.at(channelName), req.vars);
  if (!rendered) {
    return rendered.error();
  }
  NewMessage m;
  m.id = std::move(id);
  m.lane = tpl.lane;
  m.app = app;
  m.templateName = tpl.name;
  m.channel = channelName;
  m.toJson = jsonObjectOf(req.to);
  m.varsJson = jsonObjectOf(req.vars);
  m.attrsJson = jsonObjectOf(rendered->attrs);
  m.subject = std::move(rendered->subject);
  m.body = std::move(rendered->body);
  m.tagsJson = jsonArrayOf(req.tags);
  m.reqId = reqIdJson;
  m.idempotencyKey = req.idempotencyKey;
  auto caller = config_->apps.find(app);
  m.owner = !tpl.owner.empty() || caller == config_->apps.end() ? tpl.owner : caller->second.owner;
  m.businessLine = tpl.businessLine;
  m.createdMs = nowMs;
  m.sendAtMs = req.sendAtMs && *req.sendAtMs > nowMs ? *req.sendAtMs : 0;
  if (!route->rule.empty()) {
    m.providers = route->providers;  // else the channel's chain, as configured when sent
  }
  m.routeDetail = route->trace.back();
  if (Result<void> quiet = applyQuietHours(*config_, req, m, nowMs); !quiet) {
    return quiet.error();
  }
  if (!tpl.enabled) {
    m.suppressReason = "template '" + tpl.name + "' is disabled (enabled = false)";
  }
  if (appIt != config_->apps.end()) {
    addGuardChecks(*config_, appIt->second, tpl, req, m, nowMs);
  }
  return m;
}

}  // namespace notify::core
