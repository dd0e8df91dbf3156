// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/store/message_store.hpp"

namespace notify::core {

// Where new messages can go straight to a dispatcher of this process instead of waiting in the
// store for its claim: a message that one has room for is stored already claimed (under this
// owner's lease, as attempt 1) and handed over after the commit. The daemon routes by lane.
class ClaimHandOff {
 public:
  virtual ~ClaimHandOff() = default;
  virtual const std::string& owner() const = 0;
  // Sets claimLeaseMs on the messages (due now, not suppressed) that dispatchers have room for.
  virtual void reserve(std::vector<NewMessage>& messages) = 0;
  // After the commit: the messages that were stored claimed, and the room given back for those
  // that were not (a guard held it back, its key was a repeat, the commit failed), by lane.
  virtual void adopt(std::vector<ClaimedMessage> messages) = 0;
  virtual void release(const std::vector<std::string>& lanes) = 0;
};

// Group commit: requests from many callers are written in one transaction, and each caller is
// told the outcome only after that transaction is durable. One thread owns the writing, so the
// cost of a commit (an fsync) is shared by everything that arrived while the previous one ran.
// With a store that syncs separately (SQLite), a second thread syncs and answers while the
// first already writes the next transaction; one sync then covers every commit before it.
class GroupCommitter {
 public:
  using InsertDone = std::function<void(Result<std::vector<InsertOutcome>>)>;

  // onCommitted runs on the committer thread after each commit that stored new messages.
  GroupCommitter(MessageStore& store, size_t maxPendingMessages, std::function<void()> onCommitted);
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Before start(): hand new messages to dispatchers of this process when they have room.
  void setHandOff(ClaimHandOff* handOff) { handOff_ = handOff; }

  void start();
  // Writes what is queued, then stops. Anything submitted afterwards is refused.
  void stop();

  // Queues messages; done is called on the committer (or syncer) thread with one outcome per
  // message, once they are durable.
  // Returns false without calling done when the queue is full or stopped (reply "busy").
  bool submitInserts(std::vector<NewMessage> messages, InsertDone done);

  // Queues a dispatcher verdict. Never refused: an outcome, once known, must be recorded.
  void submitTransition(Transition transition);

  size_t pendingMessages() const;

  // Runs the onCommitted hook: something outside the committer (a replay) made messages due.
  void notifyScheduleChanged() {
    if (onCommitted_) {
      onCommitted_();
    }
  }

 private:
  struct InsertRequest {
    std::vector<NewMessage> messages;
    InsertDone done;
  };

  // Commits whose callers wait for the next sync.
  struct Unsynced {
    std::vector<InsertRequest> requests;
    std::vector<InsertOutcome> outcomes;
  };

  void run();
  void commit(std::vector<InsertRequest>& inserts, std::vector<Transition>& transitions);
  void syncLoop();
  // Writes batch (unsynced with deferSync). A failure its outcomes caused does not fail its new
  // messages: they are written without them. outcomesWritten: the outcomes are done with
  // (written, or dropped as refused for good); otherwise they are to be kept for later.
  Result<std::vector<InsertOutcome>> write(WriteBatch& batch, bool deferSync,
                                           bool& outcomesWritten);
  // After a failed write: writes each outcome alone. True when the store works (storeWorks, or
  // it took any of them), with those it refused dropped and logged; false, outcomes left as they
  // were, when it took none and may simply be down.
  bool writeOutcomesAlone(std::vector<Transition>& outcomes, bool storeWorks);
  // Tells each request its share of result and releases their room in the queue.
  void answer(std::vector<InsertRequest>& requests,
              const Result<std::vector<InsertOutcome>>& result);

  MessageStore& store_;
  size_t maxPending_;
  std::function<void()> onCommitted_;
  ClaimHandOff* handOff_ = nullptr;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<InsertRequest> inserts_;
  std::vector<Transition> transitions_;
  size_t pendingMessages_ = 0;  // queued, being written, or waiting for their sync
  bool stopping_ = false;
  std::thread thread_;
  std::condition_variable syncWake_;
  std::vector<Unsynced> unsynced_;
  bool syncStopping_ = false;
  bool syncing_ = false;  // the syncer is between taking commits and answering them
  std::thread syncer_;
};

}  // namespace notify::core
