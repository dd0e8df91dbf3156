// SPDX-License-Identifier: Apache-2.0
#include "core/store/group_committer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <latch>
#include <thread>

#include "core/common/ids.hpp"
#include "core/store/sqlite_store.hpp"
#include "support/test_env.hpp"

namespace notify::core {
namespace {

constexpr int64_t kT0 = 1800000000000;

// Passes everything to an inner store; write() can be held at a gate, fails on demand.
class ControlledStore : public MessageStore {
 public:
  explicit ControlledStore(MessageStore& inner) : inner_(inner) {}

  // From now on write() blocks until release(); entered() is ready once a write is blocked.
  void hold() { held_ = true; }
  std::future<void> entered() { return entered_.get_future(); }
  void release() {
    if (!released_.exchange(true)) {
      gate_.count_down();
    }
  }
  void failWrites() { fail_ = true; }

  Result<void> migrate() override { return inner_.migrate(); }
  Result<std::vector<InsertOutcome>> write(const WriteBatch& batch) override {
    if (held_.exchange(false)) {
      entered_.set_value();
      gate_.wait();
    }
    if (fail_) {
      return makeError("unavailable", "store: disk full");
    }
    return inner_.write(batch);
  }
  Result<std::vector<ClaimedMessage>> claim(const ClaimRequest& request) override {
    return inner_.claim(request);
  }
  Result<std::optional<int64_t>> nextReadyMs(const std::string& lane) override {
    return inner_.nextReadyMs(lane);
  }
  Result<std::vector<DeadLetter>> deadLetters(const DeadLetterQuery& query) override {
    return inner_.deadLetters(query);
  }
  Result<size_t> replay(const DeadLetterQuery& query, int64_t nowMs,
                        const std::string& actor) override {
    return inner_.replay(query, nowMs, actor);
  }
  Result<std::optional<MessageRecord>> find(const std::string& id) override {
    return inner_.find(id);
  }

 private:
  MessageStore& inner_;
  std::atomic<bool> held_{false};
  std::atomic<bool> fail_{false};
  std::atomic<bool> released_{false};
  std::promise<void> entered_;
  std::latch gate_{1};
};

// A store that syncs separately (like SQLite with synchronous=FULL). Its first commit and its
// first sync can each be held at a gate; it counts syncs and can fail them.
class SyncGatedStore : public ControlledStore {
 public:
  explicit SyncGatedStore(MessageStore& inner) : ControlledStore(inner), inner_(inner) {}

  bool syncsSeparately() const override { return true; }
  Result<std::vector<InsertOutcome>> writeUnsynced(const WriteBatch& batch) override {
    if (holdWrite_.exchange(false)) {
      writeEntered_.count_down();
      writeGate_.wait();
    }
    return inner_.writeUnsynced(batch);
  }
  Result<void> syncWrites() override {
    if (holdSync_.exchange(false)) {
      syncEntered_.count_down();
      syncGate_.wait();
    }
    ++syncs_;
    if (failSyncs_) {
      return makeError("unavailable", "store: fdatasync failed");
    }
    return inner_.syncWrites();
  }

  void holdFirstWriteAndSync() { holdWrite_ = holdSync_ = true; }
  void waitUntilWriting() { writeEntered_.wait(); }
  void releaseWrite() { writeGate_.count_down(); }
  void waitUntilSyncing() { syncEntered_.wait(); }
  void releaseSync() { syncGate_.count_down(); }
  void failSyncs() { failSyncs_ = true; }
  int syncs() const { return syncs_.load(); }

 private:
  MessageStore& inner_;
  std::atomic<bool> holdWrite_{false};
  std::atomic<bool> holdSync_{false};
  std::atomic<bool> failSyncs_{false};
  std::atomic<int> syncs_{0};
  std::latch writeEntered_{1};
  std::latch writeGate_{1};
  std::latch syncEntered_{1};
  std::latch syncGate_{1};
};

class GroupCommitterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<void> migrated = sqlite_.migrate();
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
  }

  static NewMessage message(const std::string& key = "") {
    NewMessage m;
    m.id = newMessageId();
    m.app = "demo";
    m.templateName = "welcome";
    m.channel = "im";
    m.toJson = R"({"user":"u1"})";
    m.varsJson = "{}";
    m.attrsJson = "{}";
    m.body = "hi";
    m.tagsJson = "[]";
    m.idempotencyKey = key;
    m.createdMs = kT0;
    return m;
  }

  std::optional<MessageRecord> find(const std::string& id) {
    Result<std::optional<MessageRecord>> found = sqlite_.find(id);
    EXPECT_TRUE(found.ok());
    return found.ok() ? *found : std::nullopt;
  }

  // A message stored and claimed straight through the store, for outcomes to be written about.
  ClaimedMessage storeAndClaim() {
    EXPECT_TRUE(sqlite_.write(WriteBatch{{message()}, {}, ""}).ok());
    auto claimed = sqlite_.claim({kT0, 10, 60000, "w", ""});
    EXPECT_TRUE(claimed.ok() && claimed->size() == 1);
    return claimed.ok() && claimed->size() == 1 ? claimed->front() : ClaimedMessage{};
  }

  test::TempDir dir_;
  SqliteStore sqlite_{dir_.path() / "notify.db", true};
};

TEST_F(GroupCommitterTest, ConcurrentSubmitsAreEachAnsweredOnceAndStored) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  struct Slot {
    std::vector<NewMessage> messages;
    std::atomic<int> calls{0};
    size_t outcomes = 0;
    size_t inserted = 0;
  };
  std::vector<Slot> slots(kThreads * kPerThread);
  for (size_t i = 0; i < slots.size(); ++i) {
    for (size_t n = 0; n < 1 + i % 3; ++n) {
      slots[i].messages.push_back(message());
    }
  }
  GroupCommitter committer(sqlite_, 1000000, {});
  committer.start();
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < kPerThread; ++k) {
        Slot& slot = slots[static_cast<size_t>(t * kPerThread + k)];
        bool queued = committer.submitInserts(slot.messages,
                                              [&slot](Result<std::vector<InsertOutcome>> result) {
                                                slot.calls.fetch_add(1);
                                                if (result) {
                                                  slot.outcomes = result->size();
                                                  for (const auto& o : *result) {
                                                    slot.inserted += o.inserted ? 1 : 0;
                                                  }
                                                }
                                              });
        refused += queued ? 0 : 1;
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  committer.stop();  // writes everything queued before returning

  EXPECT_EQ(refused.load(), 0);
  EXPECT_EQ(committer.pendingMessages(), 0u);
  for (const Slot& slot : slots) {
    EXPECT_EQ(slot.calls.load(), 1);
    EXPECT_EQ(slot.outcomes, slot.messages.size());
    EXPECT_EQ(slot.inserted, slot.messages.size());
    for (const NewMessage& m : slot.messages) {
      std::optional<MessageRecord> r = find(m.id);
      ASSERT_TRUE(r.has_value()) << m.id;
      EXPECT_EQ(r->state, MessageState::kQueued);
    }
  }
}

TEST_F(GroupCommitterTest, RefusesWhenPendingWouldExceedTheLimit) {
  ControlledStore store(sqlite_);
  store.hold();
  std::future<void> writing = store.entered();
  GroupCommitter committer(store, 3, {});
  struct ReleaseOnExit {  // an early test failure must not leave the committer blocked
    ControlledStore& store;
    ~ReleaseOnExit() { store.release(); }
  } releaseOnExit{store};
  committer.start();
  std::atomic<int> calls{0};
  auto done = [&](Result<std::vector<InsertOutcome>> result) {
    EXPECT_TRUE(result.ok());
    ++calls;
  };
  NewMessage a = message(), b = message(), c = message(), d = message();
  ASSERT_TRUE(committer.submitInserts({a, b}, done));
  // The committer now sits inside write() with a and b (the wait bound only guards a hang).
  ASSERT_EQ(writing.wait_for(std::chrono::seconds(60)), std::future_status::ready);
  EXPECT_EQ(committer.pendingMessages(), 2u);
  EXPECT_TRUE(committer.submitInserts({c}, done));
  EXPECT_FALSE(committer.submitInserts({d}, [](auto) { ADD_FAILURE() << "refused yet answered"; }));
  EXPECT_EQ(committer.pendingMessages(), 3u);

  store.release();
  committer.stop();
  EXPECT_EQ(calls.load(), 2);
  EXPECT_TRUE(find(a.id).has_value());
  EXPECT_TRUE(find(c.id).has_value());
  EXPECT_FALSE(find(d.id).has_value());
}

TEST_F(GroupCommitterTest, RequestLargerThanTheLimitIsRefused) {
  GroupCommitter committer(sqlite_, 2, {});
  committer.start();
  NewMessage a = message();
  EXPECT_FALSE(committer.submitInserts({a, message(), message()}, [](auto) {}));
  committer.stop();
  EXPECT_FALSE(find(a.id).has_value());
}

TEST_F(GroupCommitterTest, SubmitAfterStopIsRefused) {
  GroupCommitter committer(sqlite_, 100, {});
  committer.start();
  committer.stop();
  EXPECT_FALSE(committer.submitInserts({message()}, [](auto) {}));
}

TEST_F(GroupCommitterTest, DuplicatesAcrossRequestsNameTheFirst) {
  NewMessage first = message("key-1");
  NewMessage second = message("key-1");
  std::vector<InsertOutcome> firstOutcome;
  std::vector<InsertOutcome> secondOutcome;
  GroupCommitter committer(sqlite_, 100, {});
  committer.start();
  ASSERT_TRUE(committer.submitInserts({first}, [&](auto r) { firstOutcome = *r; }));
  ASSERT_TRUE(committer.submitInserts({second}, [&](auto r) { secondOutcome = *r; }));
  committer.stop();
  ASSERT_EQ(firstOutcome.size(), 1u);
  EXPECT_TRUE(firstOutcome[0].inserted);
  ASSERT_EQ(secondOutcome.size(), 1u);
  EXPECT_FALSE(secondOutcome[0].inserted);
  EXPECT_EQ(secondOutcome[0].duplicateOf, first.id);
}

TEST_F(GroupCommitterTest, TransitionsAreApplied) {
  NewMessage m = message();
  ASSERT_TRUE(sqlite_.write(WriteBatch{{m}, {}, ""}).ok());
  Result<std::vector<ClaimedMessage>> claimed = sqlite_.claim({kT0, 10, 60000, "w", ""});
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);

  std::atomic<int> commits{0};
  GroupCommitter committer(sqlite_, 100, [&] { ++commits; });
  committer.start();
  Transition t;
  t.messageId = m.id;
  t.attempt = (*claimed)[0].attempt;
  t.state = MessageState::kDelivered;
  t.provider = "outbox";
  t.event = {kT0 + 1, MessageState::kDelivered, "plugin:file", "outbox", "", "ok"};
  committer.submitTransition(t);
  committer.stop();

  std::optional<MessageRecord> r = find(m.id);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, MessageState::kDelivered);
  EXPECT_EQ(r->events.back().detail, "ok");
  EXPECT_EQ(commits.load(), 0) << "onCommitted is for new messages only";
}

TEST_F(GroupCommitterTest, OnCommittedRunsOnceNewMessagesAreVisible) {
  NewMessage m = message();
  std::atomic<int> commits{0};
  std::atomic<bool> visibleAtCallback{false};
  GroupCommitter committer(sqlite_, 100, [&] {
    ++commits;
    visibleAtCallback = find(m.id).has_value();
  });
  committer.start();
  ASSERT_TRUE(committer.submitInserts({m}, [](auto) {}));
  committer.stop();
  EXPECT_EQ(commits.load(), 1);
  EXPECT_TRUE(visibleAtCallback.load());
}

TEST_F(GroupCommitterTest, StoreFailureIsReportedToEveryCaller) {
  ControlledStore store(sqlite_);
  store.failWrites();
  std::atomic<int> commits{0};
  GroupCommitter committer(store, 100, [&] { ++commits; });
  committer.start();
  std::string code;
  NewMessage m = message();
  ASSERT_TRUE(committer.submitInserts(
      {m}, [&](Result<std::vector<InsertOutcome>> r) { code = r.ok() ? "ok" : r.error().code; }));
  committer.stop();
  EXPECT_EQ(code, "unavailable");
  EXPECT_EQ(commits.load(), 0);
  EXPECT_EQ(committer.pendingMessages(), 0u);
  EXPECT_FALSE(find(m.id).has_value());
}

// Under load the committer writes the next transaction while the previous one syncs; nobody
// hears of a write before a sync that began after it, and one sync answers every commit
// before it.
TEST_F(GroupCommitterTest, CallersAreAnsweredAfterTheSyncThatCoversTheirCommit) {
  SyncGatedStore store(sqlite_);
  store.holdFirstWriteAndSync();
  GroupCommitter committer(store, 100, nullptr);
  committer.start();
  std::atomic<int> answered{0};
  auto done = [&](Result<std::vector<InsertOutcome>> r) {
    EXPECT_TRUE(r.ok());
    ++answered;
  };
  NewMessage first = message();
  NewMessage second = message();
  NewMessage third = message();
  ASSERT_TRUE(committer.submitInserts({first}, done));
  store.waitUntilWriting();
  ASSERT_TRUE(committer.submitInserts({second}, done));  // queued behind the first commit
  store.releaseWrite();
  store.waitUntilSyncing();  // the syncer holds the first commit's sync
  ASSERT_TRUE(committer.submitInserts({third}, done));
  for (int i = 0; i < 400 && !(find(second.id) && find(third.id)); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // Committed while the first sync still waits, and nobody answered yet.
  EXPECT_TRUE(find(first.id).has_value());
  ASSERT_TRUE(find(second.id).has_value());
  ASSERT_TRUE(find(third.id).has_value());
  EXPECT_EQ(answered.load(), 0);
  EXPECT_EQ(committer.pendingMessages(), 3u);
  store.releaseSync();
  committer.stop();
  EXPECT_EQ(answered.load(), 3);
  EXPECT_EQ(store.syncs(), 2);  // one for the first, one for both of the others
  EXPECT_EQ(committer.pendingMessages(), 0u);
}

// With nothing else to write, the committer syncs and answers itself: no hand-off on the way
// of a lone request's ack.
TEST_F(GroupCommitterTest, ALoneCommitIsSyncedAndAnsweredByTheCommitter) {
  SyncGatedStore store(sqlite_);
  std::thread::id committedOn;
  std::thread::id answeredOn;
  GroupCommitter committer(store, 100, [&] { committedOn = std::this_thread::get_id(); });
  committer.start();
  std::promise<void> answered;
  ASSERT_TRUE(committer.submitInserts({message()}, [&](Result<std::vector<InsertOutcome>> r) {
    EXPECT_TRUE(r.ok());
    answeredOn = std::this_thread::get_id();
    answered.set_value();
  }));
  answered.get_future().wait();
  committer.stop();
  EXPECT_EQ(store.syncs(), 1);
  EXPECT_EQ(answeredOn, committedOn);
}

TEST_F(GroupCommitterTest, AFailedSyncIsReportedToTheCallersItCovered) {
  SyncGatedStore store(sqlite_);
  store.failSyncs();
  GroupCommitter committer(store, 100, nullptr);
  committer.start();
  std::string code;
  ASSERT_TRUE(committer.submitInserts({message()}, [&](Result<std::vector<InsertOutcome>> r) {
    code = r.ok() ? "ok" : r.error().code;
  }));
  committer.stop();
  EXPECT_EQ(code, "unavailable");
  EXPECT_EQ(committer.pendingMessages(), 0u);
}

}  // namespace
}  // namespace notify::core

namespace notify::core {
namespace {

// Grants every due message a lease, and records what comes back.
class RecordingHandOff : public ClaimHandOff {
 public:
  const std::string& owner() const override { return owner_; }
  void reserve(std::vector<NewMessage>& messages) override {
    std::lock_guard lock(mutex_);
    for (NewMessage& m : messages) {
      if (m.sendAtMs <= m.createdMs && granted_ < grants_) {
        m.claimLeaseMs = 30000;
        ++granted_;
      }
    }
  }
  void adopt(std::vector<ClaimedMessage> messages) override {
    std::lock_guard lock(mutex_);
    for (ClaimedMessage& m : messages) {
      adopted_.push_back(std::move(m));
    }
  }
  void release(const std::vector<std::string>& lanes) override {
    std::lock_guard lock(mutex_);
    released_ += lanes.size();
  }

  void grant(size_t n) { grants_ = n; }
  std::vector<ClaimedMessage> adopted() {
    std::lock_guard lock(mutex_);
    return adopted_;
  }
  size_t released() {
    std::lock_guard lock(mutex_);
    return released_;
  }

 private:
  std::string owner_ = "node-a";
  std::mutex mutex_;
  size_t grants_ = 1000;
  size_t granted_ = 0;
  std::vector<ClaimedMessage> adopted_;
  size_t released_ = 0;
};

Result<std::vector<InsertOutcome>> submitAndWait(GroupCommitter& committer,
                                                 std::vector<NewMessage> messages) {
  std::promise<Result<std::vector<InsertOutcome>>> answered;
  EXPECT_TRUE(committer.submitInserts(std::move(messages),
                                      [&](auto result) { answered.set_value(std::move(result)); }));
  return answered.get_future().get();
}

TEST_F(GroupCommitterTest, WhatWasStoredClaimedIsHandedOverAndTheRestGivenBack) {
  RecordingHandOff handOff;
  std::atomic<int> wakes{0};
  GroupCommitter committer(sqlite_, 1000, [&] { ++wakes; });
  committer.setHandOff(&handOff);
  committer.start();

  NewMessage due = message();
  due.body = "due now";
  NewMessage later = message();
  later.sendAtMs = kT0 + 60000;  // scheduled: not reserved, and the claimer is told
  NewMessage held = message();
  held.suppressReason = "quiet hours";  // reserved, stored suppressed: its room is given back
  auto outcomes = submitAndWait(committer, {due, later, held});
  ASSERT_TRUE(outcomes.ok());
  EXPECT_TRUE(outcomes.value()[0].claimed);
  EXPECT_FALSE(outcomes.value()[1].claimed);
  EXPECT_FALSE(outcomes.value()[2].claimed);

  std::vector<ClaimedMessage> adopted = handOff.adopted();
  ASSERT_EQ(adopted.size(), 1u);
  EXPECT_EQ(adopted[0].id, due.id);
  EXPECT_EQ(adopted[0].attempt, 1u);
  EXPECT_EQ(adopted[0].body, "due now");
  EXPECT_EQ(adopted[0].createdMs, kT0);
  EXPECT_EQ(handOff.released(), 1u);
  EXPECT_EQ(find(due.id)->state, MessageState::kSending);
  EXPECT_EQ(wakes.load(), 1) << "the scheduled one needs the claimer";

  // Everything handed over: nothing for the claimer to do.
  ASSERT_TRUE(submitAndWait(committer, {message(), message()}).ok());
  EXPECT_EQ(handOff.adopted().size(), 3u);
  EXPECT_EQ(wakes.load(), 1);

  // No room: stored queued, and the claimer is woken for it.
  handOff.grant(0);
  NewMessage waiting = message();
  ASSERT_TRUE(submitAndWait(committer, {waiting}).ok());
  EXPECT_EQ(find(waiting.id)->state, MessageState::kQueued);
  EXPECT_EQ(wakes.load(), 2);
  committer.stop();
}

TEST_F(GroupCommitterTest, AFailedCommitGivesBackEveryReservation) {
  ControlledStore store(sqlite_);
  store.failWrites();
  RecordingHandOff handOff;
  GroupCommitter committer(store, 1000, {});
  committer.setHandOff(&handOff);
  committer.start();
  EXPECT_FALSE(submitAndWait(committer, {message(), message()}).ok());
  EXPECT_TRUE(handOff.adopted().empty());
  EXPECT_EQ(handOff.released(), 2u);
  committer.stop();
}

}  // namespace
}  // namespace notify::core

namespace notify::core {
namespace {

// Refuses every write that holds an outcome for the message "poison", as PostgreSQL refuses a
// whole transaction for one bad value; with down() it refuses everything.
class PickyStore : public ControlledStore {
 public:
  using ControlledStore::ControlledStore;
  Result<std::vector<InsertOutcome>> write(const WriteBatch& batch) override {
    ++writes_;
    bool poisoned = std::any_of(batch.transitions.begin(), batch.transitions.end(),
                                [](const Transition& t) { return t.messageId == "poison"; });
    if (poisoned || down_) {
      return makeError("unavailable", "store: invalid byte sequence");
    }
    return ControlledStore::write(batch);
  }
  void down(bool value) { down_ = value; }
  int writes() const { return writes_.load(); }

 private:
  std::atomic<bool> down_{false};
  std::atomic<int> writes_{0};
};

Transition deliveredOutcome(const std::string& id, uint32_t attempt) {
  Transition t;
  t.messageId = id;
  t.attempt = attempt;
  t.state = MessageState::kDelivered;
  t.provider = "outbox";
  t.event = {kT0 + 1, MessageState::kDelivered, "plugin:file", "outbox", "", "ok"};
  return t;
}

TEST_F(GroupCommitterTest, AnOutcomeTheStoreRefusesIsDroppedAndRefusesNoNewMessage) {
  ClaimedMessage sent = storeAndClaim();
  ASSERT_FALSE(sent.id.empty());

  PickyStore store(sqlite_);
  GroupCommitter committer(store, 1000, {});
  committer.start();
  committer.submitTransition(deliveredOutcome("poison", 1));
  committer.submitTransition(deliveredOutcome(sent.id, sent.attempt));
  for (int i = 0; i < 5; ++i) {  // every new message is stored, whatever rides with it
    NewMessage m = message();
    std::promise<Result<std::vector<InsertOutcome>>> answered;
    ASSERT_TRUE(committer.submitInserts({m}, [&](auto r) { answered.set_value(std::move(r)); }));
    auto result = answered.get_future().get();
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_TRUE(find(m.id).has_value());
  }
  committer.stop();
  EXPECT_EQ(find(sent.id)->state, MessageState::kDelivered) << "the good outcome is written";
  int writes = store.writes();
  GroupCommitter again(store, 1000, {});
  again.start();
  ASSERT_TRUE(again.submitInserts({message()}, [](auto) {}));
  again.stop();
  EXPECT_EQ(store.writes(), writes + 1) << "the refused outcome is gone, not retried forever";
}

TEST_F(GroupCommitterTest, WhileTheStoreIsDownOutcomesAreKeptForLater) {
  ClaimedMessage sent = storeAndClaim();
  ASSERT_FALSE(sent.id.empty());

  PickyStore store(sqlite_);
  store.down(true);
  GroupCommitter committer(store, 1000, {});
  committer.start();
  committer.submitTransition(deliveredOutcome(sent.id, sent.attempt));
  std::promise<Result<std::vector<InsertOutcome>>> answered;
  ASSERT_TRUE(
      committer.submitInserts({message()}, [&](auto r) { answered.set_value(std::move(r)); }));
  EXPECT_FALSE(answered.get_future().get().ok());
  EXPECT_EQ(find(sent.id)->state, MessageState::kSending);
  store.down(false);  // back: the kept outcome goes with the next commit
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (find(sent.id)->state != MessageState::kDelivered &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  committer.stop();
  EXPECT_EQ(find(sent.id)->state, MessageState::kDelivered);
}

}  // namespace
}  // namespace notify::core
