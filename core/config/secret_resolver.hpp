// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <string>

#include "core/common/result.hpp"

namespace notify::core {

// Resolves secret references: "env:NAME" (an environment variable) or "file:PATH" (a file's
// contents without the trailing newline; a relative PATH is taken from baseDir). A literal value
// is refused so that secrets never sit in configuration files. Error messages never contain the
// secret itself.
class SecretResolver {
 public:
  explicit SecretResolver(std::filesystem::path baseDir) : baseDir_(std::move(baseDir)) {}

  Result<std::string> resolve(const std::string& reference) const;
  const std::filesystem::path& baseDir() const { return baseDir_; }

 private:
  std::filesystem::path baseDir_;
};

}  // namespace notify::core
