// SPDX-License-Identifier: Apache-2.0
#include "core/store/pg_queue_vacuum.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/store/pg_connection.hpp"
#include "core/store/pg_migrations.hpp"
#include "support/pg_server.hpp"

namespace notify::test {
namespace {

using namespace std::chrono_literals;

class PgQueueVacuumTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database_ = PgServer::shared().createDatabase();
    core::PgConnection conn(PgServer::shared().conninfo(database_));
    core::migratePostgres(conn);
  }
  void TearDown() override { PgServer::shared().dropDatabase(database_); }

  // Vacuums of the queue table so far (PostgreSQL's own count, updated as each one ends).
  int vacuums() const {
    return std::stoi(PgServer::shared().execute(
        "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'queue'", database_));
  }

  std::string database_;
};

TEST_F(PgQueueVacuumTest, VacuumsTheQueueOnceEnoughRowsChanged) {
  core::PgPool pool(PgServer::shared().conninfo(database_), 2);
  core::PgQueueVacuum vacuum(pool, 100, 50ms);
  vacuum.noteChanges(60);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(vacuums(), 0);  // not enough changes yet

  vacuum.noteChanges(40);
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (vacuums() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(vacuums(), 1);

  // The count starts again after each vacuum; the next comes no sooner than the interval.
  vacuum.noteChanges(100);
  deadline = std::chrono::steady_clock::now() + 10s;
  while (vacuums() == 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(vacuums(), 2);
}

}  // namespace
}  // namespace notify::test
