// SPDX-License-Identifier: Apache-2.0
#include "core/common/ids.hpp"

#include <mutex>
#include <random>

#include "core/common/time.hpp"

namespace notify::core {
namespace {

struct Generator {
  std::mutex mutex;
  std::mt19937_64 random{std::random_device{}()};
  int64_t lastMs = 0;
  uint32_t counter = 0;
};

Generator& generator() {
  static Generator g;
  return g;
}

}  // namespace

std::string newMessageId() {
  uint64_t high;
  uint64_t low;
  {
    Generator& g = generator();
    std::lock_guard lock(g.mutex);
    int64_t ms = nowUnixMs();
    if (ms > g.lastMs) {
      g.lastMs = ms;
      g.counter = static_cast<uint32_t>(g.random() & 0x1FF);  // leave room to count up
    } else if (++g.counter > 0xFFF) {
      ++g.lastMs;  // borrow from the next millisecond rather than break the ordering
      g.counter = 0;
    }
    high = (static_cast<uint64_t>(g.lastMs) << 16) | 0x7000u | g.counter;
    low = (g.random() & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;
  }
  static const char kHex[] = "0123456789abcdef";
  std::string out(36, '-');
  int pos = 0;
  auto put = [&](uint64_t word, int nibbles) {
    for (int i = nibbles - 1; i >= 0; --i) {
      if (pos == 8 || pos == 13 || pos == 18 || pos == 23) {
        ++pos;
      }
      out[pos++] = kHex[(word >> (i * 4)) & 0xF];
    }
  };
  put(high, 16);
  put(low, 16);
  return out;
}

bool isMessageId(const std::string& id) {
  if (id.size() != 36) {
    return false;
  }
  for (size_t i = 0; i < id.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    char c = id[i];
    if (dash != (c == '-')) {
      return false;
    }
    if (!dash && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return id[14] == '7';
}

int64_t messageIdTimestampMs(const std::string& id) {
  if (!isMessageId(id)) {
    return -1;
  }
  std::string hex = id.substr(0, 8) + id.substr(9, 4);
  return static_cast<int64_t>(std::stoull(hex, nullptr, 16));
}

}  // namespace notify::core
