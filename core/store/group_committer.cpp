// SPDX-License-Identifier: Apache-2.0
#include "core/store/group_committer.hpp"

#include <algorithm>
#include <chrono>

#include "core/common/log.hpp"
#include "core/common/thread_name.hpp"

namespace notify::core {
namespace {

// Upper bound of one transaction, so one commit's latency stays small under a flood.
constexpr size_t kMaxMessagesPerCommit = 4096;

// What a claim of a message stored claimed would have returned.
ClaimedMessage claimedAtInsert(NewMessage&& m) {
  ClaimedMessage c;
  c.id = std::move(m.id);
  c.lane = std::move(m.lane);
  c.app = std::move(m.app);
  c.templateName = std::move(m.templateName);
  c.channel = std::move(m.channel);
  c.toJson = std::move(m.toJson);
  c.varsJson = std::move(m.varsJson);
  c.attrsJson = std::move(m.attrsJson);
  c.subject = std::move(m.subject);
  c.body = std::move(m.body);
  c.attempt = 1;
  c.createdMs = m.createdMs;
  c.providers = std::move(m.providers);
  c.sendAtMs = 0;  // stored claimed only when due at once
  c.claimedFrom = MessageState::kQueued;
  return c;
}

}  // namespace

GroupCommitter::GroupCommitter(MessageStore& store, size_t maxPendingMessages,
                               std::function<void()> onCommitted)
    : store_(store), maxPending_(maxPendingMessages), onCommitted_(std::move(onCommitted)) {}

GroupCommitter::~GroupCommitter() {
  stop();
}

void GroupCommitter::start() {
  thread_ = std::thread([this] {
    nameThisThread("committer");
    run();
  });
  if (store_.syncsSeparately()) {
    syncer_ = std::thread([this] {
      nameThisThread("syncer");
      syncLoop();
    });
  }
}

void GroupCommitter::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
  {
    std::lock_guard lock(mutex_);
    syncStopping_ = true;  // after the last commit: the syncer answers it, then ends
  }
  syncWake_.notify_all();
  if (syncer_.joinable()) {
    syncer_.join();
  }
}

bool GroupCommitter::submitInserts(std::vector<NewMessage> messages, InsertDone done) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || pendingMessages_ + messages.size() > maxPending_) {
      return false;
    }
    pendingMessages_ += messages.size();
    inserts_.push_back({std::move(messages), std::move(done)});
  }
  wake_.notify_one();
  return true;
}

void GroupCommitter::submitTransition(Transition transition) {
  {
    std::lock_guard lock(mutex_);
    transitions_.push_back(std::move(transition));
  }
  wake_.notify_one();
}

size_t GroupCommitter::pendingMessages() const {
  std::lock_guard lock(mutex_);
  return pendingMessages_;
}

void GroupCommitter::run() {
  std::vector<InsertRequest> inserts;
  std::vector<Transition> transitions;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !inserts_.empty() || !transitions_.empty(); });
      if (inserts_.empty() && transitions_.empty()) {
        return;  // stopping with nothing left to write
      }
      size_t taken = 0;
      while (!inserts_.empty() && taken < kMaxMessagesPerCommit) {
        taken += inserts_.front().messages.size();
        inserts.push_back(std::move(inserts_.front()));
        inserts_.pop_front();
      }
      transitions.insert(transitions.end(), std::make_move_iterator(transitions_.begin()),
                         std::make_move_iterator(transitions_.end()));
      transitions_.clear();
    }
    commit(inserts, transitions);
  }
}

void GroupCommitter::commit(std::vector<InsertRequest>& inserts,
                            std::vector<Transition>& transitions) {
  WriteBatch batch;
  size_t count = 0;
  for (const auto& request : inserts) {
    count += request.messages.size();
  }
  batch.inserts.reserve(count);
  for (auto& request : inserts) {
    for (auto& message : request.messages) {
      batch.inserts.push_back(std::move(message));
    }
  }
  batch.transitions = std::move(transitions);
  transitions.clear();
  if (handOff_ != nullptr && count > 0) {
    batch.claimOwner = handOff_->owner();
    handOff_->reserve(batch.inserts);
  }
  // A store that syncs separately commits here and the syncer thread makes it durable and
  // answers, while this thread goes on to the next commit.
  const bool deferSync = count > 0 && store_.syncsSeparately();

  bool outcomesWritten = false;
  Result<std::vector<InsertOutcome>> result = write(batch, deferSync, outcomesWritten);
  // Messages stored unclaimed and retries scheduled for later change when the next claim is due.
  bool changesSchedule = std::any_of(batch.transitions.begin(), batch.transitions.end(),
                                     [](const Transition& t) { return t.readyMs; });
  std::vector<ClaimedMessage> adopted;
  std::vector<std::string> released;
  for (size_t i = 0; i < batch.inserts.size(); ++i) {
    NewMessage& m = batch.inserts[i];
    const InsertOutcome* outcome = result ? &result.value()[i] : nullptr;
    if (m.claimLeaseMs > 0) {
      if (outcome != nullptr && outcome->claimed) {
        adopted.push_back(claimedAtInsert(std::move(m)));
        continue;
      }
      released.push_back(m.lane);
    }
    changesSchedule = changesSchedule || (outcome != nullptr && outcome->inserted);
  }
  if (!adopted.empty()) {
    handOff_->adopt(std::move(adopted));
  }
  if (!released.empty()) {
    handOff_->release(released);
  }
  if (!result) {
    logError("store", "commit of " + std::to_string(count) + " messages and " +
                          std::to_string(batch.transitions.size()) +
                          " outcomes failed: " + result.error().message);
  }
  if (!outcomesWritten) {
    // Outcomes are facts already known; keep them for the next commit instead of losing them
    // (the lease would expire and the message be sent again). When stopping, the lease expiry
    // is the fallback.
    std::unique_lock lock(mutex_);
    if (!batch.transitions.empty() && !stopping_) {
      transitions_.insert(transitions_.begin(), std::make_move_iterator(batch.transitions.begin()),
                          std::make_move_iterator(batch.transitions.end()));
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let the store recover
    }
  }
  // The dispatchers may start on the commit before it is synced: the message goes out about a
  // third of a millisecond sooner (measured at 1,000/s), for an ack about a tenth later, as
  // their work shares the cores with the ack's way out. If the machine died before the sync,
  // a message may have gone out unacknowledged; its caller retries (at-least-once).
  if (result && changesSchedule && onCommitted_) {
    onCommitted_();
  }
  if (deferSync && result) {
    // With nothing else to write and the syncer idle, a hand-off would only add a wake-up to
    // the ack's way: sync here. Under load the syncer takes it, and this thread writes on.
    bool syncHere;
    {
      std::lock_guard lock(mutex_);
      syncHere = inserts_.empty() && unsynced_.empty() && !syncing_;
      if (!syncHere) {
        unsynced_.push_back({std::move(inserts), std::move(result).value()});
      }
    }
    if (syncHere) {
      Result<void> synced = store_.syncWrites();
      answer(inserts,
             synced ? std::move(result) : Result<std::vector<InsertOutcome>>(synced.error()));
    } else {
      syncWake_.notify_one();
    }
  } else {
    answer(inserts, result);
  }
  inserts.clear();
}

Result<std::vector<InsertOutcome>> GroupCommitter::write(WriteBatch& batch, bool deferSync,
                                                         bool& outcomesWritten) {
  const auto once = [&](const WriteBatch& b) {
    return deferSync ? store_.writeUnsynced(b) : store_.write(b);
  };
  Result<std::vector<InsertOutcome>> result = once(batch);
  outcomesWritten = result.ok();
  if (result || batch.transitions.empty()) {
    return result;
  }
  // Outcomes the store refuses must not refuse new messages with them: write those alone, and
  // when that works (the store is fine) find the outcomes it refuses.
  if (batch.inserts.empty()) {
    outcomesWritten = writeOutcomesAlone(batch.transitions, false);
    return outcomesWritten ? Result<std::vector<InsertOutcome>>(std::vector<InsertOutcome>{})
                           : result;
  }
  std::vector<Transition> outcomes = std::move(batch.transitions);
  batch.transitions.clear();
  result = once(batch);
  batch.transitions = std::move(outcomes);
  if (result) {
    logWarn("store", "a commit with " + std::to_string(batch.transitions.size()) +
                         " outcomes failed; its " + std::to_string(batch.inserts.size()) +
                         " new messages were written without them");
    outcomesWritten = writeOutcomesAlone(batch.transitions, true);
  }
  return result;
}

bool GroupCommitter::writeOutcomesAlone(std::vector<Transition>& outcomes, bool storeWorks) {
  // Each in a transaction of its own: the ones the store takes are written; if it takes any (or
  // just took the new messages without them) it is working, and the ones it refuses alone never
  // will be stored. They are dropped, loudly: the message stays claimed until its lease expires
  // and is then sent again (at-least-once).
  // Not knowing whether the store works, three refusals in a row with nothing taken say it does
  // not: a backlog of outcomes during an outage costs three writes, not one each.
  constexpr size_t kProbes = 3;
  std::vector<Transition> refused;
  size_t taken = 0;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    if (!storeWorks && taken == 0 && refused.size() == kProbes) {
      return false;  // outcomes are as they were: kept for later
    }
    WriteBatch one;
    one.transitions.push_back(outcomes[i]);
    if (store_.write(one)) {
      ++taken;
    } else {
      refused.push_back(outcomes[i]);
    }
  }
  if (!storeWorks && taken == 0) {
    return false;
  }
  for (const Transition& t : refused) {
    logError("store", "dropped the outcome of message " + t.messageId + " attempt " +
                          std::to_string(t.attempt) + " (" + stateName(t.state) +
                          "), which the store refuses; the message is sent again after its lease");
  }
  outcomes.clear();
  return true;
}

void GroupCommitter::syncLoop() {
  std::vector<Unsynced> groups;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      syncWake_.wait(lock, [&] { return syncStopping_ || !unsynced_.empty(); });
      if (unsynced_.empty()) {
        return;  // stopping, everything answered
      }
      groups.swap(unsynced_);
      syncing_ = true;
    }
    // One sync covers every commit taken: each returned before it began.
    Result<void> synced = store_.syncWrites();
    if (!synced) {
      logError("store", "sync failed; " + std::to_string(groups.size()) +
                            " commits are answered unavailable: " + synced.error().message);
    }
    for (Unsynced& group : groups) {
      answer(group.requests, synced ? Result<std::vector<InsertOutcome>>(std::move(group.outcomes))
                                    : Result<std::vector<InsertOutcome>>(synced.error()));
    }
    groups.clear();
    std::lock_guard lock(mutex_);
    syncing_ = false;
  }
}

void GroupCommitter::answer(std::vector<InsertRequest>& requests,
                            const Result<std::vector<InsertOutcome>>& result) {
  size_t count = 0;
  size_t offset = 0;
  for (auto& request : requests) {
    size_t n = request.messages.size();
    count += n;
    if (result) {
      std::vector<InsertOutcome> mine(result->begin() + static_cast<std::ptrdiff_t>(offset),
                                      result->begin() + static_cast<std::ptrdiff_t>(offset + n));
      request.done(std::move(mine));
    } else {
      request.done(result.error());
    }
    offset += n;
  }
  std::lock_guard lock(mutex_);
  pendingMessages_ -= count;
}

}  // namespace notify::core
