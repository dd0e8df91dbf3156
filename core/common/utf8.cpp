// SPDX-License-Identifier: Apache-2.0
#include "core/common/utf8.hpp"

#include <bit>
#include <cstring>

namespace notify::core {

size_t utf8SequenceLength(std::string_view text) {
  auto byteAt = [&](size_t k) -> unsigned {
    return k < text.size() ? static_cast<unsigned char>(text[k]) : 0U;
  };
  const unsigned lead = byteAt(0);
  if (!text.empty() && lead < 0x80) {
    return 1;
  }
  size_t length = 0;
  unsigned low = 0x80;
  unsigned high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    low = lead == 0xE0 ? 0xA0 : low;    // shorter forms are overlong
    high = lead == 0xED ? 0x9F : high;  // ED A0..BF would encode a surrogate
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    low = lead == 0xF0 ? 0x90 : low;
    high = lead == 0xF4 ? 0x8F : high;  // above U+10FFFF
  } else {
    return 0;
  }
  if (byteAt(1) < low || byteAt(1) > high) {
    return 0;
  }
  for (size_t k = 2; k < length; ++k) {
    if (byteAt(k) < 0x80 || byteAt(k) > 0xBF) {
      return 0;
    }
  }
  return length;
}

bool isValidUtf8(std::string_view text) {
  while (!text.empty()) {
    size_t n = utf8SequenceLength(text);
    if (n == 0) {
      return false;
    }
    text.remove_prefix(n);
  }
  return true;
}

std::string toValidUtf8(std::string_view text) {
  if (isValidUtf8(text)) {
    return std::string(text);
  }
  std::string out;
  out.reserve(text.size() + 16);
  while (!text.empty()) {
    size_t n = utf8SequenceLength(text);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      n = 1;
    } else {
      out.append(text.substr(0, n));
    }
    text.remove_prefix(n);
  }
  return out;
}

size_t utf8CodePointCount(std::string_view text) {
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  size_t continuations = 0;
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word = 0;
    std::memcpy(&word, text.data() + i, 8);
    // Bit 7 set and bit 6 clear, per byte.
    continuations += static_cast<size_t>(std::popcount(word & ~(word << 1) & kHighs));
  }
  for (; i < text.size(); ++i) {
    continuations += (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80 ? 1 : 0;
  }
  return text.size() - continuations;
}

void appendUtf8(std::string& out, uint32_t codePoint) {
  auto put = [&](uint32_t byte) { out += static_cast<char>(byte); };
  if (codePoint < 0x80) {
    put(codePoint);
  } else if (codePoint < 0x800) {
    put(0xC0 | (codePoint >> 6));
    put(0x80 | (codePoint & 0x3F));
  } else if (codePoint < 0x10000) {
    put(0xE0 | (codePoint >> 12));
    put(0x80 | ((codePoint >> 6) & 0x3F));
    put(0x80 | (codePoint & 0x3F));
  } else {
    put(0xF0 | (codePoint >> 18));
    put(0x80 | ((codePoint >> 12) & 0x3F));
    put(0x80 | ((codePoint >> 6) & 0x3F));
    put(0x80 | (codePoint & 0x3F));
  }
}

}  // namespace notify::core
