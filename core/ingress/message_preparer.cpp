// SPDX-License-Identifier: Apache-2.0
#include "core/ingress/message_preparer.hpp"

#include <algorithm>

#include "core/common/ids.hpp"
#include "core/common/json_writer.hpp"
#include "core/templates/renderer.hpp"

namespace notify::core {
namespace {

bool constantTimeEquals(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

Result<std::string> chooseChannel(const TemplateConfig& tpl, const SendRequest& request) {
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
    return request.channel;
  }
  if (!tpl.defaultChannel.empty()) {
    return tpl.defaultChannel;
  }
  if (tpl.content.size() == 1) {
    return tpl.content.begin()->first;
  }
  return makeError("unknown_channel",
                   "template '" + tpl.name +
                       "' has several channels and no default_channel; "
                       "name one in 'channel'",
                   "channel");
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

Result<NewMessage> MessagePreparer::build(const std::string& app, const SendRequest& request,
                                          const std::string& reqIdJson, int64_t nowMs) const {
  auto tplIt = config_->templates.find(request.templateName);
  if (tplIt == config_->templates.end()) {
    return makeError("unknown_template", "no template named '" + request.templateName + "'",
                     "template");
  }
  const TemplateConfig& tpl = tplIt->second;
  for (const auto& [name, value] : request.vars) {
    if (std::find(tpl.vars.begin(), tpl.vars.end(), name) == tpl.vars.end()) {
      return makeError("unknown_variable",
                       "template '" + tpl.name + "' does not declare variable '" + name + "'",
                       "vars." + name);
    }
  }
  Result<std::string> channelName = chooseChannel(tpl, request);
  if (!channelName) {
    return channelName.error();
  }
  const ChannelConfig& channel = config_->channels.at(*channelName);
  for (const auto& [kind, address] : request.to) {
    if (address.empty()) {
      return makeError("invalid_recipient", "the '" + kind + "' address is empty", "to." + kind);
    }
  }
  if (!channel.recipient.empty()) {
    bool present = std::any_of(request.to.begin(), request.to.end(),
                               [&](const auto& kv) { return kv.first == channel.recipient; });
    if (!present) {
      return makeError(
          "invalid_recipient",
          "channel '" + channel.name + "' needs a '" + channel.recipient + "' address in 'to'",
          "to." + channel.recipient);
    }
  }
  const TemplateContent& content = tpl.content.at(*channelName);
  Result<std::string> subject = renderText(content.subject, request.vars, tpl.name);
  if (!subject) {
    return subject.error();
  }
  Result<std::string> body = renderText(content.body, request.vars, tpl.name);
  if (!body) {
    return body.error();
  }
  NewMessage m;
  m.id = newMessageId();
  m.lane = tpl.lane;
  m.app = app;
  m.templateName = tpl.name;
  m.channel = *channelName;
  m.toJson = jsonObjectOf(request.to);
  m.varsJson = jsonObjectOf(request.vars);
  m.attrsJson = jsonObjectOf(content.attrs);
  m.subject = std::move(subject).value();
  m.body = std::move(body).value();
  m.tagsJson = jsonArrayOf(request.tags);
  m.reqId = reqIdJson;
  m.idempotencyKey = request.idempotencyKey;
  m.createdMs = nowMs;
  m.sendAtMs = request.sendAtMs && *request.sendAtMs > nowMs ? *request.sendAtMs : 0;
  return m;
}

}  // namespace notify::core
