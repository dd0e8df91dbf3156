// SPDX-License-Identifier: Apache-2.0
// An owning message for plugin tests: fill the fields, then hand raw() to a plugin or wrap it
// in sdk::Message. The view stays valid while the TestMessage lives and is not modified.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "notify/channel_abi.h"

namespace notify::test {

using Pairs = std::vector<std::pair<std::string, std::string>>;

struct TestMessage {
  std::string id = "msg_2Wk3Yh6p";
  std::string app = "shop";
  std::string templateName = "order_shipped";
  std::string channel = "hooks";
  Pairs to = {{"user", "u-42"}};
  std::string subject = "Shipped";
  std::string body = "Your order is on its way";
  Pairs vars = {{"order", "A-1001"}};
  Pairs attrs;
  uint32_t attempt = 1;
  int64_t deadlineUnixMs = 0;

  const notify_message* raw() {
    toKv_ = kv(to);
    varsKv_ = kv(vars);
    attrsKv_ = kv(attrs);
    raw_ = notify_message{};
    raw_.struct_size = sizeof(notify_message);
    raw_.message_id = str(id);
    raw_.app = str(app);
    raw_.template_name = str(templateName);
    raw_.channel = str(channel);
    raw_.to = toKv_.data();
    raw_.to_count = toKv_.size();
    raw_.subject = str(subject);
    raw_.body = str(body);
    raw_.vars = varsKv_.data();
    raw_.vars_count = varsKv_.size();
    raw_.attrs = attrsKv_.data();
    raw_.attrs_count = attrsKv_.size();
    raw_.attempt = attempt;
    raw_.deadline_unix_ms = deadlineUnixMs;
    return &raw_;
  }

 private:
  static notify_str str(const std::string& s) { return notify_str{s.data(), s.size()}; }
  static std::vector<notify_kv> kv(const Pairs& pairs) {
    std::vector<notify_kv> out;
    for (const auto& [key, value] : pairs) {
      out.push_back({str(key), str(value)});
    }
    return out;
  }

  std::vector<notify_kv> toKv_;
  std::vector<notify_kv> varsKv_;
  std::vector<notify_kv> attrsKv_;
  notify_message raw_{};
};

}  // namespace notify::test
