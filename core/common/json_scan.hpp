// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace notify::core {

// The index of the first byte at or after from that a JSON string cannot hold as it is: a
// quote, a backslash or a control character, and with nonAscii also any byte >= 0x80 (for a
// caller that validates UTF-8). text.size() when there is none. Reads eight bytes per step
// (SWAR: the "has a zero byte" and "has a byte less than n" tricks), since request strings are
// long runs of plain text.
inline size_t plainJsonRun(std::string_view text, size_t from, bool nonAscii) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  const uint64_t stopHigh = nonAscii ? kHighs : 0;
  auto hasZero = [](uint64_t v) { return (v - kOnes) & ~v & kHighs; };
  size_t i = from;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word = 0;
    std::memcpy(&word, text.data() + i, 8);
    // hasZero(word ^ c) finds a byte equal to c; the third term a byte below 0x20 (exact for
    // "is there one", which is all this asks).
    uint64_t special = hasZero(word ^ (kOnes * '"')) | hasZero(word ^ (kOnes * '\\')) |
                       ((word - kOnes * 0x20) & ~word & kHighs) | (word & stopHigh);
    if (special != 0) {
      break;
    }
  }
  for (; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == '"' || c == '\\' || (nonAscii && c >= 0x80)) {
      return i;
    }
  }
  return i;
}

}  // namespace notify::core
