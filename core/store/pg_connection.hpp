// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

struct pg_conn;
struct pg_result;

namespace notify::core {

// Thrown by the thin libpq wrapper; the store converts it into a Result at its edge.
// connectionLost says the session is gone (server stopped, backend terminated), so the
// connection must be reopened before it is used again.
class PgError : public std::exception {
 public:
  PgError(std::string message, bool connectionLost)
      : message_(std::move(message)), connectionLost_(connectionLost) {}
  const char* what() const noexcept override { return message_.c_str(); }
  bool connectionLost() const { return connectionLost_; }

 private:
  std::string message_;
  bool connectionLost_;
};

// One query's rows, in text format. Column and row indexes are 0-based.
class PgResult {
 public:
  explicit PgResult(pg_result* result) : result_(result) {}
  ~PgResult();
  PgResult(PgResult&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
  PgResult& operator=(PgResult&&) = delete;
  PgResult(const PgResult&) = delete;

  int rows() const;
  bool isNull(int row, int column) const;
  std::string text(int row, int column) const;
  int64_t integer(int row, int column) const;

 private:
  pg_result* result_;
};

// Text parameters of one statement; nullopt is SQL NULL.
using PgParams = std::vector<std::optional<std::string>>;

// A PostgreSQL array literal ({"a","b",NULL}) from text values, for unnest()-based batches.
std::string pgArray(const std::vector<std::optional<std::string>>& values);

// One session. Statements are prepared on first use under the given name and kept for the
// life of the session.
class PgConnection {
 public:
  explicit PgConnection(const std::string& conninfo);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  bool healthy() const;
  void exec(const std::string& sql);
  PgResult query(const std::string& sql, const PgParams& params = {});
  PgResult prepared(const std::string& name, const std::string& sql, const PgParams& params);
  // The same with every parameter in binary format (PgArrayParam::bytes); rows come back as text.
  PgResult preparedBinary(const std::string& name, const std::string& sql,
                          const std::vector<std::string>& params);
  int socket() const;
  pg_conn* handle() { return conn_; }

 private:
  PgResult check(pg_result* result);
  void prepare(const std::string& name, const std::string& sql);  // once per session

  pg_conn* conn_;
  std::set<std::string> prepared_;
};

// How a transaction's commit waits. kRelaxed is for transactions that acknowledge nothing to a
// caller (claims, outcomes): they need not wait for the WAL flush. If the database server itself
// crashes, the last of them may be lost; the message then is claimed and sent again —
// at-least-once, as after a node crash. Ingest, whose commit is an ack, is kDurable.
enum class PgCommit { kDurable, kRelaxed };

// A transaction on a connection: rolled back unless commit() was called. A relaxed one is begun
// with its setting in the same round trip.
class PgTransaction {
 public:
  explicit PgTransaction(PgConnection& conn, PgCommit commit = PgCommit::kDurable) : conn_(conn) {
    conn_.exec(commit == PgCommit::kRelaxed ? "BEGIN; SET LOCAL synchronous_commit = off"
                                            : "BEGIN");
  }
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;
  ~PgTransaction();
  void commit() {
    conn_.exec("COMMIT");
    done_ = true;
  }

 private:
  PgConnection& conn_;
  bool done_ = false;
};

// A few sessions shared by the store's callers. A session that lost its server is dropped and
// reopened on a later acquire; while the server is unreachable, reconnects are attempted at
// most once per backoff period (doubling up to a cap) and callers get an error at once instead
// of piling up on connect timeouts.
class PgPool {
 public:
  PgPool(std::string conninfo, size_t size);

  class Lease {
   public:
    Lease(PgPool& pool, std::unique_ptr<PgConnection> conn) : pool_(pool), conn_(std::move(conn)) {}
    ~Lease() { pool_.release(std::move(conn_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    PgConnection& operator*() { return *conn_; }
    PgConnection* operator->() { return conn_.get(); }

   private:
    PgPool& pool_;
    std::unique_ptr<PgConnection> conn_;
  };

  // Throws PgError when no session can be had. A thread gets back the session it used last
  // when that one is idle, and a new one while the pool has room: a backend keeps its caller's
  // work warm (the shared buffers it has touched mapped, its plans cached), so one thread's
  // statements spread over several backends pay each one's warm-up.
  Lease acquire();
  const std::string& conninfo() const { return conninfo_; }

  // Opens a new session with the settings every store session has.
  static std::unique_ptr<PgConnection> open(const std::string& conninfo);

 private:
  void release(std::unique_ptr<PgConnection> conn);

  std::string conninfo_;
  size_t size_;
  std::mutex mutex_;
  std::condition_variable available_;
  struct Idle {
    std::unique_ptr<PgConnection> conn;
    std::thread::id lastUser;
  };
  std::vector<Idle> idle_;
  size_t open_ = 0;
  std::chrono::steady_clock::time_point nextConnectAt_{};
  std::chrono::milliseconds backoff_{0};
};

// Runs body(conn) in a transaction on one of pool's sessions and commits. A session found dead
// at BEGIN (the server restarted, the backend was terminated) is replaced and the transaction
// retried: nothing was sent yet, so that is safe. PgError from body propagates.
template <typename F>
auto inPgTransaction(PgPool& pool, PgCommit commit, F&& body)
    -> decltype(body(std::declval<PgConnection&>())) {
  for (int attempt = 0;; ++attempt) {
    PgPool::Lease conn = pool.acquire();
    std::optional<PgTransaction> tx;
    try {
      tx.emplace(*conn, commit);
    } catch (const PgError& e) {
      if (e.connectionLost() && attempt < 2) {
        continue;
      }
      throw;
    }
    if constexpr (std::is_void_v<decltype(body(*conn))>) {
      body(*conn);
      tx->commit();
      return;
    } else {
      auto result = body(*conn);
      tx->commit();
      return result;
    }
  }
}

template <typename F>
auto inPgTransaction(PgPool& pool, F&& body) -> decltype(body(std::declval<PgConnection&>())) {
  return inPgTransaction(pool, PgCommit::kDurable, std::forward<F>(body));
}

}  // namespace notify::core
