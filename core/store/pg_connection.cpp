// SPDX-License-Identifier: Apache-2.0
#include "core/store/pg_connection.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cstdlib>

namespace notify::core {
namespace {

// A transaction left open (a stuck caller) must not hold locks and row versions forever.
constexpr const char* kSessionSettings =
    "SET idle_in_transaction_session_timeout = '30s'; SET lock_timeout = '30s'; "
    "SET client_min_messages = warning";
constexpr std::chrono::milliseconds kMaxBackoff{5000};
constexpr std::chrono::milliseconds kFirstBackoff{100};

}  // namespace

PgResult::~PgResult() {
  if (result_ != nullptr) {
    PQclear(result_);
  }
}

int PgResult::rows() const {
  return PQntuples(result_);
}

bool PgResult::isNull(int row, int column) const {
  return PQgetisnull(result_, row, column) != 0;
}

std::string PgResult::text(int row, int column) const {
  return std::string(PQgetvalue(result_, row, column),
                     static_cast<size_t>(PQgetlength(result_, row, column)));
}

int64_t PgResult::integer(int row, int column) const {
  return std::strtoll(PQgetvalue(result_, row, column), nullptr, 10);
}

std::string pgArray(const std::vector<std::optional<std::string>>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    if (!values[i]) {
      out += "NULL";
      continue;
    }
    out += '"';
    for (char c : *values[i]) {
      if (c == '"' || c == '\\') {
        out += '\\';
      }
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

PgConnection::PgConnection(const std::string& conninfo) {
  // Our defaults first; the caller's conninfo or URL (expanded from dbname) overrides them.
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"5", "notifyd", conninfo.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, values, 1);
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    while (!message.empty() && message.back() == '\n') {
      message.pop_back();
    }
    throw PgError("cannot connect to PostgreSQL: " + message, true);
  }
}

PgConnection::~PgConnection() {
  if (conn_ != nullptr) {
    PQfinish(conn_);
  }
}

bool PgConnection::healthy() const {
  return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK;
}

int PgConnection::socket() const {
  return PQsocket(conn_);
}

PgResult PgConnection::check(pg_result* result) {
  ExecStatusType status = PQresultStatus(result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    return PgResult(result);
  }
  std::string message = result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_);
  if (message.empty()) {
    message = PQerrorMessage(conn_);
  }
  while (!message.empty() && message.back() == '\n') {
    message.pop_back();
  }
  PQclear(result);
  throw PgError(message, !healthy());
}

void PgConnection::exec(const std::string& sql) {
  check(PQexec(conn_, sql.c_str()));
}

namespace {

struct RawParams {
  explicit RawParams(const PgParams& params) {
    values.reserve(params.size());
    for (const auto& p : params) {
      values.push_back(p ? p->c_str() : nullptr);
    }
  }
  std::vector<const char*> values;
};

}  // namespace

void PgConnection::prepare(const std::string& name, const std::string& sql) {
  if (prepared_.count(name) == 0) {
    check(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr));
    prepared_.insert(name);
  }
}

PgResult PgConnection::query(const std::string& sql, const PgParams& params) {
  RawParams raw(params);
  return check(PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr,
                            raw.values.data(), nullptr, nullptr, 0));
}

PgResult PgConnection::prepared(const std::string& name, const std::string& sql,
                                const PgParams& params) {
  prepare(name, sql);
  RawParams raw(params);
  return check(PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()),
                              raw.values.data(), nullptr, nullptr, 0));
}

PgResult PgConnection::preparedBinary(const std::string& name, const std::string& sql,
                                      const std::vector<std::string>& params) {
  prepare(name, sql);
  std::vector<const char*> values;
  std::vector<int> lengths;
  values.reserve(params.size());
  lengths.reserve(params.size());
  for (const std::string& p : params) {
    values.push_back(p.data());
    lengths.push_back(static_cast<int>(p.size()));
  }
  std::vector<int> formats(params.size(), 1);
  return check(PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()), values.data(),
                              lengths.data(), formats.data(), 0));
}

PgTransaction::~PgTransaction() {
  if (!done_ && conn_.healthy()) {
    try {
      conn_.exec("ROLLBACK");
    } catch (const PgError&) {
      // The session is already broken; the pool drops it.
    }
  }
}

PgPool::PgPool(std::string conninfo, size_t size)
    : conninfo_(std::move(conninfo)), size_(std::max<size_t>(size, 1)) {}

std::unique_ptr<PgConnection> PgPool::open(const std::string& conninfo) {
  auto conn = std::make_unique<PgConnection>(conninfo);
  conn->exec(kSessionSettings);
  return conn;
}

PgPool::Lease PgPool::acquire() {
  const std::thread::id self = std::this_thread::get_id();
  std::unique_lock lock(mutex_);
  available_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
  auto now = std::chrono::steady_clock::now();
  auto taken = std::find_if(idle_.rbegin(), idle_.rend(),
                            [&](const Idle& idle) { return idle.lastUser == self; });
  if (taken == idle_.rend() && !idle_.empty() && (open_ == size_ || now < nextConnectAt_)) {
    taken = idle_.rbegin();  // no room for a session of its own: the one used most recently
  }
  if (taken != idle_.rend()) {
    std::unique_ptr<PgConnection> conn = std::move(taken->conn);
    idle_.erase(std::next(taken).base());
    return Lease(*this, std::move(conn));
  }
  if (now < nextConnectAt_) {
    throw PgError("PostgreSQL unreachable; next reconnect attempt in " +
                      std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         nextConnectAt_ - now)
                                         .count()) +
                      " ms",
                  true);
  }
  ++open_;
  lock.unlock();
  try {
    std::unique_ptr<PgConnection> conn = open(conninfo_);
    lock.lock();
    backoff_ = std::chrono::milliseconds(0);
    return Lease(*this, std::move(conn));
  } catch (const PgError&) {
    lock.lock();
    --open_;
    backoff_ = std::min(kMaxBackoff, backoff_.count() == 0 ? kFirstBackoff : backoff_ * 2);
    nextConnectAt_ = std::chrono::steady_clock::now() + backoff_;
    available_.notify_one();
    throw;
  }
}

void PgPool::release(std::unique_ptr<PgConnection> conn) {
  std::lock_guard lock(mutex_);
  if (conn && conn->healthy()) {
    idle_.push_back({std::move(conn), std::this_thread::get_id()});
  } else {
    --open_;  // dropped: a later acquire opens a new session
  }
  available_.notify_one();
}

}  // namespace notify::core
