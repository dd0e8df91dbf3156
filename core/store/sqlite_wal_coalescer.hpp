// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>

namespace notify::core {

// A SQLite VFS over the platform's default one that turns the writes of one WAL transaction
// into one write system call. SQLite appends every WAL frame as two writes (a 24-byte header,
// then the page), so a one-message commit costs about twenty pwrite calls; on a virtual machine
// where a system call costs microseconds that is most of the commit. This VFS keeps a
// transaction's consecutive WAL writes in memory and writes them out in one call:
//   - when the commit frame's page is appended (the header of a commit frame carries the
//     database size), inside that xWrite, so a failed write fails the commit;
//   - before anything reads, syncs, truncates or sizes the WAL file, and when it is closed;
//   - when the buffer would pass 128 KiB (the most the unix VFS writes in one call) or a write
//     is not contiguous;
//   - and, as a safety net, before any shared-memory lock or barrier, which is how a commit is
//     published to other connections.
// Nothing a reader or a crash can observe changes: frames reach the file before the commit is
// published, and data that SQLite has not synced may always be lost in a crash.
// Other files (the database, temporary files) pass straight through.
//
// Returns the name to give sqlite3_open_v2; the VFS is registered (not as the default) on the
// first call.
const char* walCoalescingVfs();

// Counters since start-up, for tests and benchmarks.
struct WalCoalescerStats {
  uint64_t walWrites = 0;   // xWrite calls SQLite made on WAL files
  uint64_t fileWrites = 0;  // writes that reached the underlying VFS
};
WalCoalescerStats walCoalescerStats();

}  // namespace notify::core
