// SPDX-License-Identifier: Apache-2.0
#include "support/daemon_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "support/test_client.hpp"
#include "support/test_env.hpp"

namespace notify::test {

DaemonProcess::DaemonProcess(std::filesystem::path config, std::string endpoint,
                             std::vector<std::string> extraArgs)
    : config_(std::move(config)),
      endpoint_(std::move(endpoint)),
      extraArgs_(std::move(extraArgs)),
      logFile_(config_.parent_path() / "notifyd.log") {}

DaemonProcess::~DaemonProcess() {
  if (pid_ > 0) {
    kill9();
  }
}

void DaemonProcess::start() {
  std::string binary = (buildDir() / "bin" / "notifyd").string();
  std::vector<std::string> args = {binary, "--config", config_.string()};
  args.insert(args.end(), extraArgs_.begin(), extraArgs_.end());
  pid_ = fork();
  if (pid_ == 0) {
    int fd = open(logFile_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> argv;
    for (auto& arg : args) {
      argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  TestClient client(endpoint_);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("notifyd exited at start-up:\n" + log());
    }
    if (client.tryRequest(R"({"op":"ping"})", 200)) {
      return;
    }
  }
  kill9();
  throw std::runtime_error("notifyd did not answer ping within 15 s:\n" + log());
}

void DaemonProcess::kill9() {
  if (pid_ <= 0) {
    return;
  }
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

int DaemonProcess::terminate() {
  if (pid_ <= 0) {
    return -1;
  }
  ::kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string DaemonProcess::log() const {
  return readFile(logFile_);
}

}  // namespace notify::test
