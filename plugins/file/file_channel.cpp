// SPDX-License-Identifier: Apache-2.0
// The file channel: appends each message as one JSON line to a local file. Meant for audit
// trails, development and tests; the record format is in file_record.cpp.
#include "notify/channel.hpp"
#include "plugins/file/file_appender.hpp"
#include "plugins/file/file_record.hpp"

namespace notify::plugin::file {
namespace {

class FileChannel : public sdk::Channel {
 public:
  FileChannel(sdk::Host host, const sdk::Config& config)
      : host_(host), appender_(config.get("path"), config.getBool("fsync")) {}

  sdk::Outcome send(const sdk::Message& message) override {
    if (auto error = appender_.append(buildRecord(message, host_.nowUnixMs()))) {
      return sdk::Outcome::retry(*error);
    }
    return sdk::Outcome::delivered({}, "appended to " + appender_.path());
  }

 private:
  sdk::Host host_;
  FileAppender appender_;  // serialises appends, which makes send thread-safe
};

const notify_param_spec kParams[] = {
    {"path", NOTIFY_PARAM_PATH, 1, nullptr, "file to append JSON lines to; created if missing"},
    {"fsync", NOTIFY_PARAM_BOOL, 0, "false", "fsync after every record"},
    {nullptr, 0, 0, nullptr, nullptr},
};

}  // namespace
}  // namespace notify::plugin::file

NOTIFY_DEFINE_CHANNEL(notify::plugin::file::FileChannel, "file", "1.0.0",
                      "Appends each message as a JSON line to a file",
                      notify::plugin::file::kParams, NOTIFY_CHANNEL_THREADSAFE_SEND)
