// SPDX-License-Identifier: Apache-2.0
#include "core/store/pg_array_param.hpp"

#include <gtest/gtest.h>

#include "core/store/pg_connection.hpp"
#include "support/pg_server.hpp"

namespace notify::test {
namespace {

using core::PgArrayParam;

// What the server reads from each array, element by element, as text ("NULL" for a null).
std::vector<std::string> roundTrip(const PgArrayParam& array, const std::string& type) {
  core::PgConnection conn(PgServer::shared().conninfo());
  core::PgResult rows =
      conn.preparedBinary("round_trip_" + type,
                          "SELECT COALESCE(v::text, 'NULL') FROM unnest($1::" + type +
                              "[]) WITH ORDINALITY AS u(v, n) ORDER BY n",
                          {array.bytes()});
  std::vector<std::string> out;
  for (int r = 0; r < rows.rows(); ++r) {
    out.push_back(rows.text(r, 0));
  }
  return out;
}

// Everything a text array literal would have to escape goes through as it is.
TEST(PgArrayParam, TextElementsArriveByteForByte) {
  PgArrayParam array(PgArrayParam::Element::kText);
  std::vector<std::string> values = {
      "plain", "", "\"quoted\", {braced}", "back\\slash", "NULL", "line\nbreak", "κείμενο"};
  for (const auto& v : values) {
    array.addText(v);
  }
  array.addNull();
  values.push_back("NULL");  // the null, as the query shows it
  EXPECT_EQ(array.size(), 8u);
  EXPECT_EQ(roundTrip(array, "text"), values);
}

TEST(PgArrayParam, IntegersOfBothWidthsKeepTheirSign) {
  PgArrayParam wide(PgArrayParam::Element::kInt8);
  wide.addInteger(int64_t{1800000000000});
  wide.addInteger(int64_t{-5});
  wide.addInteger(std::optional<int64_t>());
  EXPECT_EQ(roundTrip(wide, "bigint"), (std::vector<std::string>{"1800000000000", "-5", "NULL"}));

  PgArrayParam narrow(PgArrayParam::Element::kInt4);
  narrow.addInteger(int64_t{7});
  narrow.addInteger(int64_t{-2147483648});
  EXPECT_EQ(roundTrip(narrow, "int"), (std::vector<std::string>{"7", "-2147483648"}));
}

TEST(PgArrayParam, AnEmptyArrayHasNoElements) {
  PgArrayParam empty(PgArrayParam::Element::kText);
  core::PgConnection conn(PgServer::shared().conninfo());
  core::PgResult r = conn.preparedBinary(
      "empty", "SELECT COALESCE(cardinality($1::text[]), -1), $1::text[] = '{}'", {empty.bytes()});
  EXPECT_EQ(r.text(0, 0), "0");
  EXPECT_EQ(r.text(0, 1), "t");
}

}  // namespace
}  // namespace notify::test
