// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tools/fakeprov/fake_context.hpp"
#include "tools/fakeprov/provider_module.hpp"

namespace Poco::Net {
class HTTPServer;
}

namespace notify::fakeprov {

// The fake provider server: /<provider>/... goes to that provider's module (after any injected
// fault), /_fake/... is the control API for tests (request log, faults, clock, tokens, reset).
// Binds loopback only.
class FakeServer {
 public:
  FakeServer(std::vector<std::unique_ptr<ProviderModule>> modules, uint16_t port);
  ~FakeServer();

  void start();
  void stop();
  uint16_t port() const { return port_; }

  // Used by the request handler.
  FakeResponse dispatch(const FakeRequest& request, bool& drop);

 private:
  FakeResponse control(const FakeRequest& request);

  std::map<std::string, std::unique_ptr<ProviderModule>> modules_;
  FakeContext context_;
  uint16_t port_ = 0;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace notify::fakeprov
