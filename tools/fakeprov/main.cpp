// SPDX-License-Identifier: Apache-2.0
// notify-fakeprov: local stand-ins for the providers Notify talks to, for tests and demos.
#include <Poco/JSON/Parser.h>

#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>

#include "core/common/process_clock.hpp"
#include "tools/fakeprov/fake_server.hpp"

namespace {

constexpr const char* kUsage =
    "usage: notify-fakeprov [--port N] [--config FILE] [--clock SPEC]\n"
    "  --port N       loopback port to listen on (default 0: any free port)\n"
    "  --config FILE  JSON object of provider accounts: {\"<provider>\": {...}, ...}\n"
    "  --clock SPEC   test clock shared with notifyd's [node] test_clock:\n"
    "                 start=RFC3339,scale=N[,anchor=UNIXMS]\n"
    "Prints \"listening on http://127.0.0.1:PORT\" once ready. Stops on SIGTERM or SIGINT.\n";

Poco::JSON::Object::Ptr readConfig(const std::string& path) {
  if (path.empty()) {
    return new Poco::JSON::Object;
  }
  std::ifstream in(path);
  if (!in) {
    throw std::runtime_error("cannot read " + path);
  }
  std::stringstream text;
  text << in.rdbuf();
  Poco::JSON::Parser parser;
  return parser.parse(text.str()).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace notify::fakeprov;
  uint16_t port = 0;
  std::string configPath;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--port" && i + 1 < argc) {
      port = static_cast<uint16_t>(std::stoi(argv[++i]));
    } else if (arg == "--config" && i + 1 < argc) {
      configPath = argv[++i];
    } else if (arg == "--clock" && i + 1 < argc) {
      std::string error;
      auto clock = notify::core::parseTestClock(argv[++i], notify::core::systemUnixMs(), error);
      if (!clock) {
        std::cerr << "notify-fakeprov: --clock: " << error << "\n";
        return 64;
      }
      notify::core::useTestClock(*clock);
    } else {
      std::cerr << kUsage;
      return 64;
    }
  }
  try {
    Poco::JSON::Object::Ptr config = readConfig(configPath);
    std::vector<std::unique_ptr<ProviderModule>> modules = createModules();
    for (auto& module : modules) {
      module->configure(config->getObject(module->name()));
    }
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    FakeServer server(std::move(modules), port);
    server.start();
    std::cout << "listening on http://127.0.0.1:" << server.port() << std::endl;
    int received = 0;
    sigwait(&signals, &received);
    server.stop();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "notify-fakeprov: " << e.what() << "\n";
    return 1;
  }
}
