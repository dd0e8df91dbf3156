// SPDX-License-Identifier: Apache-2.0
#include "plugins/file/file_record.hpp"

#include "plugins/common/json_writer.hpp"
#include "plugins/common/message_json.hpp"
#include "plugins/common/time_format.hpp"

namespace notify::plugin::file {

std::string buildRecord(const sdk::Message& message, int64_t nowUnixMs) {
  common::JsonWriter json;
  json.beginObject();
  common::writeMessageFields(json, message);
  json.field("attempt", static_cast<int64_t>(message.attempt()))
      .field("delivered_at", common::formatRfc3339Ms(nowUnixMs))
      .endObject();
  std::string line = json.take();
  line += '\n';
  return line;
}

}  // namespace notify::plugin::file
