// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace notify::plugin::file {

// Appends whole records to one file. Thread-safe: appends are serialised, so records from
// concurrent sends never interleave.
class FileAppender {
 public:
  // Throws sdk::ConfigError when the file cannot be opened for appending.
  FileAppender(std::string path, bool fsync);

  // Appends record in full; on failure returns the reason and leaves no partial record behind
  // when the file allows truncation.
  std::optional<std::string> append(std::string_view record);

  const std::string& path() const { return path_; }

 private:
  int open() const;

  std::string path_;
  bool fsync_;
  std::mutex mutex_;
};

}  // namespace notify::plugin::file
