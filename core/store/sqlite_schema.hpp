// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace notify::core {

inline constexpr int kSqliteSchemaVersion = 7;

// The latest layout, for a new database (PRAGMA user_version 0).
extern const char* const kSqliteSchema;
// kSqliteUpgrades[v - 1] takes a database from version v to v + 1.
extern const char* const kSqliteUpgrades[kSqliteSchemaVersion - 1];

}  // namespace notify::core
