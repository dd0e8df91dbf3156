// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "core/store/message_store.hpp"
#include "core/store/pg_connection.hpp"
#include "core/store/pg_queue_vacuum.hpp"

namespace notify::core {

class PgListener;
class PgCronStore;

// The store for several nodes: one PostgreSQL database shared by every notifyd. Same semantics
// as the SQLite store. Ingest batches are one multi-row INSERT (unnest of arrays) whose
// idempotency is the unique index on (app, idempotency_key), so two nodes racing on one key
// store it once; guard checks are serialised per guard key (pg_store_write.cpp). Claims take rows
// with FOR UPDATE SKIP LOCKED, so nodes never wait on each other's claims. Commits that make
// messages ready NOTIFY the "notify_ready" channel; every node's onChange callbacks run when one
// arrives.
class PgStore : public MessageStore {
 public:
  PgStore(std::string conninfo, size_t poolSize);
  ~PgStore() override;

  Result<void> migrate() override;
  Result<std::vector<InsertOutcome>> write(const WriteBatch& batch) override;
  // Commits with synchronous_commit = off; syncWrites() then waits for the WAL flush of a tiny
  // synchronous transaction, which covers every commit before it (see GroupCommitter).
  bool syncsSeparately() const override { return true; }
  Result<std::vector<InsertOutcome>> writeUnsynced(const WriteBatch& batch) override;
  Result<void> syncWrites() override;
  Result<std::vector<ClaimedMessage>> claim(const ClaimRequest& request) override;
  Result<std::optional<int64_t>> nextReadyMs(const std::string& lane) override;
  Result<std::optional<MessageRecord>> find(const std::string& id) override;
  Result<std::vector<DeadLetter>> deadLetters(const DeadLetterQuery& query) override;
  Result<size_t> replay(const DeadLetterQuery& query, int64_t nowMs,
                        const std::string& actor) override;
  Result<CancelOutcome> cancel(const CancelQuery& query) override;
  Result<size_t> cancelScheduledByTag(const std::string& app, const std::string& tag, int64_t nowMs,
                                      const std::string& actor) override;
  void onChange(std::function<void()> callback) override;
  CronStore* cronStore() override;

  // Observability, in pg_send_log.cpp.
  Result<std::vector<MessageRecord>> findMessages(const MessageQuery& query) override;
  Result<std::vector<SendStats>> sendStats(int64_t sinceMs, int64_t untilMs) override;
  Result<StoreGauges> gauges(int64_t nowMs) override;
  Result<int64_t> countGuardMarks(const std::string& key, int64_t sinceMs) override;
  Result<void> recordAlert(const AlertEvent& event) override;
  Result<std::vector<AlertEvent>> alertHistory(int64_t sinceMs, size_t limit) override;
  Result<size_t> prune(const PruneRequest& request) override;
  Result<ReceiptApplied> applyReceipt(const std::string& provider,
                                      const std::string& providerMessageId, MessageState state,
                                      const MessageEvent& event) override;

  // Deletes up to limit guard marks left before beforeMs; returns how many. write() calls it
  // every kGuardMarkPruneEvery guarded writes with the horizon of core/store/write_rules.hpp.
  Result<size_t> pruneGuardMarks(int64_t beforeMs, int64_t limit);

  PgPool& pool() { return pool_; }

 private:
  // Runs body(conn) in a transaction on a pooled session. A session found dead at BEGIN (the
  // server restarted, the backend was terminated) is replaced and the transaction retried:
  // nothing was sent yet, so that is safe.
  template <typename F>
  auto inTransaction(F&& body) -> decltype(body(std::declval<PgConnection&>()));
  template <typename F>
  auto inTransaction(PgCommit commit, F&& body) -> decltype(body(std::declval<PgConnection&>()));

  Result<std::vector<InsertOutcome>> writeWith(const WriteBatch& batch, PgCommit commit);
  void applyTransitions(PgConnection& conn, const std::vector<Transition>& transitions);
  std::vector<ClaimedMessage> claimIn(PgConnection& conn, const ClaimRequest& request);

  PgPool pool_;
  PgQueueVacuum queueVacuum_{pool_};  // declared after pool_: its thread stops first
  std::unique_ptr<PgListener> listener_;
  std::unique_ptr<PgCronStore> cron_;
  std::atomic<uint32_t> guardedWrites_{0};
};

}  // namespace notify::core
