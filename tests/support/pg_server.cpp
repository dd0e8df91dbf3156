// SPDX-License-Identifier: Apache-2.0
#include "support/pg_server.hpp"

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace notify::test {
namespace {

namespace fs = std::filesystem;

fs::path findBinaries() {
  if (const char* env = std::getenv("NOTIFY_PG_BIN")) {
    if (!fs::exists(fs::path(env) / "initdb")) {
      throw std::runtime_error(std::string("NOTIFY_PG_BIN=") + env + " has no initdb");
    }
    return env;
  }
  std::vector<fs::path> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    if (fs::exists(entry.path() / "bin" / "initdb")) {
      found.push_back(entry.path() / "bin");
    }
  }
  if (found.empty()) {
    throw std::runtime_error(
        "PostgreSQL is not installed: no /usr/lib/postgresql/*/bin/initdb (install the Debian "
        "package 'postgresql', e.g. tools/dev.sh test-deps, or set NOTIFY_PG_BIN)");
  }
  // Newest major version: compare the directory names as numbers.
  std::sort(found.begin(), found.end(), [](const fs::path& a, const fs::path& b) {
    return std::atoi(a.parent_path().filename().c_str()) <
           std::atoi(b.parent_path().filename().c_str());
  });
  return found.back();
}

int freePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("cannot find a free port for PostgreSQL");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

std::string readAll(const fs::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

PgServer::PgServer() : bin_(findBinaries()) {
  asPostgresUser_ = geteuid() == 0;
  std::string pattern = (fs::temp_directory_path() / "notify-pg-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("cannot create a temporary directory for PostgreSQL");
  }
  dir_ = pattern;
  if (asPostgresUser_) {
    passwd* pw = getpwnam("postgres");
    if (pw == nullptr) {
      throw std::runtime_error("running as root but there is no 'postgres' user to run initdb");
    }
    if (chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      throw std::runtime_error("cannot chown " + dir_.string() + " to postgres");
    }
  }
  port_ = freePort();
  run("initdb", "-D '" + (dir_ / "data").string() +
                    "' -A trust -U postgres -E UTF8 --no-sync --no-instructions");
  start();
}

PgServer::~PgServer() {
  try {
    if (running_) {
      run("pg_ctl", "-D '" + (dir_ / "data").string() + "' -m immediate -w stop");
    }
  } catch (const std::exception&) {
    // Best effort: the directory goes anyway.
  }
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

PgServer& PgServer::shared() {
  static PgServer server;
  return server;
}

std::string PgServer::run(const std::string& tool, const std::string& args) const {
  fs::path log = dir_ / (tool + ".out");
  std::string command = (asPostgresUser_ ? "runuser -u postgres -- " : "") +
                        (bin_ / tool).string() + " " + args + " > '" + log.string() + "' 2>&1";
  int status = std::system(command.c_str());
  if (status != 0) {
    throw std::runtime_error("PostgreSQL test server: '" + command + "' failed:\n" + readAll(log) +
                             readAll(dir_ / "server.log"));
  }
  return readAll(log);
}

void PgServer::start() {
  // fsync off: these servers hold test data only and must be fast on a shared machine.
  run("pg_ctl", "-D '" + (dir_ / "data").string() + "' -l '" + (dir_ / "server.log").string() +
                    "' -w -t 30 -o \"-p " + std::to_string(port_) + " -k '" + dir_.string() +
                    "' -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200\" start");
  running_ = true;
}

void PgServer::stop() {
  run("pg_ctl", "-D '" + (dir_ / "data").string() + "' -m fast -w stop");
  running_ = false;
}

std::string PgServer::conninfo(const std::string& database) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=" + database;
}

std::string PgServer::url(const std::string& database) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string PgServer::execute(const std::string& sql, const std::string& database) const {
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(conninfo(database).c_str()),
                                                    &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    throw std::runtime_error(std::string("PostgreSQL test server: ") + PQerrorMessage(conn.get()));
  }
  std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn.get(), sql.c_str()), &PQclear);
  ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw std::runtime_error("PostgreSQL test server: " + sql + ": " +
                             PQresultErrorMessage(result.get()));
  }
  if (PQntuples(result.get()) == 0 || PQnfields(result.get()) == 0) {
    return "";
  }
  return PQgetvalue(result.get(), 0, 0);
}

std::string PgServer::createDatabase() {
  static std::atomic<int> counter{0};
  std::string name = "t" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  createDatabase(name);
  return name;
}

void PgServer::createDatabase(const std::string& name) {
  execute("CREATE DATABASE \"" + name + "\"");
}

void PgServer::dropDatabase(const std::string& name) {
  execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
}

}  // namespace notify::test
