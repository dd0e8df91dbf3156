// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <string>

namespace notify::test {

// A throw-away PostgreSQL server: initdb + pg_ctl in a fresh temporary directory, listening on
// a free loopback port (its unix socket inside that directory), stopped and deleted on
// destruction. Binaries come from NOTIFY_PG_BIN or the newest /usr/lib/postgresql/*/bin.
// As root, the server runs as the "postgres" user (initdb refuses root) via runuser.
// Throws std::runtime_error with a clear message when PostgreSQL is not installed or does not
// start, so tests that need it fail rather than skip.
class PgServer {
 public:
  PgServer();
  ~PgServer();
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  // One server per test process, started on first use and stopped at exit.
  static PgServer& shared();

  // A libpq conninfo for the database, as the superuser.
  std::string conninfo(const std::string& database = "postgres") const;
  std::string url(const std::string& database) const;
  int port() const { return port_; }

  // A new empty database; its name.
  std::string createDatabase();
  void createDatabase(const std::string& name);
  void dropDatabase(const std::string& name);

  // Runs SQL on the "postgres" database as the superuser; returns the first column of the
  // first row ("" if none). Throws on error.
  std::string execute(const std::string& sql, const std::string& database = "postgres") const;

  // Fast shutdown (the data stays) and start again on the same port, for fault tests.
  void stop();
  void start();

 private:
  std::string run(const std::string& tool, const std::string& args) const;

  std::filesystem::path bin_;
  std::filesystem::path dir_;
  int port_ = 0;
  bool asPostgresUser_ = false;
  bool running_ = false;
};

}  // namespace notify::test
