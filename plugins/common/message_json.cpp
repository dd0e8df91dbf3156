// SPDX-License-Identifier: Apache-2.0
#include "plugins/common/message_json.hpp"

namespace notify::plugin::common {

void writeKvObject(JsonWriter& json, std::string_view key, const notify_kv* kv, size_t count) {
  json.beginObject(key);
  for (size_t i = 0; i < count; ++i) {
    json.field(sdk::view(kv[i].key), sdk::view(kv[i].value));
  }
  json.endObject();
}

void writeMessageFields(JsonWriter& json, const sdk::Message& message) {
  const notify_message& raw = message.raw();
  json.field("message_id", message.id())
      .field("app", message.app())
      .field("template", message.templateName())
      .field("channel", message.channel());
  writeKvObject(json, "to", raw.to, raw.to_count);
  json.field("subject", message.subject()).field("body", message.body());
}

}  // namespace notify::plugin::common
