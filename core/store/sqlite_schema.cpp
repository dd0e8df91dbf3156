// SPDX-License-Identifier: Apache-2.0
// The SQLite store's layout: the latest schema, and the steps that bring an older database to it.
// Append only: a released step is never edited.
#include "core/store/sqlite_schema.hpp"

#include <iterator>

namespace notify::core {

// The latest version from nothing. Older databases are brought up by kSqliteUpgrades.
const char* const kSqliteSchema = R"sql(
CREATE TABLE IF NOT EXISTS messages (
  id TEXT PRIMARY KEY,
  lane TEXT NOT NULL DEFAULT 'default',
  app TEXT NOT NULL,
  template TEXT NOT NULL,
  channel TEXT NOT NULL,
  to_json TEXT NOT NULL,
  vars_json TEXT NOT NULL,
  attrs_json TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  tags_json TEXT NOT NULL,
  req_id TEXT NOT NULL,
  idempotency_key TEXT,
  state TEXT NOT NULL,
  provider TEXT NOT NULL DEFAULT '',
  provider_message_id TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  ready_ms INTEGER,
  lease_owner TEXT,
  payload_hash TEXT NOT NULL DEFAULT '',
  providers TEXT NOT NULL DEFAULT '',
  owner TEXT NOT NULL DEFAULT '',
  business_line TEXT NOT NULL DEFAULT '',
  send_at_ms INTEGER NOT NULL DEFAULT 0,
  first_state TEXT NOT NULL DEFAULT '',
  first_detail TEXT NOT NULL DEFAULT '',
  claim_logged INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS messages_idempotency
  ON messages(app, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS messages_lane_ready
  ON messages(lane, ready_ms) WHERE ready_ms IS NOT NULL;
CREATE INDEX IF NOT EXISTS messages_failed ON messages(app, updated_ms) WHERE state = 'failed';
CREATE INDEX IF NOT EXISTS messages_scheduled ON messages(app) WHERE state = 'scheduled';
CREATE TABLE IF NOT EXISTS events (
  message_id TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  state TEXT NOT NULL,
  actor TEXT NOT NULL,
  provider TEXT NOT NULL,
  code TEXT NOT NULL,
  detail TEXT NOT NULL,
  claimed_ms INTEGER,
  attempt INTEGER
);
CREATE INDEX IF NOT EXISTS events_message ON events(message_id);
CREATE TABLE IF NOT EXISTS guard_marks (
  key TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  message_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS guard_marks_key ON guard_marks(key, at_ms);
CREATE INDEX IF NOT EXISTS guard_marks_at ON guard_marks(at_ms);
CREATE TABLE IF NOT EXISTS message_recipients (
  address TEXT NOT NULL,
  message_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS message_recipients_address ON message_recipients(address);
CREATE INDEX IF NOT EXISTS message_recipients_message ON message_recipients(message_id);
CREATE INDEX IF NOT EXISTS messages_created ON messages(created_ms);
CREATE INDEX IF NOT EXISTS messages_provider_message
  ON messages(provider_message_id) WHERE provider_message_id <> '';
CREATE TABLE IF NOT EXISTS alert_history (
  at_ms INTEGER NOT NULL,
  rule TEXT NOT NULL,
  firing INTEGER NOT NULL,
  value REAL NOT NULL,
  detail TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cron_jobs (
  job TEXT PRIMARY KEY,
  paused INTEGER NOT NULL DEFAULT 0,
  since_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS cron_runs (
  job TEXT NOT NULL,
  planned_ms INTEGER NOT NULL,
  trigger TEXT NOT NULL,
  state TEXT NOT NULL,
  owner TEXT NOT NULL DEFAULT '',
  lease_until_ms INTEGER NOT NULL DEFAULT 0,
  control TEXT NOT NULL DEFAULT '',
  started_ms INTEGER NOT NULL DEFAULT 0,
  finished_ms INTEGER NOT NULL DEFAULT 0,
  cursor_offset INTEGER NOT NULL DEFAULT 0,
  cursor_line INTEGER NOT NULL DEFAULT 0,
  expanded INTEGER NOT NULL DEFAULT 0,
  accepted INTEGER NOT NULL DEFAULT 0,
  duplicates INTEGER NOT NULL DEFAULT 0,
  errors INTEGER NOT NULL DEFAULT 0,
  error_detail TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (job, planned_ms)
);
CREATE INDEX IF NOT EXISTS cron_runs_open ON cron_runs(state) WHERE state IN ('pending', 'running');
CREATE TABLE IF NOT EXISTS audience_rows (
  app TEXT NOT NULL,
  list TEXT NOT NULL,
  seq INTEGER NOT NULL,
  to_json TEXT NOT NULL,
  vars_json TEXT NOT NULL,
  PRIMARY KEY (app, list, seq)
);
)sql";

// kSqliteUpgrades[v] takes a database from version v + 1 to v + 2.
const char* const kSqliteUpgrades[] = {
    // 1 -> 2: lanes.
    "ALTER TABLE messages ADD COLUMN lane TEXT NOT NULL DEFAULT 'default';"
    "DROP INDEX IF EXISTS messages_ready;"
    "CREATE INDEX IF NOT EXISTS messages_lane_ready"
    "  ON messages(lane, ready_ms) WHERE ready_ms IS NOT NULL;"
    "CREATE INDEX IF NOT EXISTS messages_failed"
    "  ON messages(app, updated_ms) WHERE state = 'failed';",
    // 2 -> 3: guardrails (payload hash for idempotency conflicts, guard marks) and routed
    // provider chains.
    "ALTER TABLE messages ADD COLUMN payload_hash TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE messages ADD COLUMN providers TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE IF NOT EXISTS guard_marks (key TEXT NOT NULL, at_ms INTEGER NOT NULL,"
    "  message_id TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS guard_marks_key ON guard_marks(key, at_ms);"
    "CREATE INDEX IF NOT EXISTS guard_marks_at ON guard_marks(at_ms);",
    // 3 -> 4: send log (recipients, attribution), receipts, alert history.
    "ALTER TABLE messages ADD COLUMN owner TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE messages ADD COLUMN business_line TEXT NOT NULL DEFAULT '';"
    R"sql(
CREATE TABLE IF NOT EXISTS message_recipients (
  address TEXT NOT NULL,
  message_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS message_recipients_address ON message_recipients(address);
CREATE INDEX IF NOT EXISTS message_recipients_message ON message_recipients(message_id);
CREATE INDEX IF NOT EXISTS messages_created ON messages(created_ms);
CREATE INDEX IF NOT EXISTS messages_provider_message
  ON messages(provider_message_id) WHERE provider_message_id <> '';
CREATE TABLE IF NOT EXISTS alert_history (
  at_ms INTEGER NOT NULL,
  rule TEXT NOT NULL,
  firing INTEGER NOT NULL,
  value REAL NOT NULL,
  detail TEXT NOT NULL
);)sql",
    // 4 -> 5: recall of scheduled messages by tag scans only the app's scheduled ones; cron
    // jobs, their runs, and audiences pushed by apps.
    "CREATE INDEX IF NOT EXISTS messages_scheduled ON messages(app) WHERE state = 'scheduled';"
    "ALTER TABLE messages ADD COLUMN send_at_ms INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE IF NOT EXISTS cron_jobs ("
    "  job TEXT PRIMARY KEY,"
    "  paused INTEGER NOT NULL DEFAULT 0,"
    "  since_ms INTEGER NOT NULL"
    ");"
    "CREATE TABLE IF NOT EXISTS cron_runs ("
    "  job TEXT NOT NULL,"
    "  planned_ms INTEGER NOT NULL,"
    "  trigger TEXT NOT NULL,"
    "  state TEXT NOT NULL,"
    "  owner TEXT NOT NULL DEFAULT '',"
    "  lease_until_ms INTEGER NOT NULL DEFAULT 0,"
    "  control TEXT NOT NULL DEFAULT '',"
    "  started_ms INTEGER NOT NULL DEFAULT 0,"
    "  finished_ms INTEGER NOT NULL DEFAULT 0,"
    "  cursor_offset INTEGER NOT NULL DEFAULT 0,"
    "  cursor_line INTEGER NOT NULL DEFAULT 0,"
    "  expanded INTEGER NOT NULL DEFAULT 0,"
    "  accepted INTEGER NOT NULL DEFAULT 0,"
    "  duplicates INTEGER NOT NULL DEFAULT 0,"
    "  errors INTEGER NOT NULL DEFAULT 0,"
    "  error_detail TEXT NOT NULL DEFAULT '',"
    "  PRIMARY KEY (job, planned_ms)"
    ");"
    "CREATE INDEX IF NOT EXISTS cron_runs_open ON cron_runs(state) WHERE state IN ('pending', "
    "'running');"
    "CREATE TABLE IF NOT EXISTS audience_rows ("
    "  app TEXT NOT NULL,"
    "  list TEXT NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  to_json TEXT NOT NULL,"
    "  vars_json TEXT NOT NULL,"
    "  PRIMARY KEY (app, list, seq)"
    ");",
    // 5 -> 6: a sendable message's "accepted" and first state events live in its row
    // (first_state, first_detail), not as two event rows each.
    "ALTER TABLE messages ADD COLUMN first_state TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE messages ADD COLUMN first_detail TEXT NOT NULL DEFAULT '';",
    // 6 -> 7: a claim's "sending" event is implied too: by the leased row while the attempt
    // lasts (updated_ms, attempts), then by the attempt's outcome event (claimed_ms, attempt).
    // Only a reclaim stores it as a row (claim_logged). Messages being sent at the upgrade
    // already have theirs stored.
    "ALTER TABLE events ADD COLUMN claimed_ms INTEGER;"
    "ALTER TABLE events ADD COLUMN attempt INTEGER;"
    "ALTER TABLE messages ADD COLUMN claim_logged INTEGER NOT NULL DEFAULT 0;"
    "UPDATE messages SET claim_logged = 1 WHERE state = 'sending';",
};

static_assert(std::size(kSqliteUpgrades) == kSqliteSchemaVersion - 1,
              "one upgrade step per version after the first");

}  // namespace notify::core
