// SPDX-License-Identifier: Apache-2.0
#include "core/store/pg_array_param.hpp"

namespace notify::core {
namespace {

void appendBigEndian(std::string& out, uint64_t value, int bytes) {
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
    out += static_cast<char>((value >> shift) & 0xff);
  }
}

void appendInt32(std::string& out, int64_t value) {
  appendBigEndian(out, static_cast<uint32_t>(static_cast<int32_t>(value)), 4);
}

}  // namespace

void PgArrayParam::addText(std::string_view text) {
  appendInt32(elements_, static_cast<int64_t>(text.size()));
  elements_.append(text);
  ++count_;
}

void PgArrayParam::addInteger(int64_t value) {
  if (element_ == Element::kInt4) {
    appendInt32(elements_, 4);
    appendInt32(elements_, value);
  } else {
    appendInt32(elements_, 8);
    appendBigEndian(elements_, static_cast<uint64_t>(value), 8);
  }
  ++count_;
}

void PgArrayParam::addNull() {
  appendInt32(elements_, -1);
  hasNull_ = true;
  ++count_;
}

std::string PgArrayParam::bytes() const {
  std::string out;
  out.reserve(20 + elements_.size());
  appendInt32(out, count_ == 0 ? 0 : 1);  // dimensions: an empty array has none
  appendInt32(out, hasNull_ ? 1 : 0);
  appendInt32(out, static_cast<int64_t>(element_));
  if (count_ > 0) {
    appendInt32(out, count_);
    appendInt32(out, 1);  // lower bound
  }
  out += elements_;
  return out;
}

}  // namespace notify::core
