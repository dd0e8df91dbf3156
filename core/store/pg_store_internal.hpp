// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the PgStore's source files share. Not for use outside core/store/pg_store*.cpp.

#include <optional>
#include <string>
#include <type_traits>

#include "core/common/result.hpp"
#include "core/store/pg_guarded.hpp"  // storeError
#include "core/store/pg_store.hpp"

namespace notify::core::pg {

constexpr const char* kReadyChannel = "notify_ready";

inline std::string str(int64_t v) {
  return std::to_string(v);
}

}  // namespace notify::core::pg

namespace notify::core {

template <typename F>
auto PgStore::inTransaction(F&& body) -> decltype(body(std::declval<PgConnection&>())) {
  return inPgTransaction(pool_, std::forward<F>(body));
}

template <typename F>
auto PgStore::inTransaction(PgCommit commit, F&& body)
    -> decltype(body(std::declval<PgConnection&>())) {
  return inPgTransaction(pool_, commit, std::forward<F>(body));
}

}  // namespace notify::core
