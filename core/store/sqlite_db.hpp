// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace notify::core {

// Thrown by the thin SQLite wrapper; the store converts it into a Result at its edge.
class SqliteError : public std::exception {
 public:
  explicit SqliteError(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

// A prepared statement, reset after each use. Binds are 1-based, in order.
class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, std::string_view sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  SqliteStatement& bind(int index, std::string_view text);
  // Binds without a copy: SQLite reads text in place, so it must stay alive and unchanged
  // until the statement is reset (run() resets). For the per-message inserts, where the copy
  // and its allocation were a tenth of the ingest path's instructions.
  SqliteStatement& bindStatic(int index, std::string_view text);
  SqliteStatement& bind(int index, int64_t value);
  SqliteStatement& bindReal(int index, double value);
  SqliteStatement& bindNull(int index);
  SqliteStatement& bindOptional(int index, std::optional<int64_t> value);

  bool step();  // true while a row is available
  void run();   // steps to completion and resets
  void reset();

  std::string text(int column) const;
  int64_t integer(int column) const;
  double real(int column) const;
  bool isNull(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// One connection. Not thread-safe: the store guards each connection with a mutex.
class SqliteDb {
 public:
  explicit SqliteDb(const std::string& path);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  void exec(std::string_view sql);
  int changes() const;
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

// Runs a transaction: BEGIN IMMEDIATE now, COMMIT on commit(), ROLLBACK if never committed.
class SqliteTransaction {
 public:
  explicit SqliteTransaction(SqliteDb& db);
  ~SqliteTransaction();
  void commit();

 private:
  SqliteDb& db_;
  bool done_ = false;
};

}  // namespace notify::core
