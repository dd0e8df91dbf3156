// SPDX-License-Identifier: Apache-2.0
#include "core/store/pg_listener.hpp"
#include "core/common/thread_name.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <chrono>

#include "core/common/log.hpp"
#include "core/store/pg_connection.hpp"

namespace notify::core {
namespace {

// How often the thread looks at its stop flag while no notification arrives.
constexpr int kPollMs = 200;
constexpr int kMaxBackoffMs = 5000;

}  // namespace

PgListener::PgListener(std::string conninfo, std::string channel)
    : conninfo_(std::move(conninfo)), channel_(std::move(channel)) {
  thread_ = std::thread([this] {
    nameThisThread("pg-listen");
    run();
  });
}

PgListener::~PgListener() {
  stopping_ = true;
  thread_.join();
}

void PgListener::add(std::function<void()> callback) {
  std::lock_guard lock(mutex_);
  callbacks_.push_back(std::move(callback));
}

void PgListener::notifyAll() {
  std::lock_guard lock(mutex_);
  for (const auto& callback : callbacks_) {
    callback();
  }
}

void PgListener::run() {
  int backoffMs = 0;
  bool everConnected = false;
  while (!stopping_) {
    if (backoffMs > 0) {
      for (int waited = 0; waited < backoffMs && !stopping_; waited += kPollMs) {
        std::this_thread::sleep_for(std::chrono::milliseconds(kPollMs));
      }
    }
    try {
      PgConnection conn(conninfo_);
      conn.exec("LISTEN " + channel_);
      if (everConnected) {
        logInfo("store", "listening for " + channel_ + " again");
        notifyAll();  // whatever was notified while we were away
      }
      everConnected = true;
      backoffMs = 0;
      while (!stopping_) {
        pollfd fd{conn.socket(), POLLIN, 0};
        if (poll(&fd, 1, kPollMs) < 0) {
          continue;
        }
        if (PQconsumeInput(conn.handle()) == 0) {
          throw PgError(PQerrorMessage(conn.handle()), true);
        }
        bool notified = false;
        while (PGnotify* n = PQnotifies(conn.handle())) {
          notified = true;
          PQfreemem(n);
        }
        if (notified) {
          notifyAll();
        }
      }
    } catch (const PgError& e) {
      backoffMs = std::min(kMaxBackoffMs, backoffMs == 0 ? 100 : backoffMs * 2);
      logWarn("store", std::string("listener lost its session: ") + e.what());
    }
  }
}

}  // namespace notify::core
