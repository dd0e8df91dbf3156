// SPDX-License-Identifier: Apache-2.0
// The message fields that every plugin writing a JSON record (webhook envelope, file line)
// includes, so those records agree on names and shape.
#pragma once

#include <cstddef>
#include <string_view>

#include "notify/channel.hpp"
#include "plugins/common/json_writer.hpp"

namespace notify::plugin::common {

// Writes "<key>": {"k1": "v1", ...} from a key/value array, in array order.
void writeKvObject(JsonWriter& json, std::string_view key, const notify_kv* kv, size_t count);

// Writes, in this order: message_id, app, template, channel, to (object of kind → address),
// subject, body. The caller adds its own fields before and after.
void writeMessageFields(JsonWriter& json, const sdk::Message& message);

}  // namespace notify::plugin::common
