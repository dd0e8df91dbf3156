// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/common/result.hpp"
#include "core/store/cron_store.hpp"
#include "core/store/message.hpp"
#include "core/store/send_log.hpp"

namespace notify::core {

// Everything that is written at once: one transaction, one durable commit.
struct WriteBatch {
  std::vector<NewMessage> inserts;
  std::vector<Transition> transitions;
  std::string claimOwner;  // the lease owner of inserts stored claimed (NewMessage::claimLeaseMs)
};

// What a dispatcher asks for: up to limit messages ready at nowMs, leased to owner until
// nowMs + leaseMs. An empty lane means every lane.
struct ClaimRequest {
  int64_t nowMs = 0;
  size_t limit = 1;
  int64_t leaseMs = 60000;
  std::string owner;
  std::string lane;
};

// The durable store behind ingest and dispatch. Implementations: SQLite (embedded default) and
// PostgreSQL (several nodes). Every method is one transaction; every method is thread-safe.
// Nothing here assumes a single node: claims carry a lease owner and expiry, dedup is decided
// inside the write transaction, and times are passed in rather than read from a local clock.
class MessageStore {
 public:
  virtual ~MessageStore() = default;

  // Creates or upgrades the schema.
  virtual Result<void> migrate() = 0;

  // Inserts messages (with their "accepted" and "queued"/"scheduled" events) and applies
  // transitions, all in one transaction that is durable when this returns. Returns one outcome
  // per insert, in order: a repeated app + idempotency key is not inserted and names the
  // original message.
  virtual Result<std::vector<InsertOutcome>> write(const WriteBatch& batch) = 0;

  // A store may split write() into the commit and the step that makes it durable, so that the
  // next commit runs while the disk syncs. Then writeUnsynced() commits (visible, not yet
  // durable) and syncWrites() makes every commit before it durable; nobody may be told a write
  // succeeded before a syncWrites() that began after it returned. By default write() is both.
  virtual bool syncsSeparately() const { return false; }
  virtual Result<std::vector<InsertOutcome>> writeUnsynced(const WriteBatch& batch) {
    return write(batch);
  }
  virtual Result<void> syncWrites() { return {}; }

  // Claims up to request.limit messages of the lane that are ready at nowMs (queued, due
  // scheduled, due retries, and "sending" ones whose lease expired), ordered by readiness,
  // moving them to "sending" under a lease held by request.owner.
  virtual Result<std::vector<ClaimedMessage>> claim(const ClaimRequest& request) = 0;

  // The earliest time at which some message of the lane ("" = any) becomes claimable, if any.
  virtual Result<std::optional<int64_t>> nextReadyMs(const std::string& lane) = 0;

  // A message with its events, or nullopt.
  virtual Result<std::optional<MessageRecord>> find(const std::string& id) = 0;

  // Failed messages matching the query, most recently failed first.
  virtual Result<std::vector<DeadLetter>> deadLetters(const DeadLetterQuery& query) = 0;

  // Puts the failed messages matching the query back in the queue with fresh attempts, each
  // with a "queued" event by actor. Returns how many were replayed.
  virtual Result<size_t> replay(const DeadLetterQuery& query, int64_t nowMs,
                                const std::string& actor) = 0;

  // Cancels one of the app's messages if it is still waiting (isCancelable), atomically with
  // respect to claims: a message is either canceled here or claimed for sending, never both.
  // A canceled message gets a "canceled" event by query.actor and leaves the claimable set.
  // Another app's message is not found.
  virtual Result<CancelOutcome> cancel(const CancelQuery& query) {
    (void)query;
    return makeError("unavailable", "this store cannot cancel messages yet");
  }

  // Cancels every message of the app that is still "scheduled" and carries tag (a recall of a
  // campaign), each with a "canceled" event by actor. Returns how many were canceled.
  virtual Result<size_t> cancelScheduledByTag(const std::string& app, const std::string& tag,
                                              int64_t nowMs, const std::string& actor) {
    (void)app, (void)tag, (void)nowMs, (void)actor;
    return makeError("unavailable", "this store cannot recall messages by tag yet");
  }

  // The store's cron state (runs, pause flags, pushed audiences), or nullptr when this store
  // keeps none: cron jobs then cannot run and their ops answer "unavailable".
  virtual CronStore* cronStore() { return nullptr; }

  // Registers a callback run (on a store thread) after any node committed messages that may be
  // claimable now: new inserts or a replay. A store shared by several processes (PostgreSQL)
  // calls it on other nodes' commits too; a single-process store need not call it at all, since
  // the local GroupCommitter already wakes its dispatchers.
  virtual void onChange(std::function<void()> callback) { (void)callback; }

  // --- Observability (issue 5). Stores that do not implement these answer "unsupported".

  // The send log: messages matching the query with their events and attribution, newest first.
  virtual Result<std::vector<MessageRecord>> findMessages(const MessageQuery& query);
  // Totals per app, channel and provider of messages created in [sinceMs, untilMs].
  virtual Result<std::vector<SendStats>> sendStats(int64_t sinceMs, int64_t untilMs);
  // Backlog per lane and dead-letter count, for the metrics gauges.
  virtual Result<StoreGauges> gauges(int64_t nowMs);
  // The alert history: append one transition; list the latest first.
  virtual Result<void> recordAlert(const AlertEvent& event);
  virtual Result<std::vector<AlertEvent>> alertHistory(int64_t sinceMs, size_t limit);
  // Retention: one small batch (its own short transaction, so ingest is never held up for
  // long). Returns how many messages it changed or deleted; call again until it returns 0.
  virtual Result<size_t> prune(const PruneRequest& request);
  // How many guard marks with key were recorded at or after sinceMs (the daily quota's usage,
  // for the quota_nearly_used alert).
  virtual Result<int64_t> countGuardMarks(const std::string& key, int64_t sinceMs);
  // Receipts: applies a provider's delivery report to the message it sent under
  // providerMessageId (delivered or failed, with the event); see ReceiptApplied.
  virtual Result<ReceiptApplied> applyReceipt(const std::string& provider,
                                              const std::string& providerMessageId,
                                              MessageState state, const MessageEvent& event);
};

}  // namespace notify::core
