// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <exception>
#include <string>
#include <type_traits>
#include <utility>

#include "core/common/result.hpp"
#include "core/store/pg_connection.hpp"

namespace notify::core {
namespace pg {

// A database failure as the store reports it to callers.
inline Error storeError(const std::exception& e) {
  return makeError("unavailable", std::string("store: ") + e.what());
}

}  // namespace pg

// Runs body(conn) in a transaction on one of pool's sessions (inPgTransaction) and turns a
// database error into a Result: the edge between libpq's exceptions and the store's callers.
template <typename F>
auto pgGuarded(PgPool& pool, F&& body) -> Result<decltype(body(std::declval<PgConnection&>()))> {
  try {
    if constexpr (std::is_void_v<decltype(body(std::declval<PgConnection&>()))>) {
      inPgTransaction(pool, std::forward<F>(body));
      return {};
    } else {
      return inPgTransaction(pool, std::forward<F>(body));
    }
  } catch (const std::exception& e) {
    return pg::storeError(e);
  }
}

}  // namespace notify::core
