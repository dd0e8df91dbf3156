// SPDX-License-Identifier: Apache-2.0
#include "core/store/retention.hpp"

#include <gtest/gtest.h>

#include "core/common/ids.hpp"
#include "core/store/sqlite_store.hpp"
#include "unit/core/temp_dir.hpp"

namespace notify::test {
namespace {

using core::MessageState;

constexpr int64_t kT0 = 1800000000000;
constexpr int64_t kDayMs = 86400000;

// Stores count messages created at kT0 and delivered at kT0 + 1.
void storeDelivered(core::MessageStore& store, int count) {
  core::WriteBatch batch;
  for (int i = 0; i < count; ++i) {
    core::NewMessage m;
    m.id = core::newMessageId();
    m.app = "demo";
    m.templateName = "t";
    m.channel = "c";
    m.createdMs = kT0;
    batch.inserts.push_back(m);
  }
  ASSERT_TRUE(store.write(batch).ok());
  auto claimed = store.claim({kT0, static_cast<size_t>(count), 1000, "w", ""});
  ASSERT_TRUE(claimed.ok());
  core::WriteBatch outcomes;
  for (const auto& c : *claimed) {
    core::Transition t;
    t.messageId = c.id;
    t.attempt = c.attempt;
    t.state = MessageState::kDelivered;
    t.event = {kT0 + 1, MessageState::kDelivered, "plugin:x", "p", "200", ""};
    outcomes.transitions.push_back(t);
  }
  ASSERT_TRUE(store.write(outcomes).ok());
}

TEST(Retention, APassPurgesBatchAfterBatchWhatIsOlderThanTheRetention) {
  TempDir dir;
  core::SqliteStore store(dir.path() / "n.db", false);
  ASSERT_TRUE(store.migrate().ok());
  storeDelivered(store, 2500);
  core::Retention retention(store, 7 * kDayMs, [] { return int64_t{0}; });
  EXPECT_EQ(retention.purgeOnce(kT0 + 7 * kDayMs).value(), 0u);  // not older than 7 days yet
  EXPECT_EQ(retention.purgeOnce(kT0 + 7 * kDayMs + 2).value(), 2500u);
  EXPECT_EQ(retention.purgeOnce(kT0 + 8 * kDayMs).value(), 0u);
}

}  // namespace
}  // namespace notify::test
