// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <string>

namespace notify::test {

// The build and source trees this test was built from (NOTIFY_BUILD_DIR / NOTIFY_SOURCE_DIR
// in the environment override them).
std::filesystem::path buildDir();
std::filesystem::path sourceDir();

// A count a soak run may raise (tools/soak.sh sets NOTIFY_SOAK_*): the environment's value when
// it is a positive integer, otherwise fallback.
int soakCount(const char* name, int fallback);

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  // Writes text to a file in the directory and returns its path.
  std::filesystem::path write(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int freeLoopbackPort();

std::string readFile(const std::filesystem::path& path);

}  // namespace notify::test
