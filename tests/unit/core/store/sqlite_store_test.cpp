// SPDX-License-Identifier: Apache-2.0
#include "core/store/sqlite_store.hpp"

#include <gtest/gtest.h>

#include "unit/core/store/store_contract.hpp"

namespace notify::test {
namespace {

StoreFactory sqliteFactory(bool synchronousFull) {
  return StoreFactory{synchronousFull ? "SqliteFull" : "SqliteNormal",
                      [synchronousFull](const std::filesystem::path& scratch) {
                        return std::make_unique<core::SqliteStore>(scratch / "db" / "notify.db",
                                                                   synchronousFull);
                      }};
}

// Every store implementation registers here; a PostgreSQL factory joins this list.
INSTANTIATE_TEST_SUITE_P(Stores, StoreContract,
                         ::testing::Values(sqliteFactory(true), sqliteFactory(false)),
                         storeFactoryName);

TEST(SqliteStore, MigrateCreatesTheFileAndItsDirectories) {
  TempDir dir;
  std::filesystem::path file = dir.path() / "a" / "b" / "notify.db";
  core::SqliteStore store(file, true);
  core::Result<void> migrated = store.migrate();
  ASSERT_TRUE(migrated.ok()) << migrated.error().message;
  EXPECT_TRUE(std::filesystem::is_regular_file(file));
  core::Result<void> again = store.migrate();
  EXPECT_TRUE(again.ok());
}

TEST(SqliteStore, UnopenablePathIsUnavailable) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "is-a-dir");
  core::SqliteStore store(dir.path() / "is-a-dir", true);
  core::Result<void> migrated = store.migrate();
  ASSERT_FALSE(migrated.ok());
  EXPECT_EQ(migrated.error().code, "unavailable");
}

}  // namespace
}  // namespace notify::test
