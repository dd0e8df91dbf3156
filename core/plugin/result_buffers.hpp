// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>

#include "core/plugin/channel_instance.hpp"

namespace notify::core {

// The host-owned buffers a plugin writes one outcome into (notify_result), and the outcome
// read back out of them, whatever the plugin left there.
struct ResultBuffers {
  ResultBuffers();
  ResultBuffers(const ResultBuffers&) = delete;
  ResultBuffers& operator=(const ResultBuffers&) = delete;

  SendOutcome outcome();

  std::array<char, 128> code{};
  std::array<char, 256> providerId{};
  std::array<char, 1024> detail{};
  notify_result raw{};
};

}  // namespace notify::core
