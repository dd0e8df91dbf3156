// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace notify::core {

// A one-dimensional array statement parameter in PostgreSQL's binary format, built element by
// element, for PgConnection::preparedBinary. The server then copies each element instead of
// parsing a text literal ({"a","b",NULL}) character by character: for an ingest batch, whose
// arrays carry every message's body and variables, that parsing was about a fifth of the
// statement's cost.
class PgArrayParam {
 public:
  // The element types the store's batches use, by their PostgreSQL type OIDs.
  enum class Element : uint32_t { kInt8 = 20, kInt4 = 23, kText = 25 };

  explicit PgArrayParam(Element element) : element_(element) {}

  void addText(std::string_view text);
  void addInteger(int64_t value);  // a kInt4 or kInt8 element
  void addInteger(const std::optional<int64_t>& value) { value ? addInteger(*value) : addNull(); }
  void addNull();

  size_t size() const { return static_cast<size_t>(count_); }

  // The wire form (array_recv): dimensions, null flag, element type, length and lower bound,
  // then each element as its byte length (-1: NULL) and bytes, all integers big-endian.
  std::string bytes() const;

 private:
  Element element_;
  std::string elements_;
  int32_t count_ = 0;
  bool hasNull_ = false;
};

}  // namespace notify::core
