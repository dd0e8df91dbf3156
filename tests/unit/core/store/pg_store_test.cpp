// SPDX-License-Identifier: Apache-2.0
#include "core/store/pg_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "core/common/ids.hpp"
#include "core/store/pg_connection.hpp"
#include "core/store/pg_migrations.hpp"
#include "support/pg_server.hpp"
#include "unit/core/store/store_contract.hpp"

namespace notify::test {
namespace {

// Each test's scratch directory names its own database on the one server of this process.
std::string databaseFor(const std::filesystem::path& scratch) {
  std::string name = "c_" + scratch.filename().string();
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

StoreFactory postgresFactory() {
  return StoreFactory{
      "Postgres",
      [](const std::filesystem::path& scratch) {
        PgServer& server = PgServer::shared();
        std::string database = databaseFor(scratch);
        if (server.execute("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")
                .empty()) {
          server.createDatabase(database);
        }
        return std::make_unique<core::PgStore>(server.conninfo(database), 4);
      },
      [](const std::filesystem::path& scratch) {
        PgServer::shared().dropDatabase(databaseFor(scratch));
      }};
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreContract, ::testing::Values(postgresFactory()),
                         storeFactoryName);

// What only a shared, networked store has to get right: several stores (nodes) on one database.
class PgStoreNodes : public ::testing::Test {
 protected:
  void SetUp() override { database_ = PgServer::shared().createDatabase(); }
  void TearDown() override { PgServer::shared().dropDatabase(database_); }

  std::unique_ptr<core::PgStore> node() {
    auto store = std::make_unique<core::PgStore>(PgServer::shared().conninfo(database_), 4);
    return store;
  }

  core::NewMessage message(const std::string& key = "") {
    core::NewMessage m;
    m.id = core::newMessageId();
    m.app = "demo";
    m.templateName = "welcome";
    m.channel = "email";
    m.toJson = R"({"email":"a@example.com"})";
    m.varsJson = "{}";
    m.attrsJson = "{}";
    m.tagsJson = "[]";
    m.idempotencyKey = key;
    m.createdMs = kT0;
    return m;
  }

  static constexpr int64_t kT0 = 1800000000000;
  std::string database_;
};

TEST_F(PgStoreNodes, NodesMigratingAtOnceApplyEachVersionOnce) {
  std::vector<std::unique_ptr<core::PgStore>> nodes;
  for (int i = 0; i < 4; ++i) {
    nodes.push_back(node());
  }
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (auto& n : nodes) {
    threads.emplace_back([&n, &failures] {
      if (!n->migrate().ok()) {
        ++failures;
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(PgServer::shared().execute("SELECT count(*) FROM schema_migrations", database_),
            std::to_string(core::latestPostgresSchemaVersion()));
  EXPECT_EQ(PgServer::shared().execute("SELECT count(*) FROM schema_migrations WHERE version = 1",
                                       database_),
            "1");
}

core::GuardCheck guard(core::GuardCheck::Kind kind, const std::string& key, int64_t limit = 1) {
  core::GuardCheck g;
  g.kind = kind;
  g.key = key;
  g.sinceMs = 0;
  g.limit = limit;
  g.reason = "rule of " + key;
  g.errorCode = kind == core::GuardCheck::Kind::kRefuse ? "quota_exceeded" : "";
  return g;
}

// One batch mixing what takes the fast path (plain, routed, suppressed) with guarded messages:
// every outcome lands at its own position.
TEST_F(PgStoreNodes, GuardedAndPlainMessagesShareABatchInOrder) {
  auto store = node();
  ASSERT_TRUE(store->migrate().ok());
  core::NewMessage plain = message();
  core::NewMessage capped1 = message();
  capped1.guards = {guard(core::GuardCheck::Kind::kSuppress, "cap:a", 1)};
  core::NewMessage routed = message();
  routed.providers = {"p1", "p2"};
  core::NewMessage capped2 = message();
  capped2.guards = capped1.guards;
  core::NewMessage disabled = message();
  disabled.suppressReason = "template 'welcome' is disabled";
  auto outcomes = store->write({{plain, capped1, routed, capped2, disabled}, {}, ""});
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  ASSERT_EQ(outcomes->size(), 5u);
  std::vector<core::MessageState> states;
  for (const auto& o : *outcomes) {
    EXPECT_EQ(o.result, core::InsertOutcome::Result::kStored);
    states.push_back(o.state);
  }
  using S = core::MessageState;
  EXPECT_EQ(states,
            (std::vector{S::kQueued, S::kQueued, S::kQueued, S::kSuppressed, S::kSuppressed}));
  EXPECT_EQ(PgServer::shared().execute("SELECT count(*) FROM guard_marks", database_), "1");
}

// Four nodes write the same guarded message at once, twenty times over: each time exactly one
// is queued and the others are duplicates of it; a cap of three across the nodes lets three
// through.
TEST_F(PgStoreNodes, GuardKeysRacedByManyNodesAreDecidedOnce) {
  std::vector<std::unique_ptr<core::PgStore>> nodes;
  for (int i = 0; i < 4; ++i) {
    nodes.push_back(node());
    ASSERT_TRUE(nodes.back()->migrate().ok());
  }
  std::mutex mutex;
  std::map<int, std::vector<core::InsertOutcome>> dedup;
  std::vector<core::InsertOutcome> capped;
  std::vector<std::thread> threads;
  for (auto& n : nodes) {
    threads.emplace_back([&, store = n.get()] {
      for (int round = 0; round < 20; ++round) {
        core::NewMessage m = message();
        m.guards = {guard(core::GuardCheck::Kind::kDuplicate, "dedup:" + std::to_string(round))};
        core::NewMessage c = message();
        c.guards = {guard(core::GuardCheck::Kind::kSuppress, "cap:b", 3)};
        auto result = store->write({{m, c}, {}, ""});
        ASSERT_TRUE(result.ok()) << result.error().message;
        std::lock_guard lock(mutex);
        dedup[round].push_back(result->at(0));
        capped.push_back(result->at(1));
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  for (const auto& [round, outs] : dedup) {
    std::set<std::string> originals;
    int queued = 0;
    for (const auto& o : outs) {
      queued += o.state == core::MessageState::kQueued ? 1 : 0;
      if (o.state == core::MessageState::kDuplicate) {
        originals.insert(o.duplicateOf);
      }
    }
    EXPECT_EQ(queued, 1) << "round " << round;
    EXPECT_EQ(originals.size(), 1u) << "round " << round;
  }
  EXPECT_EQ(std::count_if(capped.begin(), capped.end(),
                          [](const auto& o) { return o.state == core::MessageState::kQueued; }),
            3);
}

TEST_F(PgStoreNodes, GuardMarksBeforeTheCutoffArePrunedInBoundedBatches) {
  auto store = node();
  ASSERT_TRUE(store->migrate().ok());
  PgServer::shared().execute(
      "INSERT INTO guard_marks SELECT 'k' || i, i, 'm' || i FROM generate_series(1, 5) i",
      database_);
  core::NewMessage fresh = message();
  fresh.guards = {guard(core::GuardCheck::Kind::kSuppress, "cap:c", 5)};
  ASSERT_TRUE(store->write({{fresh}, {}, ""}).ok());
  auto first = store->pruneGuardMarks(kT0, 3);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(*first, 3u);
  EXPECT_EQ(*store->pruneGuardMarks(kT0, 3), 2u);
  EXPECT_EQ(*store->pruneGuardMarks(kT0, 3), 0u);
  EXPECT_EQ(PgServer::shared().execute("SELECT key FROM guard_marks", database_), "cap:c");
}

TEST_F(PgStoreNodes, ANewerSchemaIsRefused) {
  auto store = node();
  ASSERT_TRUE(store->migrate().ok());
  PgServer::shared().execute("INSERT INTO schema_migrations (version) VALUES (999)", database_);
  core::Result<void> again = node()->migrate();
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("999"), std::string::npos) << again.error().message;
}

TEST_F(PgStoreNodes, OneKeyRacedByManyNodesIsStoredOnce) {
  std::vector<std::unique_ptr<core::PgStore>> nodes;
  for (int i = 0; i < 4; ++i) {
    nodes.push_back(node());
    ASSERT_TRUE(nodes.back()->migrate().ok());
  }
  std::vector<std::thread> threads;
  std::atomic<int> inserted{0};
  std::set<std::string> originals;
  std::mutex mutex;
  for (auto& n : nodes) {
    threads.emplace_back([&, store = n.get()] {
      for (int k = 0; k < 20; ++k) {
        core::WriteBatch batch;
        batch.inserts.push_back(message("order-" + std::to_string(k)));
        auto result = store->write(batch);
        ASSERT_TRUE(result.ok()) << result.error().message;
        if (result->at(0).inserted) {
          ++inserted;
        } else {
          std::lock_guard lock(mutex);
          originals.insert(result->at(0).duplicateOf);
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(inserted.load(), 20);
  EXPECT_EQ(originals.count(""), 0u);  // every duplicate names its original
  EXPECT_EQ(PgServer::shared().execute("SELECT count(*) FROM messages", database_), "20");
}

TEST_F(PgStoreNodes, NodesClaimingAtOnceNeverShareAMessage) {
  auto writer = node();
  ASSERT_TRUE(writer->migrate().ok());
  core::WriteBatch batch;
  for (int i = 0; i < 600; ++i) {
    batch.inserts.push_back(message());
  }
  ASSERT_TRUE(writer->write(batch).ok());
  std::vector<std::unique_ptr<core::PgStore>> nodes;
  for (int i = 0; i < 3; ++i) {
    nodes.push_back(node());
  }
  std::mutex mutex;
  std::vector<std::string> claimed;
  std::vector<std::thread> threads;
  for (size_t i = 0; i < nodes.size(); ++i) {
    threads.emplace_back([&, i] {
      for (;;) {
        auto got = nodes[i]->claim({kT0, 16, 60000, "node-" + std::to_string(i), ""});
        ASSERT_TRUE(got.ok()) << got.error().message;
        if (got->empty()) {
          return;
        }
        std::lock_guard lock(mutex);
        for (const auto& m : *got) {
          claimed.push_back(m.id);
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(claimed.size(), 600u);
  EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()).size(), 600u);
}

TEST_F(PgStoreNodes, AnotherNodesInsertWakesThisNode) {
  auto listener = node();
  auto writer = node();
  ASSERT_TRUE(listener->migrate().ok());
  std::mutex mutex;
  std::condition_variable cv;
  int wakes = 0;
  listener->onChange([&] {
    std::lock_guard lock(mutex);
    ++wakes;
    cv.notify_all();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let LISTEN start
  core::WriteBatch batch;
  batch.inserts.push_back(message());
  ASSERT_TRUE(writer->write(batch).ok());
  std::unique_lock lock(mutex);
  EXPECT_TRUE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return wakes > 0; }));
}

// The group committer's split: a commit made without waiting for the WAL flush is visible to
// every node at once (a claimer may take it), and syncWrites() then waits for a flush that
// covers it, whichever session committed.
TEST_F(PgStoreNodes, AnUnsyncedWriteIsVisibleAndASyncCoversIt) {
  auto writer = node();
  auto claimer = node();
  ASSERT_TRUE(writer->migrate().ok());
  ASSERT_TRUE(writer->syncsSeparately());
  core::WriteBatch batch;
  batch.inserts.push_back(message());
  auto written = writer->writeUnsynced(batch);
  ASSERT_TRUE(written.ok()) << written.error().message;
  auto claimed = claimer->claim({kT0, 10, 1000, "w", ""});
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->front().id, batch.inserts.front().id);
  core::Result<void> synced = writer->syncWrites();
  EXPECT_TRUE(synced.ok()) << synced.error().message;
}

TEST_F(PgStoreNodes, TerminatedSessionsAreReplacedWithoutLosingWrites) {
  auto store = node();
  ASSERT_TRUE(store->migrate().ok());
  std::vector<std::string> ids;
  for (int round = 0; round < 3; ++round) {
    PgServer::shared().execute(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '" +
        database_ + "' AND pid <> pg_backend_pid()");
    core::WriteBatch batch;
    batch.inserts.push_back(message());
    auto result = store->write(batch);
    ASSERT_TRUE(result.ok()) << result.error().message;
    ids.push_back(batch.inserts[0].id);
  }
  for (const auto& id : ids) {
    auto found = store->find(id);
    ASSERT_TRUE(found.ok()) << found.error().message;
    EXPECT_TRUE(found->has_value());
  }
}

// A thread gets back the session (backend) it used last, while another thread uses another one.
TEST_F(PgStoreNodes, EachThreadKeepsItsSessionWhileThePoolHasRoom) {
  core::PgPool pool(PgServer::shared().conninfo(database_), 2);
  auto backend = [&pool] {
    core::PgPool::Lease conn = pool.acquire();
    return conn->query("SELECT pg_backend_pid()").text(0, 0);
  };
  auto fromAnotherThread = [&] {
    std::string pid;
    std::thread([&] { pid = backend(); }).join();
    return pid;
  };
  std::string mine = backend();
  std::string other = fromAnotherThread();  // the pool has room: a session of its own
  EXPECT_NE(other, mine);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(backend(), mine);  // not the one released most recently
  }
}

}  // namespace
}  // namespace notify::test
