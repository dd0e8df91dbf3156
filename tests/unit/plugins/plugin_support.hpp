// SPDX-License-Identifier: Apache-2.0
// Helpers for plugin tests. Channel tests load the built .so and create instances through the
// core's own PluginLibrary and ChannelInstance, so they exercise a plugin exactly as notifyd
// runs it; pure tests lay a message out as the ABI's notify_message for an sdk::Message.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/plugin/channel_instance.hpp"
#include "core/http/http_engine.hpp"
#include "core/plugin/plugin_library.hpp"
#include "notify/channel.hpp"

namespace notify::test {

inline core::OutboundMessage sampleMessage() {
  core::OutboundMessage message;
  message.id = "0190b7e2-5c4a-7d3e-8f00-1a2b3c4d5e6f";
  message.app = "shop";
  message.templateName = "order_shipped";
  message.channel = "hooks";
  message.to = {{"user", "u-42"}};
  message.subject = "Shipped";
  message.body = "Your order is on its way";
  message.vars = {{"order", "A-1001"}};
  return message;
}

inline std::shared_ptr<const core::PluginLibrary> loadPlugin(const std::string& path) {
  auto loaded = core::PluginLibrary::load(path);
  if (!loaded) {
    throw std::runtime_error(path + ": " + loaded.error().message);
  }
  return std::move(loaded).value();
}

// Creates an instance on a fixed clock, with declared defaults filled in for absent keys as
// the core's parameter check does.
inline core::Result<std::unique_ptr<core::ChannelInstance>> createInstance(
    const std::shared_ptr<const core::PluginLibrary>& library, core::KeyValues config,
    int64_t nowUnixMs) {
  for (const core::ParamSpec& param : library->info().params) {
    bool present = false;
    for (const auto& entry : config) {
      present = present || entry.first == param.name;
    }
    if (param.hasDefault && !present) {
      config.emplace_back(param.name, param.defaultValue);
    }
  }
  return core::ChannelInstance::create(library, "test", config,
                                       std::make_shared<core::HttpEngine>(),
                                       [nowUnixMs] { return nowUnixMs; });
}

// A core::OutboundMessage as a notify_message. Neither copyable nor movable: the ABI view
// points into this object.
class RawMessage {
 public:
  explicit RawMessage(core::OutboundMessage message) : message_(std::move(message)) {
    to_ = kv(message_.to);
    vars_ = kv(message_.vars);
    attrs_ = kv(message_.attrs);
    raw_.struct_size = sizeof(raw_);
    raw_.message_id = sdk::str(message_.id);
    raw_.app = sdk::str(message_.app);
    raw_.template_name = sdk::str(message_.templateName);
    raw_.channel = sdk::str(message_.channel);
    raw_.to = to_.data();
    raw_.to_count = to_.size();
    raw_.subject = sdk::str(message_.subject);
    raw_.body = sdk::str(message_.body);
    raw_.vars = vars_.data();
    raw_.vars_count = vars_.size();
    raw_.attrs = attrs_.data();
    raw_.attrs_count = attrs_.size();
    raw_.attempt = message_.attempt;
    raw_.deadline_unix_ms = message_.deadlineUnixMs;
  }
  RawMessage(const RawMessage&) = delete;
  RawMessage& operator=(const RawMessage&) = delete;

  sdk::Message message() const { return sdk::Message(&raw_); }

 private:
  static std::vector<notify_kv> kv(const core::KeyValues& pairs) {
    std::vector<notify_kv> out;
    out.reserve(pairs.size());
    for (const auto& [key, value] : pairs) {
      out.push_back({sdk::str(key), sdk::str(value)});
    }
    return out;
  }

  core::OutboundMessage message_;
  std::vector<notify_kv> to_;
  std::vector<notify_kv> vars_;
  std::vector<notify_kv> attrs_;
  notify_message raw_{};
};

}  // namespace notify::test
