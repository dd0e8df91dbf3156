// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace notify::test {

// A real notifyd child process (build/bin/notifyd) with its output captured to a file.
class DaemonProcess {
 public:
  DaemonProcess(std::filesystem::path config, std::string endpoint,
                std::vector<std::string> extraArgs = {});
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  // Starts the process and waits until it answers ping; throws with its log if it does not.
  void start();
  void kill9();
  // SIGTERM, then waits for a clean exit; returns the exit status.
  int terminate();
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  std::string log() const;
  const std::string& endpoint() const { return endpoint_; }

 private:
  std::filesystem::path config_;
  std::string endpoint_;
  std::vector<std::string> extraArgs_;
  std::filesystem::path logFile_;
  pid_t pid_ = -1;
};

}  // namespace notify::test
