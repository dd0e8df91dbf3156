// SPDX-License-Identifier: Apache-2.0
// notifyd: the composition root is core/daemon; this file only reads the command line.
#include <csignal>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>

#include "core/common/log.hpp"
#include "core/common/process_clock.hpp"
#include "core/config/config_loader.hpp"
#include "core/daemon/daemon.hpp"
#include "core/store/store_factory.hpp"
#include "core/version.hpp"

namespace {

constexpr const char* kUsage =
    "usage: notifyd [migrate] [--config FILE] [--roles ingress,dispatcher] [--check-config]\n"
    "               [--version]\n"
    "  migrate           create or upgrade the store's schema, then exit\n"
    "  --config FILE     configuration (default conf/notifyd.toml)\n"
    "  --roles LIST      run only these roles (overrides [node] roles)\n"
    "  --check-config    check configuration and plugins, then exit\n";

std::vector<std::string> splitComma(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) {
      items.push_back(item);
    }
  }
  return items;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace notify::core;
  std::string configPath = "conf/notifyd.toml";
  std::string roles;
  bool checkOnly = false;
  bool migrateOnly = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "migrate" && i == 1) {
      migrateOnly = true;
    } else if ((arg == "--config" || arg == "--roles") && i + 1 < argc) {
      (arg == "--config" ? configPath : roles) = argv[++i];
    } else if (arg == "--check-config") {
      checkOnly = true;
    } else if (arg == "--version") {
      std::cout << "notifyd " << kNotifyVersion << "\n";
      return 0;
    } else {
      std::cerr << kUsage;
      return 64;
    }
  }
  try {
    DaemonConfig config = loadConfig(configPath);
    if (!roles.empty()) {
      config.roles = splitComma(roles);
    }
    LogLevel level = LogLevel::kInfo;
    parseLogLevel(config.logLevel, level);
    setLogLevel(level);
    if (migrateOnly) {
      std::unique_ptr<MessageStore> store = makeStore(config.store);
      Result<void> migrated = store->migrate();
      if (!migrated) {
        std::cerr << "notifyd: migrate: " << migrated.error().message << "\n";
        return 1;
      }
      std::cout << describeStore(config.store) << ": schema up to date\n";
      return 0;
    }
    if (!config.testClock.empty()) {
      std::string error;
      useTestClock(*parseTestClock(config.testClock, systemUnixMs(), error));
      logWarn("notifyd", "TEST CLOCK in use (" + config.testClock +
                             "): time is shifted or compressed; never run production like this");
    }
    if (checkOnly) {
      Daemon::checkConfig(config);
      std::cout << configPath << ": OK\n";
      return 0;
    }
    // Block the stop signals in every thread; the main thread waits for them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    Daemon daemon(std::move(config));
    daemon.start();
    int received = 0;
    sigwait(&signals, &received);
    logInfo("notifyd", std::string("received ") + strsignal(received) + ", stopping");
    daemon.stop();
    return 0;
  } catch (const ConfigError& e) {
    std::cerr << "notifyd: configuration error:\n" << e.what();
    return 78;
  } catch (const std::exception& e) {
    std::cerr << "notifyd: cannot start: " << e.what() << "\n";
    return 1;
  }
}
