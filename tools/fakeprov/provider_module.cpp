// SPDX-License-Identifier: Apache-2.0
#include "tools/fakeprov/provider_module.hpp"

namespace notify::fakeprov {
namespace {

std::vector<ModuleFactory>& factories() {
  static std::vector<ModuleFactory> list;
  return list;
}

}  // namespace

bool registerModule(ModuleFactory factory) {
  factories().push_back(std::move(factory));
  return true;
}

std::vector<std::unique_ptr<ProviderModule>> createModules() {
  std::vector<std::unique_ptr<ProviderModule>> modules;
  for (const auto& factory : factories()) {
    modules.push_back(factory());
  }
  return modules;
}

}  // namespace notify::fakeprov
