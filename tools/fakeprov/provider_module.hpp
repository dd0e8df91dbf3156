// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <Poco/JSON/Object.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tools/fakeprov/fake_context.hpp"

namespace notify::fakeprov {

// One fake provider, served under /<name>/ on the fake server. It checks what the real provider
// checks and answers what the real provider answers (errors inside HTTP 200 included), records
// the requests it accepted through ctx.record(), and reads its credentials from its account
// object in the fakeprov configuration (defaults in code, documented in its README section).
class ProviderModule {
 public:
  virtual ~ProviderModule() = default;
  virtual std::string name() const = 0;
  // Called once at start with the provider's account object from --config (may be null).
  virtual void configure(const Poco::JSON::Object::Ptr& account) {}
  virtual FakeResponse handle(const FakeRequest& request, FakeContext& ctx) = 0;
};

using ModuleFactory = std::function<std::unique_ptr<ProviderModule>()>;

// Modules register themselves from their own source file:
//   static const bool kRegistered = registerModule([] { return std::make_unique<Tencent>(); });
bool registerModule(ModuleFactory factory);
std::vector<std::unique_ptr<ProviderModule>> createModules();

}  // namespace notify::fakeprov
