// SPDX-License-Identifier: Apache-2.0
// Loads a built channel .so and drives it through the C ABI only, the way the host does, so
// plugin tests exercise exactly what ships: descriptor, exception barrier, result buffers.
#pragma once

#include <dlfcn.h>

#include <array>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "notify/channel_abi.h"
#include "unit/plugins/test_message.hpp"

namespace notify::test {

class LoadedPlugin {
 public:
  explicit LoadedPlugin(const std::string& path)
      : handle_(dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL)) {
    if (handle_ == nullptr) {
      throw std::runtime_error(std::string("dlopen: ") + dlerror());
    }
    auto entry =
        reinterpret_cast<notify_channel_entry_fn>(dlsym(handle_, NOTIFY_CHANNEL_ENTRY_SYMBOL));
    if (entry == nullptr) {
      dlclose(handle_);
      throw std::runtime_error(path + " does not export " NOTIFY_CHANNEL_ENTRY_SYMBOL);
    }
    descriptor_ = entry();
  }
  ~LoadedPlugin() { dlclose(handle_); }
  LoadedPlugin(const LoadedPlugin&) = delete;
  LoadedPlugin& operator=(const LoadedPlugin&) = delete;

  const notify_channel_v1& descriptor() const { return *descriptor_; }

 private:
  void* handle_;
  const notify_channel_v1* descriptor_ = nullptr;
};

struct SendResult {
  int32_t status = NOTIFY_INTERNAL_ERROR;
  int64_t retryAfterMs = 0;
  std::string code;
  std::string providerMessageId;
  std::string detail;
};

// One instance, created like the host does: declared defaults filled in for absent keys.
class PluginInstance {
 public:
  PluginInstance(const notify_channel_v1& descriptor, const notify_host_api* host,
                 std::map<std::string, std::string> config)
      : descriptor_(descriptor), config_(std::move(config)) {
    for (const notify_param_spec* p = descriptor.params; p != nullptr && p->name != nullptr; ++p) {
      if (p->default_value != nullptr && config_.count(p->name) == 0) {
        config_[p->name] = p->default_value;
      }
    }
    std::vector<notify_kv> kv;
    for (const auto& [key, value] : config_) {
      kv.push_back({{key.data(), key.size()}, {value.data(), value.size()}});
    }
    std::array<char, 512> err{};
    status_ = descriptor.create(host, kv.data(), kv.size(), &instance_, err.data(), err.size());
    error_ = err.data();
  }
  ~PluginInstance() {
    if (status_ == NOTIFY_DELIVERED) {
      descriptor_.destroy(instance_);
    }
  }
  PluginInstance(const PluginInstance&) = delete;
  PluginInstance& operator=(const PluginInstance&) = delete;

  int32_t createStatus() const { return status_; }
  const std::string& createError() const { return error_; }

  SendResult send(TestMessage& message) const {
    std::array<char, 128> code{};
    std::array<char, 256> messageId{};
    std::array<char, 1024> detail{};
    notify_result out{};
    out.struct_size = sizeof(out);
    out.status = NOTIFY_INTERNAL_ERROR;
    out.provider_code = code.data();
    out.provider_code_cap = code.size();
    out.provider_message_id = messageId.data();
    out.provider_message_id_cap = messageId.size();
    out.detail = detail.data();
    out.detail_cap = detail.size();
    descriptor_.send(instance_, message.raw(), &out);
    return {out.status, out.retry_after_ms, std::string(code.data(), out.provider_code_len),
            std::string(messageId.data(), out.provider_message_id_len),
            std::string(detail.data(), out.detail_len)};
  }

 private:
  const notify_channel_v1& descriptor_;
  std::map<std::string, std::string> config_;
  void* instance_ = nullptr;
  int32_t status_ = NOTIFY_INTERNAL_ERROR;
  std::string error_;
};

}  // namespace notify::test
