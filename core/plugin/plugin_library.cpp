// SPDX-License-Identifier: Apache-2.0
#include "core/plugin/plugin_library.hpp"

#include <cstddef>
#include <set>

namespace notify::core {
namespace {

// The size of the descriptor as published in ABI 1.0; anything smaller cannot be v1.
constexpr size_t kV1DescriptorSize = offsetof(notify_channel_v1, destroy) + sizeof(void*);

bool isValidName(const char* name) {
  if (name == nullptr || !(name[0] >= 'a' && name[0] <= 'z')) {
    return false;
  }
  for (const char* p = name; *p != '\0'; ++p) {
    char c = *p;
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

Error abiError(std::string message) {
  return makeError("plugin_abi", std::move(message));
}

Result<std::vector<ParamSpec>> readParams(const notify_param_spec* specs) {
  std::vector<ParamSpec> params;
  std::set<std::string> seen;
  for (const notify_param_spec* p = specs; p != nullptr && p->name != nullptr; ++p) {
    if (!isValidName(p->name)) {
      return abiError(std::string("parameter name '") + p->name + "' is not [a-z][a-z0-9_]*");
    }
    if (p->type < NOTIFY_PARAM_STRING || p->type > NOTIFY_PARAM_PATH) {
      return abiError(std::string("parameter '") + p->name + "' has unknown type " +
                      std::to_string(p->type));
    }
    if (!seen.insert(p->name).second) {
      return abiError(std::string("parameter '") + p->name + "' is declared twice");
    }
    params.push_back(ParamSpec{p->name, static_cast<notify_param_type>(p->type), p->required != 0,
                               p->default_value != nullptr,
                               p->default_value != nullptr ? p->default_value : "",
                               p->help != nullptr ? p->help : ""});
  }
  return params;
}

}  // namespace

const char* paramTypeName(notify_param_type type) {
  switch (type) {
    case NOTIFY_PARAM_STRING:
      return "string";
    case NOTIFY_PARAM_INT:
      return "integer";
    case NOTIFY_PARAM_BOOL:
      return "boolean";
    case NOTIFY_PARAM_SECRET:
      return "secret";
    case NOTIFY_PARAM_LIST:
      return "list of strings";
    case NOTIFY_PARAM_PATH:
      return "path";
  }
  return "unknown";
}

Result<void> checkDescriptor(const notify_channel_v1* d, const std::string& fileStem) {
  if (d == nullptr) {
    return abiError("notify_channel_entry returned NULL");
  }
  if (d->abi_major != NOTIFY_ABI_MAJOR) {
    return abiError("built for plugin ABI " + std::to_string(d->abi_major) + "." +
                    std::to_string(d->abi_minor) + ", this notifyd speaks " +
                    std::to_string(NOTIFY_ABI_MAJOR) + ".x: rebuild the plugin against this SDK");
  }
  if (d->abi_minor > NOTIFY_ABI_MINOR) {
    return abiError("built for plugin ABI " + std::to_string(d->abi_major) + "." +
                    std::to_string(d->abi_minor) + ", newer than this notifyd's " +
                    std::to_string(NOTIFY_ABI_MAJOR) + "." + std::to_string(NOTIFY_ABI_MINOR) +
                    ": upgrade notifyd or rebuild the plugin against an older SDK");
  }
  if (d->struct_size < kV1DescriptorSize) {
    return abiError("descriptor is " + std::to_string(d->struct_size) +
                    " bytes, smaller than the v1 layout (" + std::to_string(kV1DescriptorSize) +
                    ")");
  }
  if (!isValidName(d->name)) {
    return abiError(std::string("plugin name '") + (d->name != nullptr ? d->name : "(null)") +
                    "' is not [a-z][a-z0-9_]*");
  }
  if (fileStem != std::string("channel_") + d->name) {
    return abiError("file " + fileStem + ".so declares plugin '" + d->name +
                    "': expected channel_" + d->name + ".so");
  }
  const char* missing = d->create == nullptr    ? "create"
                        : d->send == nullptr    ? "send"
                        : d->destroy == nullptr ? "destroy"
                                                : nullptr;
  if (missing != nullptr) {
    return abiError(std::string("mandatory hook '") + missing + "' is missing");
  }
  constexpr size_t kMinor2Size = offsetof(notify_channel_v1, complete) + sizeof(void*);
  if (d->struct_size >= kMinor2Size && (d->prepare == nullptr) != (d->complete == nullptr)) {
    return abiError(std::string("hook '") + (d->prepare == nullptr ? "complete" : "prepare") +
                    "' is set without '" + (d->prepare == nullptr ? "prepare" : "complete") +
                    "': a split send needs both");
  }
  return {};
}

PluginLibrary::PluginLibrary(boost::dll::shared_library library,
                             const notify_channel_v1* descriptor, PluginInfo info)
    : library_(std::move(library)), descriptor_(descriptor), info_(std::move(info)) {}

PluginLibrary::~PluginLibrary() = default;

Result<std::shared_ptr<const PluginLibrary>> PluginLibrary::load(
    const std::filesystem::path& path) {
  boost::system::error_code ec;
  // RTLD_NOW: a missing symbol fails here, not at the first message. RTLD_LOCAL: plugins
  // cannot interpose on each other's symbols.
  boost::dll::shared_library library(
      boost::dll::fs::path(path.string()),
      boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, ec);
  if (ec) {
    return makeError("plugin_load", "cannot load: " + ec.message());
  }
  if (!library.has(NOTIFY_CHANNEL_ENTRY_SYMBOL)) {
    return makeError("plugin_abi", std::string("does not export ") + NOTIFY_CHANNEL_ENTRY_SYMBOL);
  }
  auto entry = library.get<const notify_channel_v1*()>(NOTIFY_CHANNEL_ENTRY_SYMBOL);
  const notify_channel_v1* descriptor = entry();
  Result<void> checked = checkDescriptor(descriptor, path.stem().string());
  if (!checked) {
    return checked.error();
  }
  Result<std::vector<ParamSpec>> params = readParams(descriptor->params);
  if (!params) {
    return params.error();
  }
  PluginInfo info{descriptor->name,
                  descriptor->version != nullptr ? descriptor->version : "",
                  descriptor->description != nullptr ? descriptor->description : "",
                  path.string(),
                  descriptor->abi_minor,
                  descriptor->flags,
                  std::move(params).value()};
  return std::shared_ptr<const PluginLibrary>(
      new PluginLibrary(std::move(library), descriptor, std::move(info)));
}

}  // namespace notify::core
