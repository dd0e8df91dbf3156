// SPDX-License-Identifier: Apache-2.0
#include "core/store/sqlite_store.hpp"

#include <gtest/gtest.h>

#include "core/common/ids.hpp"
#include "core/store/sqlite_db.hpp"
#include "core/store/sqlite_wal_sync.hpp"
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

// Every store implementation instantiates the contract; PostgreSQL does in pg_store_test.cpp.
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

// A database in the version 1 layout (no lane column), with rows inserted by rowsSql.
void createVersionOneDatabase(const std::filesystem::path& file, const std::string& rowsSql) {
  core::SqliteDb db(file.string());
  db.exec(
      "CREATE TABLE messages (id TEXT PRIMARY KEY, app TEXT NOT NULL, template TEXT NOT NULL,"
      " channel TEXT NOT NULL, to_json TEXT NOT NULL, vars_json TEXT NOT NULL,"
      " attrs_json TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL,"
      " tags_json TEXT NOT NULL, req_id TEXT NOT NULL, idempotency_key TEXT,"
      " state TEXT NOT NULL, provider TEXT NOT NULL DEFAULT '',"
      " provider_message_id TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0,"
      " created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, ready_ms INTEGER,"
      " lease_owner TEXT);"
      "CREATE INDEX messages_ready ON messages(ready_ms) WHERE ready_ms IS NOT NULL;"
      "CREATE TABLE events (message_id TEXT NOT NULL, at_ms INTEGER NOT NULL,"
      " state TEXT NOT NULL, actor TEXT NOT NULL, provider TEXT NOT NULL,"
      " code TEXT NOT NULL, detail TEXT NOT NULL);" +
      rowsSql + "PRAGMA user_version=1;");
}

std::vector<core::MessageState> statesOf(core::SqliteStore& store, const std::string& id) {
  auto found = store.find(id);
  EXPECT_TRUE(found.ok() && found->has_value());
  std::vector<core::MessageState> states;
  for (const auto& e : (*found)->events) {
    states.push_back(e.state);
  }
  return states;
}

TEST(SqliteStore, UpgradesAVersionOneDatabase) {
  TempDir dir;
  std::filesystem::path file = dir.path() / "v1.db";
  createVersionOneDatabase(
      file,
      "INSERT INTO messages VALUES ('old-1','a','t','c','{}','{}','{}','','b','[]','',NULL,"
      " 'queued','','',0,5,5,5,NULL);"
      "INSERT INTO events VALUES ('old-1',5,'accepted','app:a','','','');"
      "INSERT INTO events VALUES ('old-1',5,'queued','app:a','','','');");
  core::SqliteStore store(file, true);
  ASSERT_TRUE(store.migrate().ok());
  auto claimed = store.claim({10, 10, 1000, "w", "default"});
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->front().id, "old-1");
  EXPECT_EQ(claimed->front().lane, "default");
  // Its stored events are read as they are: none is implied twice by the newer row layout.
  EXPECT_EQ(statesOf(store, "old-1"),
            (std::vector{core::MessageState::kAccepted, core::MessageState::kQueued,
                         core::MessageState::kSending}));
}

// A message being sent when the store is upgraded to schema 7 has its "sending" event stored;
// neither the row nor the outcome may imply it a second time.
TEST(SqliteStore, AMessageBeingSentAcrossTheUpgradeShowsOneSendingEvent) {
  TempDir dir;
  std::filesystem::path file = dir.path() / "v1.db";
  createVersionOneDatabase(
      file,
      "INSERT INTO messages VALUES ('old-2','a','t','c','{}','{}','{}','','b','[]','',NULL,"
      " 'sending','','',1,5,7,60007,'w');"
      "INSERT INTO events VALUES ('old-2',5,'accepted','app:a','','','');"
      "INSERT INTO events VALUES ('old-2',5,'queued','app:a','','','');"
      "INSERT INTO events VALUES ('old-2',7,'sending','dispatcher','','','attempt 1');");
  core::SqliteStore store(file, true);
  ASSERT_TRUE(store.migrate().ok());
  const std::vector<core::MessageState> sending{
      core::MessageState::kAccepted, core::MessageState::kQueued, core::MessageState::kSending};
  EXPECT_EQ(statesOf(store, "old-2"), sending);
  core::Transition delivered;
  delivered.messageId = "old-2";
  delivered.attempt = 1;
  delivered.state = core::MessageState::kDelivered;
  delivered.event = {9, core::MessageState::kDelivered, "provider", "p", "0", ""};
  core::WriteBatch outcome;
  outcome.transitions = {delivered};
  ASSERT_TRUE(store.write(outcome).ok());
  std::vector<core::MessageState> done = sending;
  done.push_back(core::MessageState::kDelivered);
  EXPECT_EQ(statesOf(store, "old-2"), done);
}

// An ingest commit is acknowledged only once its WAL is synced, and that sync happens outside
// the write lock through WalSync; outcome-only writes need none.
TEST(SqliteStore, IngestWritesAreSyncedAndOutcomeOnlyWritesAreNot) {
  TempDir dir;
  core::SqliteStore store(dir.path() / "notify.db", true);
  ASSERT_TRUE(store.migrate().ok());
  core::NewMessage m;
  m.id = core::newMessageId();
  m.app = "demo";
  m.templateName = "welcome";
  m.channel = "email";
  m.toJson = R"({"email":"ann@example.com"})";
  m.varsJson = "{}";
  m.attrsJson = "{}";
  m.tagsJson = "[]";
  m.createdMs = 1800000000000;
  core::WriteBatch ingest;
  ingest.inserts = {m};
  ASSERT_TRUE(store.write(ingest).ok());
  EXPECT_EQ(store.walSyncs(), 1u);
  auto claimed = store.claim({m.createdMs, 10, 1000, "w", ""});
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  core::WriteBatch outcome;
  core::Transition t;
  t.messageId = m.id;
  t.attempt = 1;
  t.state = core::MessageState::kDelivered;
  t.event = {m.createdMs + 5, core::MessageState::kDelivered, "provider", "p", "0", ""};
  outcome.transitions = {t};
  ASSERT_TRUE(store.write(outcome).ok());
  EXPECT_EQ(store.walSyncs(), 1u);

  core::SqliteStore relaxed(dir.path() / "relaxed.db", false);  // synchronous = "normal"
  ASSERT_TRUE(relaxed.migrate().ok());
  m.id = core::newMessageId();
  ingest.inserts = {m};
  ASSERT_TRUE(relaxed.write(ingest).ok());
  EXPECT_EQ(relaxed.walSyncs(), 0u);
}

TEST(WalSync, SyncsAnExistingWalAndNamesAMissingOne) {
  TempDir dir;
  std::filesystem::path file = dir.path() / "w.db";
  core::SqliteDb db(file.string());
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("CREATE TABLE t (x INTEGER)");
  core::WalSync sync(file);
  EXPECT_NO_THROW(sync.sync());
  core::WalSync missing(dir.path() / "absent.db");
  try {
    missing.sync();
    FAIL() << "a missing WAL was synced";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("absent.db-wal"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace notify::test
