// SPDX-License-Identifier: Apache-2.0
#include "core/store/store_factory.hpp"

#include <libpq-fe.h>

#include "core/store/pg_store.hpp"
#include "core/store/sqlite_store.hpp"

namespace notify::core {

std::unique_ptr<MessageStore> makeStore(const StoreConfig& config) {
  if (config.kind == "postgres") {
    return std::make_unique<PgStore>(config.url, config.poolSize);
  }
  return std::make_unique<SqliteStore>(config.path, config.synchronousFull);
}

std::string describeStore(const StoreConfig& config) {
  if (config.kind == "postgres") {
    std::string where;
    char* error = nullptr;
    if (PQconninfoOption* options = PQconninfoParse(config.url.c_str(), &error)) {
      for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
        std::string key = o->keyword;
        if (o->val != nullptr && (key == "host" || key == "port" || key == "dbname")) {
          where += (where.empty() ? "" : " ") + key + "=" + o->val;
        }
      }
      PQconninfoFree(options);
    }
    PQfreemem(error);
    return "postgres " + where + " (pool " + std::to_string(config.poolSize) + ")";
  }
  return "sqlite " + config.path.string() +
         (config.synchronousFull ? " (synchronous=FULL)" : " (synchronous=NORMAL: relaxed)");
}

}  // namespace notify::core
