// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace notify::core {

class PgConnection;

// Brings the schema of the connection's database (its search_path) to the latest version.
// Versions are recorded in schema_migrations; the whole run holds a transaction-scoped advisory
// lock, so several nodes starting at once apply each step exactly once and the others wait and
// then find nothing to do. Throws PgError; refuses a schema newer than this build.
void migratePostgres(PgConnection& conn);

// The same, up to targetVersion only: tests build a database of an older version with it, to
// check what the later steps do to its rows.
void migratePostgres(PgConnection& conn, int targetVersion);

// The newest schema version this build knows.
int latestPostgresSchemaVersion();

}  // namespace notify::core
