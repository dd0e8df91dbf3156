// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>

#include "core/store/message_store.hpp"
#include "core/store/sqlite_wal_sync.hpp"

namespace notify::core {

class SqliteDb;

// The embedded default store: one SQLite file in WAL mode. Writes (ingest, claims, outcomes)
// go through one connection, reads through another, so status queries never wait for a commit.
// With synchronousFull every commit is on disk before it returns (power-loss safe).
class SqliteStore : public MessageStore, public CronStore {
 public:
  SqliteStore(std::filesystem::path path, bool synchronousFull);
  ~SqliteStore() override;

  Result<void> migrate() override;
  // WAL syncs made after ingest commits (see WalSync); for tests.
  size_t walSyncs() const { return walSync_ ? walSync_->syncs() : 0; }
  Result<std::vector<InsertOutcome>> write(const WriteBatch& batch) override;
  // With synchronous=FULL the WAL is synced after the write lock is released (WalSync).
  bool syncsSeparately() const override { return synchronousFull_; }
  Result<std::vector<InsertOutcome>> writeUnsynced(const WriteBatch& batch) override;
  Result<void> syncWrites() override;
  Result<std::vector<ClaimedMessage>> claim(const ClaimRequest& request) override;
  Result<std::optional<int64_t>> nextReadyMs(const std::string& lane) override;
  Result<std::optional<MessageRecord>> find(const std::string& id) override;
  Result<std::vector<DeadLetter>> deadLetters(const DeadLetterQuery& query) override;
  Result<size_t> replay(const DeadLetterQuery& query, int64_t nowMs,
                        const std::string& actor) override;
  Result<CancelOutcome> cancel(const CancelQuery& query) override;  // sqlite_store_cancel.cpp
  Result<size_t> cancelScheduledByTag(const std::string& app, const std::string& tag, int64_t nowMs,
                                      const std::string& actor) override;
  CronStore* cronStore() override { return this; }

  // CronStore, in sqlite_store_cron.cpp.
  Result<CronJobState> cronJobState(const std::string& job, int64_t nowMs) override;
  Result<std::optional<int64_t>> lastPlannedMs(const std::string& job) override;
  Result<bool> addCronRun(const CronRun& run) override;
  Result<std::optional<CronRun>> takeCronRun(const std::vector<std::string>& jobs, int64_t nowMs,
                                             int64_t leaseMs, const std::string& owner) override;
  Result<CronControl> saveCronProgress(const CronRun& run, int64_t nowMs, int64_t leaseMs) override;
  Result<void> endCronRun(const CronRun& run, CronRunState state, int64_t nowMs) override;
  Result<std::vector<CronRun>> cronRuns(const std::string& job, size_t limit) override;
  Result<void> setCronPaused(const std::string& job, bool paused, int64_t nowMs) override;
  Result<size_t> cancelCronRuns(const std::string& job, int64_t nowMs) override;
  Result<size_t> pushAudience(const std::string& app, const std::string& list,
                              const std::vector<AudienceEntry>& rows, bool replace) override;
  Result<std::vector<AudienceEntry>> audiencePage(const std::string& app, const std::string& list,
                                                  int64_t afterSeq, size_t limit) override;

  // Observability: sqlite_send_log.cpp.
  Result<std::vector<MessageRecord>> findMessages(const MessageQuery& query) override;
  Result<std::vector<SendStats>> sendStats(int64_t sinceMs, int64_t untilMs) override;
  Result<StoreGauges> gauges(int64_t nowMs) override;
  Result<void> recordAlert(const AlertEvent& event) override;
  Result<std::vector<AlertEvent>> alertHistory(int64_t sinceMs, size_t limit) override;
  Result<size_t> prune(const PruneRequest& request) override;
  Result<int64_t> countGuardMarks(const std::string& key, int64_t sinceMs) override;
  Result<ReceiptApplied> applyReceipt(const std::string& provider,
                                      const std::string& providerMessageId, MessageState state,
                                      const MessageEvent& event) override;

 private:
  struct Statements;
  struct ReaderStatements;

  void open();
  // claimOwner: see WriteBatch::claimOwner.
  InsertOutcome insertOne(Statements& s, const NewMessage& m, const std::string& claimOwner);
  // Appends the events of the record's message, oldest first, after the ones its row implies
  // (readMessageRow): each stored one after the "sending" event it implies, then the attempt
  // in progress's "sending" event when the row implies it (openClaim: openClaimMs). Callers
  // hold readMutex_.
  void appendEvents(MessageRecord& record, std::optional<int64_t> openClaim);

  std::filesystem::path path_;
  bool synchronousFull_;
  std::mutex writeMutex_;
  std::mutex readMutex_;
  std::unique_ptr<SqliteDb> writer_;
  std::unique_ptr<SqliteDb> reader_;
  std::unique_ptr<WalSync> walSync_;
  std::unique_ptr<Statements> statements_;
  std::unique_ptr<ReaderStatements> readerStatements_;
};

}  // namespace notify::core
