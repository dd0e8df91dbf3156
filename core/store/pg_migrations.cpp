// SPDX-License-Identifier: Apache-2.0
#include "core/store/pg_migrations.hpp"

#include <algorithm>
#include <iterator>
#include <string>

#include "core/store/pg_connection.hpp"

namespace notify::core {
namespace {

// An arbitrary constant: the advisory lock every node takes while migrating.
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7243061)";

// kMigrations[i] takes the schema from version i to version i + 1. Append only: a released
// step is never edited, so every node and every database agree on what version N means.
constexpr const char* kMigrations[] = {
    // 1: messages and their events, with the same "ready_ms" model as the SQLite store: a
    // message is claimable when ready_ms <= now; a "sending" one holds its lease expiry there.
    // The first two events of every message ("accepted", then "queued" or "scheduled", by the
    // app at created_ms) are not stored as rows: first_state and created_ms say all of it, and
    // ingest writes one row per message instead of three.
    R"sql(
CREATE TABLE messages (
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
  first_state TEXT NOT NULL,
  provider TEXT NOT NULL DEFAULT '',
  provider_message_id TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  created_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL,
  ready_ms BIGINT,
  lease_owner TEXT
);
CREATE UNIQUE INDEX messages_idempotency
  ON messages(app, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- Dispatchers always claim by lane; one index fewer is a cheaper insert. Claims over every lane
-- (lane "") sort instead.
CREATE INDEX messages_lane_ready ON messages(lane, ready_ms, id) WHERE ready_ms IS NOT NULL;
CREATE INDEX messages_failed ON messages(app, updated_ms) WHERE state = 'failed';
-- Events are only ever read by message, in order: (message_id, seq) is their one index.
CREATE TABLE events (
  seq BIGSERIAL NOT NULL,
  message_id TEXT NOT NULL,
  at_ms BIGINT NOT NULL,
  state TEXT NOT NULL,
  actor TEXT NOT NULL,
  provider TEXT NOT NULL,
  code TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX events_message ON events(message_id, seq);
)sql",
    // 2: the cluster-wide rate-limit ledger: one row per permit granted to a provider (see
    // core/dispatch/pg_permit_ledger.cpp).
    R"sql(
CREATE TABLE rate_permits (
  provider TEXT NOT NULL,
  granted_ms BIGINT NOT NULL,
  count INTEGER NOT NULL
);
CREATE INDEX rate_permits_provider ON rate_permits(provider, granted_ms);
)sql",
    // 3: the SQLite store's write path (core/store/write_rules.hpp): the payload an idempotency
    // key stands for, routed provider chains, send_at, the detail of the first state event
    // (why a message was suppressed or a duplicate, or how it was routed), and the marks guard
    // checks count. Recall by tag scans only an app's scheduled messages.
    R"sql(
ALTER TABLE messages ADD COLUMN payload_hash TEXT NOT NULL DEFAULT '',
  ADD COLUMN providers TEXT NOT NULL DEFAULT '',
  ADD COLUMN send_at_ms BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN first_detail TEXT NOT NULL DEFAULT '';
CREATE TABLE guard_marks (
  key TEXT NOT NULL,
  at_ms BIGINT NOT NULL,
  message_id TEXT NOT NULL
);
CREATE INDEX guard_marks_key ON guard_marks(key, at_ms);
CREATE INDEX guard_marks_at ON guard_marks(at_ms);
CREATE INDEX messages_scheduled ON messages(app) WHERE state = 'scheduled';
)sql",
    // 4: the send log (attribution, recipients normalised for lookup), receipts matched by the
    // provider's message id, the alert history, and the index retention scans by age.
    R"sql(
ALTER TABLE messages ADD COLUMN owner TEXT NOT NULL DEFAULT '',
  ADD COLUMN business_line TEXT NOT NULL DEFAULT '';
CREATE TABLE message_recipients (
  address TEXT NOT NULL,
  message_id TEXT NOT NULL
);
CREATE INDEX message_recipients_address ON message_recipients(address);
CREATE INDEX message_recipients_message ON message_recipients(message_id);
CREATE INDEX messages_created ON messages(created_ms);
CREATE INDEX messages_provider_message
  ON messages(provider_message_id) WHERE provider_message_id <> '';
CREATE TABLE alert_history (
  seq BIGSERIAL PRIMARY KEY,
  at_ms BIGINT NOT NULL,
  rule TEXT NOT NULL,
  firing BOOLEAN NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX alert_history_at ON alert_history(at_ms);
)sql",
    // 5: cron state shared by every node (core/store/pg_store_cron.cpp). The primary key
    // (job, planned_ms) makes each fire time one run however many nodes plan it.
    R"sql(
CREATE TABLE cron_jobs (
  job TEXT PRIMARY KEY,
  paused BOOLEAN NOT NULL DEFAULT false,
  since_ms BIGINT NOT NULL
);
CREATE TABLE cron_runs (
  job TEXT NOT NULL,
  planned_ms BIGINT NOT NULL,
  trigger TEXT NOT NULL,
  state TEXT NOT NULL,
  owner TEXT NOT NULL DEFAULT '',
  lease_until_ms BIGINT NOT NULL DEFAULT 0,
  control TEXT NOT NULL DEFAULT '',
  started_ms BIGINT NOT NULL DEFAULT 0,
  finished_ms BIGINT NOT NULL DEFAULT 0,
  cursor_offset BIGINT NOT NULL DEFAULT 0,
  cursor_line BIGINT NOT NULL DEFAULT 0,
  expanded BIGINT NOT NULL DEFAULT 0,
  accepted BIGINT NOT NULL DEFAULT 0,
  duplicates BIGINT NOT NULL DEFAULT 0,
  errors BIGINT NOT NULL DEFAULT 0,
  error_detail TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (job, planned_ms)
);
CREATE INDEX cron_runs_open ON cron_runs(planned_ms) WHERE state IN ('pending', 'running');
CREATE TABLE audience_rows (
  app TEXT NOT NULL,
  list TEXT NOT NULL,
  seq BIGINT NOT NULL,
  to_json TEXT NOT NULL,
  vars_json TEXT NOT NULL,
  PRIMARY KEY (app, list, seq)
);
)sql",
    // 6: a provider's "too many requests" pauses it for the whole cluster: the permit ledger
    // grants nothing for it before paused_until_ms (core/dispatch/pg_permit_ledger.cpp).
    R"sql(
CREATE TABLE rate_pauses (
  provider TEXT PRIMARY KEY,
  paused_until_ms BIGINT NOT NULL
);
)sql",
    // 7: the queue beside the messages. A message waiting to be sent (queued, scheduled, retrying,
    // rate_limited) or being sent has one narrow row in "queue": claims, lease expiry and retries
    // rewrite only that row, and its index is the claim order. A "sending" message is one whose
    // queue row is leased; messages.state keeps the state it waited in, and the outcome writes
    // the next one. What used to be found by partial indexes on messages moves to narrow tables
    // of its own (dead letters; provider message ids for receipts), so no index of messages names
    // a column an outcome changes (state, attempts, updated_ms, provider, provider_message_id):
    // outcome updates are HOT, with room left in each page (fillfactor) for the new version.
    // A claim's "sending" event is implied, like the first two: by the leased queue row while the
    // attempt lasts, then by its outcome's event (claimed_ms, attempt). Only a reclaim stores it
    // as a row (claim_logged), with the expired attempt's if that one was implied.
    R"sql(
CREATE TABLE queue (
  id TEXT PRIMARY KEY,
  lane TEXT NOT NULL,
  ready_ms BIGINT NOT NULL,
  created_ms BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  leased_ms BIGINT,
  claim_logged BOOLEAN NOT NULL DEFAULT false,
  scheduled_app TEXT
);
INSERT INTO queue (id, lane, ready_ms, created_ms, attempts, lease_owner, leased_ms, claim_logged,
  scheduled_app)
SELECT id, lane, ready_ms, created_ms, attempts, lease_owner,
  CASE WHEN state = 'sending' THEN updated_ms END, state = 'sending',
  CASE WHEN state = 'scheduled' THEN app END
FROM messages WHERE ready_ms IS NOT NULL;
ALTER TABLE events ADD COLUMN claimed_ms BIGINT, ADD COLUMN attempt INTEGER;
CREATE INDEX queue_lane_ready ON queue(lane, ready_ms, id);
CREATE INDEX queue_scheduled ON queue(scheduled_app) WHERE scheduled_app IS NOT NULL;
CREATE TABLE dead_letters (
  id TEXT PRIMARY KEY,
  app TEXT NOT NULL,
  failed_ms BIGINT NOT NULL
);
INSERT INTO dead_letters (id, app, failed_ms)
SELECT id, app, updated_ms FROM messages WHERE state = 'failed';
CREATE INDEX dead_letters_app ON dead_letters(app, failed_ms);
CREATE TABLE provider_ids (
  message_id TEXT PRIMARY KEY,
  provider_message_id TEXT NOT NULL
);
INSERT INTO provider_ids (message_id, provider_message_id)
SELECT id, provider_message_id FROM messages WHERE provider_message_id <> '';
CREATE INDEX provider_ids_provider_message ON provider_ids(provider_message_id);
DROP INDEX messages_lane_ready, messages_failed, messages_scheduled, messages_provider_message;
ALTER TABLE messages DROP COLUMN ready_ms, DROP COLUMN lease_owner;
ALTER TABLE messages SET (fillfactor = 50);
)sql",
};

}  // namespace

int latestPostgresSchemaVersion() {
  return static_cast<int>(std::size(kMigrations));
}

void migratePostgres(PgConnection& conn) {
  migratePostgres(conn, latestPostgresSchemaVersion());
}

void migratePostgres(PgConnection& conn, int targetVersion) {
  PgTransaction tx(conn);
  conn.exec(kMigrationLock);
  conn.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
      "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
  PgResult current = conn.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  int version = static_cast<int>(current.integer(0, 0));
  if (version > latestPostgresSchemaVersion()) {
    throw PgError("store schema version " + std::to_string(version) +
                      " is newer than this notifyd's " +
                      std::to_string(latestPostgresSchemaVersion()),
                  false);
  }
  for (; version < std::min(targetVersion, latestPostgresSchemaVersion()); ++version) {
    conn.exec(kMigrations[version]);
    conn.query("INSERT INTO schema_migrations (version) VALUES ($1)",
               {std::to_string(version + 1)});
  }
  tx.commit();
}

}  // namespace notify::core
