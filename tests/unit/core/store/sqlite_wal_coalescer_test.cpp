// SPDX-License-Identifier: Apache-2.0
#include "core/store/sqlite_wal_coalescer.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "core/store/sqlite_db.hpp"
#include "support/test_env.hpp"

namespace notify::core {
namespace {

// A WAL database with synchronous=FULL, as the store opens it, and a table with three indexes
// so that one row touches several pages.
std::unique_ptr<SqliteDb> openWriter(const std::string& path) {
  auto db = std::make_unique<SqliteDb>(path);
  db->exec("PRAGMA journal_mode=WAL");
  db->exec("PRAGMA synchronous=FULL");
  db->exec("PRAGMA busy_timeout=10000");
  db->exec(
      "CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
      "body TEXT NOT NULL, at INTEGER NOT NULL);"
      "CREATE INDEX IF NOT EXISTS rows_name ON rows(name);"
      "CREATE INDEX IF NOT EXISTS rows_at ON rows(at);"
      "CREATE INDEX IF NOT EXISTS rows_body ON rows(substr(body, 1, 16));");
  return db;
}

void insertRows(SqliteDb& db, int first, int count, size_t bodyBytes) {
  SqliteStatement insert(db.handle(), "INSERT INTO rows (id, name, body, at) VALUES (?, ?, ?, ?)");
  for (int i = first; i < first + count; ++i) {
    // Names and bodies spread over the indexes, so pages all over them change.
    std::string name = "user" + std::to_string((i * 7919) % 100003);
    std::string body = std::to_string(i * 104729) + std::string(bodyBytes, 'b');
    insert.bind(1, int64_t{i}).bind(2, name).bind(3, body).bind(4, int64_t{1000000 - i}).run();
  }
}

int64_t scalar(SqliteDb& db, const std::string& sql) {
  SqliteStatement query(db.handle(), sql);
  EXPECT_TRUE(query.step()) << sql;
  return query.integer(0);
}

std::string integrity(SqliteDb& db) {
  SqliteStatement query(db.handle(), "PRAGMA integrity_check");
  EXPECT_TRUE(query.step());
  return query.text(0);
}

TEST(WalCoalescer, ACommitReachesTheWalInOneWriteAndIsVisibleToAnotherConnection) {
  test::TempDir dir;
  const std::string path = (dir.path() / "t.db").string();
  auto writer = openWriter(path);
  SqliteDb reader(path);
  insertRows(*writer, 0, 1, 100);  // the first commit also writes the WAL header

  for (int i = 1; i <= 20; ++i) {
    WalCoalescerStats before = walCoalescerStats();
    {
      SqliteTransaction tx(*writer);
      insertRows(*writer, i, 1, 100);
      tx.commit();
    }
    WalCoalescerStats after = walCoalescerStats();
    // Four b-trees change: SQLite writes at least eight times (header and page per frame).
    EXPECT_GE(after.walWrites - before.walWrites, 8u);
    EXPECT_EQ(after.fileWrites - before.fileWrites, 1u);
    EXPECT_EQ(scalar(reader, "SELECT count(*) FROM rows"), i + 1);
  }
}

TEST(WalCoalescer, TransactionsLargerThanOneFlushSpillAndRollBackCorrectly) {
  test::TempDir dir;
  const std::string path = (dir.path() / "t.db").string();
  auto writer = openWriter(path);
  writer->exec("PRAGMA cache_size=16");  // pages spill to the WAL in the middle of transactions
  SqliteDb reader(path);

  {
    SqliteTransaction tx(*writer);
    insertRows(*writer, 0, 4000, 1000);  // ~5 MB of frames: many flushes of at most 128 KiB
    tx.commit();
  }
  {
    SqliteTransaction tx(*writer);
    insertRows(*writer, 4000, 3000, 1000);
    // Not committed: rolled back when tx goes, after its spilled frames were written.
  }
  {
    SqliteTransaction tx(*writer);
    insertRows(*writer, 10000, 500, 1000);
    writer->exec("UPDATE rows SET at = at + 1 WHERE id % 3 = 0");  // rewrites spilled pages
    tx.commit();
  }
  EXPECT_EQ(scalar(reader, "SELECT count(*) FROM rows"), 4500);
  EXPECT_EQ(scalar(reader, "SELECT count(*) FROM rows WHERE id >= 4000 AND id < 7000"), 0);
  EXPECT_EQ(integrity(reader), "ok");
  writer->exec("PRAGMA wal_checkpoint(TRUNCATE)");
  EXPECT_EQ(integrity(*writer), "ok");
  EXPECT_EQ(scalar(*writer, "SELECT count(*) FROM rows"), 4500);
}

TEST(WalCoalescer, FrequentCheckpointsAndWalRestartsKeepEveryCommit) {
  test::TempDir dir;
  const std::string path = (dir.path() / "t.db").string();
  auto writer = openWriter(path);
  writer->exec("PRAGMA wal_autocheckpoint=8");  // checkpoint and restart the WAL constantly
  SqliteDb reader(path);
  for (int i = 0; i < 300; ++i) {
    SqliteTransaction tx(*writer);
    insertRows(*writer, i * 3, 3, 300);
    tx.commit();
    if (i % 50 == 0) {
      EXPECT_EQ(scalar(reader, "SELECT count(*) FROM rows"), (i + 1) * 3);
    }
  }
  EXPECT_EQ(scalar(reader, "SELECT count(*) FROM rows"), 900);
  EXPECT_EQ(integrity(reader), "ok");
}

// The child commits, then dies without closing anything (as after kill -9: no destructor, no
// flush). Everything it committed must be in the files.
TEST(WalCoalescer, AProcessThatDiesWithoutClosingLosesNothingItCommitted) {
  test::TempDir dir;
  const std::string path = (dir.path() / "t.db").string();
  openWriter(path);  // schema

  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto writer = openWriter(path);
    writer->exec("PRAGMA cache_size=16");
    for (int i = 0; i < 200; ++i) {
      SqliteTransaction tx(*writer);
      insertRows(*writer, i, 1, 200);
      tx.commit();
    }
    writer->exec("BEGIN IMMEDIATE");
    insertRows(*writer, 1000, 2000, 1000);  // uncommitted, partly spilled to the WAL
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));

  SqliteDb reopened(path);
  EXPECT_EQ(scalar(reopened, "SELECT count(*) FROM rows"), 200);
  EXPECT_EQ(integrity(reopened), "ok");
}

}  // namespace
}  // namespace notify::core
