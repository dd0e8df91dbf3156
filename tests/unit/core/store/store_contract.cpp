// SPDX-License-Identifier: Apache-2.0
#include "unit/core/store/store_contract.hpp"

#include <algorithm>

#include "core/common/ids.hpp"

namespace notify::test {

using core::ClaimedMessage;
using core::InsertOutcome;
using core::MessageEvent;
using core::MessageRecord;
using core::MessageState;
using core::NewMessage;
using core::Transition;

void StoreContract::SetUp() {
  reopen();
}

void StoreContract::TearDown() {
  store_.reset();
  GetParam().cleanup(dir_.path());
}

void StoreContract::reopen() {
  store_.reset();
  store_ = GetParam().open(dir_.path());
  ASSERT_NE(store_, nullptr);
  core::Result<void> migrated = store_->migrate();
  ASSERT_TRUE(migrated.ok()) << migrated.error().message;
}

NewMessage StoreContract::message(int64_t createdMs, const std::string& key, int64_t sendAtMs,
                                  const std::string& app) const {
  NewMessage m;
  m.id = core::newMessageId();
  m.app = app;
  m.templateName = "welcome";
  m.channel = "email";
  m.toJson = R"({"email":"ann@example.com"})";
  m.varsJson = R"({"name":"Ann"})";
  m.attrsJson = R"({"format":"text"})";
  m.subject = "Hi Ann";
  m.body = "Hello Ann";
  m.tagsJson = R"(["t1"])";
  m.reqId = "\"r-1\"";
  m.idempotencyKey = key;
  m.createdMs = createdMs;
  m.sendAtMs = sendAtMs;
  return m;
}

std::vector<InsertOutcome> StoreContract::insert(std::vector<NewMessage> messages) {
  core::WriteBatch batch;
  batch.inserts = std::move(messages);
  auto result = store_->write(batch);
  EXPECT_TRUE(result.ok()) << result.error().message;
  return result.ok() ? result.value() : std::vector<InsertOutcome>{};
}

std::vector<ClaimedMessage> StoreContract::claim(int64_t nowMs, size_t limit, int64_t leaseMs,
                                                 const std::string& owner) {
  auto result = store_->claim({nowMs, limit, leaseMs, owner, ""});
  EXPECT_TRUE(result.ok()) << result.error().message;
  return result.ok() ? result.value() : std::vector<ClaimedMessage>{};
}

void StoreContract::apply(Transition transition) {
  core::WriteBatch batch;
  batch.transitions.push_back(std::move(transition));
  auto result = store_->write(batch);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(result->empty());
}

MessageRecord StoreContract::record(const std::string& id) {
  auto result = store_->find(id);
  EXPECT_TRUE(result.ok()) << result.error().message;
  if (!result.ok() || !result->has_value()) {
    ADD_FAILURE() << "message " << id << " not found";
    return {};
  }
  return **result;
}

std::optional<int64_t> StoreContract::nextReady() {
  auto result = store_->nextReadyMs("");
  EXPECT_TRUE(result.ok()) << result.error().message;
  return result.ok() ? *result : std::nullopt;
}

Transition StoreContract::verdict(const ClaimedMessage& claimed, MessageState state, int64_t atMs,
                                  std::optional<int64_t> readyMs) {
  Transition t;
  t.messageId = claimed.id;
  t.attempt = claimed.attempt;
  t.state = state;
  t.readyMs = readyMs;
  t.provider = "outbox";
  t.providerMessageId = "pm-1";
  t.event = MessageEvent{atMs, state, "plugin:file", "outbox", "0", "appended"};
  return t;
}

namespace {

std::vector<MessageState> statesOf(const MessageRecord& r) {
  std::vector<MessageState> states;
  for (const auto& e : r.events) {
    states.push_back(e.state);
  }
  return states;
}

std::vector<std::string> idsOf(const std::vector<ClaimedMessage>& claimed) {
  std::vector<std::string> ids;
  for (const auto& c : claimed) {
    ids.push_back(c.id);
  }
  return ids;
}

}  // namespace

TEST_P(StoreContract, WriteInsertsWithAcceptedThenQueuedEvents) {
  NewMessage m = message(kT0);
  std::vector<InsertOutcome> outcomes = insert({m});
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_TRUE(outcomes[0].inserted);
  EXPECT_EQ(outcomes[0].duplicateOf, "");

  MessageRecord r = record(m.id);
  EXPECT_EQ(r.id, m.id);
  EXPECT_EQ(r.app, "demo");
  EXPECT_EQ(r.templateName, "welcome");
  EXPECT_EQ(r.channel, "email");
  EXPECT_EQ(r.state, MessageState::kQueued);
  EXPECT_EQ(r.attempts, 0u);
  EXPECT_EQ(r.createdMs, kT0);
  EXPECT_EQ(r.reqId, "\"r-1\"");
  EXPECT_EQ(r.tagsJson, R"(["t1"])");
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(statesOf(r), (std::vector{MessageState::kAccepted, MessageState::kQueued}));
  for (const auto& e : r.events) {
    EXPECT_EQ(e.atMs, kT0);
    EXPECT_EQ(e.actor, "app:demo");
  }
}

TEST_P(StoreContract, FindOfUnknownIdIsEmpty) {
  auto result = store_->find(core::newMessageId());
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result->has_value());
}

TEST_P(StoreContract, FutureSendAtIsScheduledAndClaimedOnlyWhenDue) {
  NewMessage m = message(kT0, "", kT0 + 60000);
  insert({m});
  MessageRecord r = record(m.id);
  EXPECT_EQ(r.state, MessageState::kScheduled);
  EXPECT_EQ(statesOf(r), (std::vector{MessageState::kAccepted, MessageState::kScheduled}));
  EXPECT_EQ(nextReady(), kT0 + 60000);
  EXPECT_TRUE(claim(kT0 + 59999).empty());
  EXPECT_EQ(idsOf(claim(kT0 + 60000)), std::vector{m.id});
}

TEST_P(StoreContract, SameAppAndKeyIsADuplicateOfTheFirst) {
  NewMessage first = message(kT0, "order-1");
  NewMessage second = message(kT0 + 1, "order-1");
  ASSERT_TRUE(insert({first})[0].inserted);
  std::vector<InsertOutcome> outcomes = insert({second});
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_FALSE(outcomes[0].inserted);
  EXPECT_EQ(outcomes[0].duplicateOf, first.id);
  auto found = store_->find(second.id);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
  EXPECT_EQ(record(first.id).events.size(), 2u);
}

TEST_P(StoreContract, DuplicateWithinOneBatchNamesTheEarlierElement) {
  NewMessage a = message(kT0, "k");
  NewMessage b = message(kT0, "other");
  NewMessage c = message(kT0, "k");
  std::vector<InsertOutcome> outcomes = insert({a, b, c});
  ASSERT_EQ(outcomes.size(), 3u);
  EXPECT_TRUE(outcomes[0].inserted);
  EXPECT_TRUE(outcomes[1].inserted);
  EXPECT_FALSE(outcomes[2].inserted);
  EXPECT_EQ(outcomes[2].duplicateOf, a.id);
}

TEST_P(StoreContract, SameKeyFromDifferentAppsIsNotADuplicate) {
  NewMessage a = message(kT0, "k", 0, "billing");
  NewMessage b = message(kT0, "k", 0, "shop");
  std::vector<InsertOutcome> outcomes = insert({a, b});
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_TRUE(outcomes[0].inserted);
  EXPECT_TRUE(outcomes[1].inserted);
  EXPECT_EQ(record(b.id).app, "shop");
}

TEST_P(StoreContract, MessagesWithoutKeyAreNeverDuplicates) {
  std::vector<InsertOutcome> outcomes = insert({message(kT0), message(kT0)});
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_TRUE(outcomes[0].inserted);
  EXPECT_TRUE(outcomes[1].inserted);
}

// Messages with and without keys in one batch (PostgreSQL writes the two kinds with separate
// statements): each outcome stays at its message's place and every stored one is claimable.
TEST_P(StoreContract, KeyedAndUnkeyedMessagesMixInOneBatch) {
  NewMessage plain1 = message(kT0);
  NewMessage keyed = message(kT0, "k");
  NewMessage plain2 = message(kT0);
  NewMessage repeat = message(kT0, "k");
  NewMessage other = message(kT0, "other");
  std::vector<InsertOutcome> outcomes = insert({plain1, keyed, plain2, repeat, other});
  ASSERT_EQ(outcomes.size(), 5u);
  EXPECT_TRUE(outcomes[0].inserted);
  EXPECT_TRUE(outcomes[1].inserted);
  EXPECT_TRUE(outcomes[2].inserted);
  EXPECT_FALSE(outcomes[3].inserted);
  EXPECT_EQ(outcomes[3].duplicateOf, keyed.id);
  EXPECT_TRUE(outcomes[4].inserted);
  std::vector<std::string> claimed = idsOf(claim(kT0, 10));
  std::sort(claimed.begin(), claimed.end());
  std::vector<std::string> stored{plain1.id, keyed.id, plain2.id, other.id};
  std::sort(stored.begin(), stored.end());
  EXPECT_EQ(claimed, stored);
  core::MessageQuery byAddress;
  byAddress.recipient = "ann@example.com";
  auto byRecipient = store_->findMessages(byAddress);
  ASSERT_TRUE(byRecipient.ok()) << byRecipient.error().message;
  std::vector<std::string> found;
  for (const core::MessageRecord& r : *byRecipient) {
    found.push_back(r.id);
  }
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found, stored);  // the send log's recipient rows of both kinds
}

TEST_P(StoreContract, ClaimTakesOldestReadyFirstUpToLimit) {
  NewMessage late = message(kT0 + 2);
  NewMessage early = message(kT0);
  NewMessage middle = message(kT0 + 1);
  NewMessage future = message(kT0, "", kT0 + 500);
  insert({late, early, middle, future});
  EXPECT_EQ(idsOf(claim(kT0 + 10, 2)), (std::vector{early.id, middle.id}));
  EXPECT_EQ(idsOf(claim(kT0 + 10, 2)), std::vector{late.id});
  EXPECT_TRUE(claim(kT0 + 10, 2).empty());
}

TEST_P(StoreContract, ClaimMovesToSendingUnderLease) {
  NewMessage m = message(kT0);
  insert({m});
  std::vector<ClaimedMessage> claimed = claim(kT0 + 5, 10, 1000, "worker-1");
  ASSERT_EQ(claimed.size(), 1u);
  const ClaimedMessage& c = claimed[0];
  EXPECT_EQ(c.id, m.id);
  EXPECT_EQ(c.attempt, 1u);
  EXPECT_EQ(c.app, m.app);
  EXPECT_EQ(c.templateName, m.templateName);
  EXPECT_EQ(c.channel, m.channel);
  EXPECT_EQ(c.toJson, m.toJson);
  EXPECT_EQ(c.varsJson, m.varsJson);
  EXPECT_EQ(c.attrsJson, m.attrsJson);
  EXPECT_EQ(c.subject, m.subject);
  EXPECT_EQ(c.body, m.body);
  EXPECT_EQ(c.createdMs, kT0);

  MessageRecord r = record(m.id);
  EXPECT_EQ(r.state, MessageState::kSending);
  EXPECT_EQ(r.attempts, 1u);
  ASSERT_EQ(r.events.size(), 3u);
  const MessageEvent& sending = r.events.back();
  EXPECT_EQ(sending.state, MessageState::kSending);
  EXPECT_EQ(sending.atMs, kT0 + 5);
  EXPECT_EQ(sending.actor, "dispatcher");
  EXPECT_EQ(sending.detail, "attempt 1");
}

TEST_P(StoreContract, LeasedMessageIsReclaimedOnlyAfterExpiry) {
  NewMessage m = message(kT0);
  insert({m});
  ASSERT_EQ(claim(kT0, 10, 1000, "worker-1").size(), 1u);
  EXPECT_EQ(nextReady(), kT0 + 1000);
  EXPECT_TRUE(claim(kT0 + 999, 10, 1000, "worker-2").empty());

  std::vector<ClaimedMessage> again = claim(kT0 + 1000, 10, 1000, "worker-2");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].id, m.id);
  EXPECT_EQ(again[0].attempt, 2u);
  MessageRecord r = record(m.id);
  EXPECT_EQ(r.attempts, 2u);
  ASSERT_EQ(r.events.size(), 4u);
  EXPECT_EQ(r.events.back().state, MessageState::kSending);
  EXPECT_NE(r.events.back().detail.find("attempt 2"), std::string::npos) << r.events.back().detail;
  EXPECT_NE(r.events.back().detail.find("worker-1"), std::string::npos) << r.events.back().detail;
}

// A message a local dispatcher has room for is stored claimed (NewMessage::claimLeaseMs): the
// same row and history a claim at its creation would have left, so nothing else can tell.
TEST_P(StoreContract, AMessageStoredClaimedIsAttemptOneUnderItsOwnersLease) {
  NewMessage due = message(kT0);
  due.claimLeaseMs = 1000;
  NewMessage later = message(kT0, "", kT0 + 500);  // scheduled: it waits for its time
  later.claimLeaseMs = 1000;
  NewMessage suppressed = message(kT0);
  suppressed.suppressReason = "quiet hours";
  suppressed.claimLeaseMs = 1000;
  NewMessage guarded = message(kT0);  // through the guard checks' path, and not held back
  guarded.guards.push_back({core::GuardCheck::Kind::kSuppress, "cap:ann", kT0 - 1000, 5, "cap", ""});
  guarded.claimLeaseMs = 1000;
  NewMessage duplicate = message(kT0);  // its second copy is held back as a duplicate
  duplicate.guards.push_back({core::GuardCheck::Kind::kDuplicate, "dup:ann", kT0 - 1000, 1, "same", ""});
  NewMessage repeat = message(kT0);
  repeat.guards = duplicate.guards;
  repeat.claimLeaseMs = 1000;
  NewMessage unasked = message(kT0);
  core::WriteBatch batch;
  batch.inserts = {due, later, suppressed, guarded, duplicate, repeat, unasked};
  batch.claimOwner = "node-a";
  auto written = store_->write(batch);
  ASSERT_TRUE(written.ok()) << written.error().message;
  const std::vector<InsertOutcome>& outcomes = written.value();
  ASSERT_EQ(outcomes.size(), 7u);
  EXPECT_TRUE(outcomes[0].claimed);
  EXPECT_EQ(outcomes[0].state, MessageState::kQueued) << "the caller is told it is queued";
  EXPECT_FALSE(outcomes[1].claimed);
  EXPECT_FALSE(outcomes[2].claimed);
  EXPECT_TRUE(outcomes[3].claimed);
  EXPECT_FALSE(outcomes[4].claimed) << "not asked for";
  EXPECT_EQ(outcomes[5].state, MessageState::kDuplicate);
  EXPECT_FALSE(outcomes[5].claimed);
  EXPECT_FALSE(outcomes[6].claimed);

  for (const NewMessage* m : {&due, &guarded}) {
    MessageRecord r = record(m->id);
    EXPECT_EQ(r.state, MessageState::kSending);
    EXPECT_EQ(r.attempts, 1u);
    EXPECT_EQ(statesOf(r), (std::vector{MessageState::kAccepted, MessageState::kQueued,
                                        MessageState::kSending}));
    ASSERT_EQ(r.events.size(), 3u);
    EXPECT_EQ(r.events[2].atMs, kT0);
    EXPECT_EQ(r.events[2].detail, "attempt 1");
  }
  EXPECT_EQ(record(later.id).state, MessageState::kScheduled);
  EXPECT_EQ(record(suppressed.id).state, MessageState::kSuppressed);

  // Claims take the others, never the ones leased at insert.
  std::vector<std::string> claimedIds;
  for (const ClaimedMessage& c : claim(kT0 + 600, 10, 1000, "node-b")) {
    claimedIds.push_back(c.id);
  }
  std::sort(claimedIds.begin(), claimedIds.end());
  std::vector<std::string> expected{later.id, duplicate.id, unasked.id};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(claimedIds, expected);

  // Its outcome applies as attempt 1's.
  ClaimedMessage sent;
  sent.id = due.id;
  sent.attempt = 1;
  apply(verdict(sent, MessageState::kDelivered, kT0 + 20));
  MessageRecord r = record(due.id);
  EXPECT_EQ(r.state, MessageState::kDelivered);
  EXPECT_EQ(statesOf(r), (std::vector{MessageState::kAccepted, MessageState::kQueued,
                                      MessageState::kSending, MessageState::kDelivered}));
}

TEST_P(StoreContract, AMessageStoredClaimedIsReclaimedAfterItsLease) {
  NewMessage m = message(kT0);
  m.claimLeaseMs = 1000;
  core::WriteBatch batch;
  batch.inserts = {m};
  batch.claimOwner = "node-a";
  ASSERT_TRUE(store_->write(batch).ok());
  EXPECT_EQ(nextReady(), kT0 + 1000);
  EXPECT_TRUE(claim(kT0 + 999, 10, 1000, "node-b").empty());

  std::vector<ClaimedMessage> again = claim(kT0 + 1000, 10, 1000, "node-b");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempt, 2u);
  EXPECT_EQ(again[0].body, m.body);
  MessageRecord r = record(m.id);
  EXPECT_EQ(statesOf(r), (std::vector{MessageState::kAccepted, MessageState::kQueued,
                                      MessageState::kSending, MessageState::kSending}));
  ASSERT_EQ(r.events.size(), 4u);
  EXPECT_EQ(r.events[2].atMs, kT0);
  EXPECT_EQ(r.events[2].detail, "attempt 1");
  EXPECT_NE(r.events[3].detail.find("node-a"), std::string::npos) << r.events[3].detail;
}

// Stores may imply a claim's "sending" event instead of storing it; either way every attempt
// shows exactly one, in order, with the reclaim reason where there was one.
TEST_P(StoreContract, EveryAttemptShowsItsSendingEventOnce) {
  NewMessage m = message(kT0);
  insert({m});
  ClaimedMessage first = claim(kT0 + 1).at(0);
  apply(verdict(first, MessageState::kRetrying, kT0 + 2, kT0 + 10));
  ASSERT_EQ(claim(kT0 + 10, 10, 1000, "worker-1").size(), 1u);
  ClaimedMessage third = claim(kT0 + 1010, 10, 1000, "worker-2").at(0);  // the lease expired
  ASSERT_EQ(third.attempt, 3u);
  apply(verdict(third, MessageState::kDelivered, kT0 + 1011));

  MessageRecord r = record(m.id);
  EXPECT_EQ(statesOf(r),
            (std::vector{MessageState::kAccepted, MessageState::kQueued, MessageState::kSending,
                         MessageState::kRetrying, MessageState::kSending, MessageState::kSending,
                         MessageState::kDelivered}));
  ASSERT_EQ(r.events.size(), 7u);
  EXPECT_EQ(r.events[2].atMs, kT0 + 1);
  EXPECT_EQ(r.events[2].detail, "attempt 1");
  EXPECT_EQ(r.events[4].atMs, kT0 + 10);
  EXPECT_EQ(r.events[4].detail, "attempt 2");
  EXPECT_EQ(r.events[5].atMs, kT0 + 1010);
  EXPECT_NE(r.events[5].detail.find("attempt 3"), std::string::npos) << r.events[5].detail;
  EXPECT_NE(r.events[5].detail.find("worker-1"), std::string::npos) << r.events[5].detail;
  EXPECT_EQ(r.events[6].atMs, kT0 + 1011);
}

TEST_P(StoreContract, FinalTransitionIsRecorded) {
  NewMessage m = message(kT0);
  insert({m});
  ClaimedMessage c = claim(kT0).at(0);
  apply(verdict(c, MessageState::kDelivered, kT0 + 20));

  MessageRecord r = record(m.id);
  EXPECT_EQ(r.state, MessageState::kDelivered);
  EXPECT_EQ(r.provider, "outbox");
  EXPECT_EQ(r.providerMessageId, "pm-1");
  EXPECT_EQ(r.updatedMs, kT0 + 20);
  ASSERT_EQ(r.events.size(), 4u);
  const MessageEvent& e = r.events.back();
  EXPECT_EQ(e.state, MessageState::kDelivered);
  EXPECT_EQ(e.atMs, kT0 + 20);
  EXPECT_EQ(e.actor, "plugin:file");
  EXPECT_EQ(e.provider, "outbox");
  EXPECT_EQ(e.code, "0");
  EXPECT_EQ(e.detail, "appended");
  EXPECT_EQ(nextReady(), std::nullopt);
  EXPECT_TRUE(claim(kT0 + 10000000).empty());
}

TEST_P(StoreContract, TransitionWithStaleAttemptIsIgnored) {
  NewMessage m = message(kT0);
  insert({m});
  ClaimedMessage first = claim(kT0, 10, 1000, "worker-1").at(0);
  ClaimedMessage second = claim(kT0 + 1000, 10, 1000, "worker-2").at(0);
  ASSERT_EQ(second.attempt, 2u);

  apply(verdict(first, MessageState::kDelivered, kT0 + 1001));
  MessageRecord r = record(m.id);
  EXPECT_EQ(r.state, MessageState::kSending);
  EXPECT_EQ(r.attempts, 2u);
  EXPECT_EQ(r.events.size(), 4u);

  apply(verdict(second, MessageState::kFailed, kT0 + 1002));
  EXPECT_EQ(record(m.id).state, MessageState::kFailed);
  EXPECT_EQ(record(m.id).events.size(), 5u);
}

TEST_P(StoreContract, TransitionOnAMessageNotSendingIsIgnored) {
  NewMessage m = message(kT0);
  insert({m});
  ClaimedMessage fake;
  fake.id = m.id;
  fake.attempt = 0;
  apply(verdict(fake, MessageState::kDelivered, kT0 + 1));
  MessageRecord r = record(m.id);
  EXPECT_EQ(r.state, MessageState::kQueued);
  EXPECT_EQ(r.events.size(), 2u);
}

TEST_P(StoreContract, RetryTransitionMakesMessageClaimableAtReadyTime) {
  NewMessage m = message(kT0);
  insert({m});
  ClaimedMessage c = claim(kT0, 10, 60000).at(0);
  apply(verdict(c, MessageState::kRetrying, kT0 + 10, kT0 + 5000));

  MessageRecord r = record(m.id);
  EXPECT_EQ(r.state, MessageState::kRetrying);
  EXPECT_EQ(r.events.back().state, MessageState::kRetrying);
  EXPECT_EQ(nextReady(), kT0 + 5000);
  EXPECT_TRUE(claim(kT0 + 4999).empty());
  std::vector<ClaimedMessage> again = claim(kT0 + 5000, 10, 1000, "worker-3");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempt, 2u);
  EXPECT_EQ(record(m.id).events.back().detail, "attempt 2");
}

TEST_P(StoreContract, NextReadyIsTheEarliestReadyTime) {
  EXPECT_EQ(nextReady(), std::nullopt);
  insert({message(kT0, "", kT0 + 900)});
  EXPECT_EQ(nextReady(), kT0 + 900);
  insert({message(kT0 + 30), message(kT0 + 10)});
  EXPECT_EQ(nextReady(), kT0 + 10);
}

TEST_P(StoreContract, InsertsAndTransitionsCanShareOneWrite) {
  NewMessage m = message(kT0);
  insert({m});
  ClaimedMessage c = claim(kT0).at(0);
  core::WriteBatch batch;
  NewMessage next = message(kT0 + 1);
  batch.inserts.push_back(next);
  batch.transitions.push_back(verdict(c, MessageState::kDelivered, kT0 + 2));
  auto result = store_->write(batch);
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_EQ(result->size(), 1u);
  EXPECT_TRUE((*result)[0].inserted);
  EXPECT_EQ(record(m.id).state, MessageState::kDelivered);
  EXPECT_EQ(record(next.id).state, MessageState::kQueued);
}

TEST_P(StoreContract, DataSurvivesReopening) {
  NewMessage delivered = message(kT0, "key-1");
  NewMessage waiting = message(kT0 + 1, "", kT0 + 9000);
  insert({delivered, waiting});
  ClaimedMessage c = claim(kT0 + 2).at(0);
  apply(verdict(c, MessageState::kDelivered, kT0 + 3));

  reopen();
  MessageRecord r = record(delivered.id);
  EXPECT_EQ(r.state, MessageState::kDelivered);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(statesOf(r), (std::vector{MessageState::kAccepted, MessageState::kQueued,
                                      MessageState::kSending, MessageState::kDelivered}));
  EXPECT_EQ(record(waiting.id).state, MessageState::kScheduled);
  EXPECT_EQ(nextReady(), kT0 + 9000);
  std::vector<InsertOutcome> dup = insert({message(kT0 + 4, "key-1")});
  ASSERT_EQ(dup.size(), 1u);
  EXPECT_EQ(dup[0].duplicateOf, delivered.id);
  EXPECT_EQ(idsOf(claim(kT0 + 9000)), std::vector{waiting.id});
}

TEST_P(StoreContract, LanesAreClaimedSeparately) {
  NewMessage otp = message(kT0 + 5);
  otp.lane = "otp";
  NewMessage bulk = message(kT0);
  bulk.lane = "marketing";
  insert({bulk, otp});
  auto claimed = store_->claim({kT0 + 10, 10, 1000, "w", "otp"});
  ASSERT_TRUE(claimed.ok());
  EXPECT_EQ(idsOf(claimed.value()), std::vector{otp.id});
  EXPECT_EQ(claimed->front().lane, "otp");
  EXPECT_EQ(store_->nextReadyMs("marketing").value(), kT0);
  EXPECT_EQ(record(bulk.id).lane, "marketing");
  EXPECT_EQ(idsOf(claim(kT0 + 10)), std::vector{bulk.id});  // "" claims any lane
}

TEST_P(StoreContract, ARefundedAttemptIsNotCounted) {
  insert({message(kT0)});
  ClaimedMessage c = claim(kT0).at(0);
  Transition wait = verdict(c, MessageState::kRateLimited, kT0 + 1);
  wait.readyMs = kT0 + 500;
  wait.refundAttempt = true;
  apply(wait);
  ClaimedMessage again = claim(kT0 + 500).at(0);
  EXPECT_EQ(again.attempt, 1u);  // the rate-limit wait did not use up an attempt
  EXPECT_EQ(c.claimedFrom, MessageState::kQueued);
  EXPECT_EQ(again.claimedFrom, MessageState::kRateLimited);  // it was promised a permit
}

TEST_P(StoreContract, DeadLettersAreListedAndReplayed) {
  NewMessage failed = message(kT0);
  NewMessage other = message(kT0 + 1, "", 0, "other-app");
  NewMessage delivered = message(kT0 + 2);
  insert({failed, other, delivered});
  for (const ClaimedMessage& c : claim(kT0 + 3)) {
    Transition t = verdict(
        c, c.id == delivered.id ? MessageState::kDelivered : MessageState::kFailed, kT0 + 4);
    t.event.code = "E_GONE";
    t.event.detail = "no such user";
    apply(t);
  }
  core::DeadLetterQuery query;
  query.app = failed.app;
  auto letters = store_->deadLetters(query);
  ASSERT_TRUE(letters.ok()) << letters.error().message;
  ASSERT_EQ(letters->size(), 1u);  // the other app's failure is not listed
  EXPECT_EQ(letters->front().id, failed.id);
  EXPECT_EQ(letters->front().code, "E_GONE");
  EXPECT_EQ(letters->front().detail, "no such user");
  EXPECT_EQ(letters->front().attempts, 1u);

  query.templateName = "no-such-template";
  EXPECT_EQ(store_->replay(query, kT0 + 10, "app:test").value(), 0u);
  query.templateName = "";
  EXPECT_EQ(store_->replay(query, kT0 + 10, "app:test").value(), 1u);
  MessageRecord r = record(failed.id);
  EXPECT_EQ(r.state, MessageState::kQueued);
  EXPECT_EQ(r.events.back().detail, "replayed from the dead letters");
  ClaimedMessage again = claim(kT0 + 10).at(0);
  EXPECT_EQ(again.id, failed.id);
  EXPECT_EQ(again.attempt, 1u);  // fresh attempts
  EXPECT_TRUE(store_->deadLetters(query).value().empty());
}

TEST_P(StoreContract, PruneDeletesOnlyFinishedMessagesCreatedBeforeTheCutoffAndFreesTheirKeys) {
  NewMessage oldDone = message(kT0);
  NewMessage oldFailed = message(kT0, "key-1");
  NewMessage recentDone = message(kT0 + 5000);
  NewMessage waiting = message(kT0);  // never finished: kept however old
  insert({oldDone, oldFailed, recentDone, waiting});
  for (const ClaimedMessage& c : claim(kT0 + 6000)) {
    if (c.id != waiting.id) {
      MessageState state = c.id == oldFailed.id ? MessageState::kFailed : MessageState::kDelivered;
      apply(verdict(c, state, kT0 + 6001));
    }
  }
  auto pruned = store_->prune({.recordsBeforeMs = kT0 + 1000, .limit = 100});
  ASSERT_TRUE(pruned.ok()) << pruned.error().message;
  EXPECT_EQ(*pruned, 2u);
  EXPECT_FALSE(store_->find(oldDone.id).value().has_value());
  EXPECT_FALSE(store_->find(oldFailed.id).value().has_value());
  EXPECT_EQ(record(recentDone.id).state, MessageState::kDelivered);
  EXPECT_NE(record(waiting.id).state, MessageState::kDelivered);
  EXPECT_TRUE(insert({message(kT0 + 7000, "key-1")})[0].inserted);  // the key is free again
}

TEST_P(StoreContract, PruneDeletesAlertHistoryOlderThanItsCutoff) {
  ASSERT_TRUE(store_->recordAlert({kT0, "old", true, 1, ""}).ok());
  ASSERT_TRUE(store_->recordAlert({kT0 + 10, "old", false, 0, ""}).ok());
  ASSERT_TRUE(store_->recordAlert({kT0 + 5000, "young", true, 1, ""}).ok());
  EXPECT_EQ(store_->prune({.alertsBeforeMs = kT0 + 1000, .limit = 1}).value(), 1u);
  EXPECT_EQ(store_->prune({.alertsBeforeMs = kT0 + 1000, .limit = 10}).value(), 1u);
  EXPECT_EQ(store_->prune({.alertsBeforeMs = kT0 + 1000, .limit = 10}).value(), 0u);
  auto left = store_->alertHistory(0, 10);
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ(left->front().rule, "young");
}

}  // namespace notify::test
