// SPDX-License-Identifier: Apache-2.0
#include "core/store/retention_pruner.hpp"

#include <gtest/gtest.h>

#include "core/common/ids.hpp"
#include "core/store/sqlite_store.hpp"
#include "support/test_env.hpp"

namespace notify::core {
namespace {

constexpr int64_t kDay = 86400000;
constexpr int64_t kNow = 1800000000000;

// A delivered message created daysAgo days before kNow.
std::string deliveredMessage(MessageStore& store, int64_t daysAgo) {
  NewMessage m;
  m.id = newMessageId();
  m.app = "shop";
  m.templateName = "t";
  m.channel = "email";
  m.toJson = R"({"email":"ann@example.com"})";
  m.varsJson = "{}";
  m.attrsJson = "{}";
  m.body = "secret body";
  m.tagsJson = "[]";
  m.createdMs = kNow - daysAgo * kDay;
  EXPECT_TRUE(store.write({{m}, {}, ""}).ok());
  auto claimed = store.claim({m.createdMs, 1, 1000, "w", ""});
  EXPECT_EQ(claimed->size(), 1u);
  Transition t;
  t.messageId = m.id;
  t.attempt = 1;
  t.state = MessageState::kDelivered;
  t.event = {m.createdMs + 1, MessageState::kDelivered, "plugin:x", "p", "", ""};
  EXPECT_TRUE(store.write({{}, {t}, ""}).ok());
  return m.id;
}

TEST(RetentionPruner, ClearsBodiesAfterBodiesDaysAndDeletesRecordsAfterEventsDays) {
  test::TempDir dir;
  SqliteStore store(dir.path() / "notify.db", false);
  ASSERT_TRUE(store.migrate().ok());
  std::string ancient = deliveredMessage(store, 200);
  std::string old = deliveredMessage(store, 40);
  std::string recent = deliveredMessage(store, 1);
  RetentionConfig config;
  config.bodiesDays = 30;
  config.recordsDays = 180;
  config.batch = 1;  // several batches
  RetentionPruner pruner(config, store, [] { return kNow; });
  // ancient: body cleared, then deleted; old: body cleared.
  EXPECT_EQ(pruner.pruneNow(), 3u);
  EXPECT_FALSE(store.find(ancient)->has_value());
  EXPECT_TRUE(store.find(old)->has_value());
  EXPECT_TRUE(store.find(recent)->has_value());
  EXPECT_EQ(pruner.pruneNow(), 0u);
}

}  // namespace
}  // namespace notify::core
