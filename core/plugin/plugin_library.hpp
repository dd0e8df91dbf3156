// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <boost/dll/shared_library.hpp>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/common/result.hpp"
#include "notify/channel_abi.h"

namespace notify::core {

struct ParamSpec {
  std::string name;
  notify_param_type type;
  bool required;
  bool hasDefault;
  std::string defaultValue;
  std::string help;
};

const char* paramTypeName(notify_param_type type);

struct PluginInfo {
  std::string name;
  std::string version;
  std::string description;
  std::string path;
  uint32_t abiMinor = 0;
  uint32_t flags = 0;
  std::vector<ParamSpec> params;
};

// One loaded channel plugin library. Loading checks the ABI before any plugin hook is used:
// version fields first, then descriptor size, name and mandatory hooks. Held by shared_ptr;
// every ChannelInstance keeps its library alive, so a library is never unmapped while an
// instance (and so code from it) may still run.
class PluginLibrary {
 public:
  static Result<std::shared_ptr<const PluginLibrary>> load(const std::filesystem::path& path);

  const notify_channel_v1& descriptor() const { return *descriptor_; }
  const PluginInfo& info() const { return info_; }

  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;
  ~PluginLibrary();

 private:
  PluginLibrary(boost::dll::shared_library library, const notify_channel_v1* descriptor,
                PluginInfo info);

  boost::dll::shared_library library_;
  const notify_channel_v1* descriptor_;
  PluginInfo info_;
};

// Checks a descriptor against this host's ABI. Exposed for tests; load() calls it.
Result<void> checkDescriptor(const notify_channel_v1* descriptor, const std::string& fileStem);

}  // namespace notify::core
