// SPDX-License-Identifier: Apache-2.0
#include "core/store/pg_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <set>
#include <thread>

#include "core/common/ids.hpp"
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

// Guardrails, suppression and routed chains are not applied by this store yet: such a message
// is refused with a clear error instead of being stored and sent as if the rule did not exist,
// and the rest of its batch is stored as usual.
TEST_F(PgStoreNodes, MessagesNeedingUnsupportedFeaturesAreRefusedOneByOne) {
  auto store = node();
  ASSERT_TRUE(store->migrate().ok());
  core::NewMessage plain = message();
  core::NewMessage guarded = message();
  core::GuardCheck cap;
  cap.key = "cap:a@example.com";
  cap.limit = 5;
  guarded.guards.push_back(cap);
  core::NewMessage routed = message();
  routed.providers = {"tencent-sms"};
  core::NewMessage disabled = message();
  disabled.suppressReason = "template 'welcome' is disabled";
  auto outcomes = store->write({{plain, guarded, routed, disabled}, {}});
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  ASSERT_EQ(outcomes->size(), 4u);
  EXPECT_EQ((*outcomes)[0].result, core::InsertOutcome::Result::kStored);
  for (size_t i = 1; i < 4; ++i) {
    EXPECT_EQ((*outcomes)[i].result, core::InsertOutcome::Result::kRefused) << i;
    EXPECT_EQ((*outcomes)[i].errorCode, "unsupported") << i;
    EXPECT_NE((*outcomes)[i].reason.find("PostgreSQL store does not apply"), std::string::npos);
  }
  EXPECT_EQ(PgServer::shared().execute("SELECT count(*) FROM messages", database_), "1");
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

}  // namespace
}  // namespace notify::test
