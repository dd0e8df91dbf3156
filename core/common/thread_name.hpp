// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <pthread.h>

#include <string>

namespace notify::core {

// Names the calling thread as `top -H`, `ps -L`, perf and gdb show it. Linux keeps at most 15
// characters; longer names are cut, not refused.
inline void nameThisThread(const std::string& name) {
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

}  // namespace notify::core
