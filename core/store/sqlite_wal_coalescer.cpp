// SPDX-License-Identifier: Apache-2.0
#include "core/store/sqlite_wal_coalescer.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstring>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

namespace notify::core {
namespace {

constexpr const char* kVfsName = "notify-wal-coalescing";
// The unix VFS writes at most 0x1ffff bytes per call (it masks the length, SQLite itself never
// writes more than a page): so a flush is at most that, about 31 frames of 4 KiB pages.
constexpr size_t kMaxBuffered = 0x1ffff;
constexpr int kFrameHeaderBytes = 24;

std::atomic<uint64_t> gWalWrites{0};
std::atomic<uint64_t> gFileWrites{0};

sqlite3_vfs* gReal = nullptr;  // the platform VFS underneath; set once at registration

// One open file. SQLite allocates szOsFile bytes; this struct comes first (SQLite only sees
// `base`), the underlying VFS's file follows it.
struct File {
  sqlite3_file base;
  sqlite3_file* real;
  bool wal;
  // Buffered WAL bytes, to be written at `start`. Guarded by gBufferMutex: the shared-memory
  // safety net of one connection may flush the buffer of another.
  std::vector<char> buffer;
  sqlite3_int64 start = 0;
  bool commitHeaderSeen = false;  // the last write was a commit frame's header
  bool listed = false;            // in gPending
  int stickyError = SQLITE_OK;    // a safety-net flush failed where no error could be returned
};

std::mutex gBufferMutex;
std::vector<File*> gPending;  // files with a non-empty buffer

sqlite3_file* realOf(sqlite3_file* f) {
  return reinterpret_cast<File*>(f)->real;
}

// Writes the buffer out. gBufferMutex held.
int flushLocked(File& f) {
  if (f.buffer.empty()) {
    return SQLITE_OK;
  }
  int rc = f.real->pMethods->xWrite(f.real, f.buffer.data(), static_cast<int>(f.buffer.size()),
                                    f.start);
  gFileWrites.fetch_add(1, std::memory_order_relaxed);
  f.buffer.clear();
  f.commitHeaderSeen = false;
  if (f.listed) {
    gPending.erase(std::find(gPending.begin(), gPending.end(), &f));
    f.listed = false;
  }
  return rc;
}

int flush(File& f) {
  if (!f.wal) {
    return SQLITE_OK;
  }
  std::lock_guard lock(gBufferMutex);
  if (f.stickyError != SQLITE_OK) {
    return f.stickyError;
  }
  return flushLocked(f);
}

// Before a commit can be published through shared memory: every buffered byte reaches the file.
void flushAllPending() {
  std::lock_guard lock(gBufferMutex);
  while (!gPending.empty()) {
    File& f = *gPending.back();
    int rc = flushLocked(f);
    if (rc != SQLITE_OK && f.stickyError == SQLITE_OK) {
      f.stickyError = rc;  // reported by that file's next write, sync or read
    }
  }
}

// A commit frame's header carries the database size in pages (bytes 4..7); other frames zero.
bool isCommitFrameHeader(const void* data, int amount) {
  if (amount != kFrameHeaderBytes) {
    return false;
  }
  uint32_t size = 0;
  std::memcpy(&size, static_cast<const char*>(data) + 4, sizeof(size));
  return size != 0;
}

int walWrite(File& f, const void* data, int amount, sqlite3_int64 offset) {
  gWalWrites.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(gBufferMutex);
  if (f.stickyError != SQLITE_OK) {
    return f.stickyError;
  }
  auto size = static_cast<size_t>(amount);
  const bool completesCommit = f.commitHeaderSeen;  // this is the commit frame's page
  bool contiguous = !f.buffer.empty() &&
                    offset == f.start + static_cast<sqlite3_int64>(f.buffer.size());
  if (!f.buffer.empty() && (!contiguous || f.buffer.size() + size > kMaxBuffered)) {
    if (int rc = flushLocked(f); rc != SQLITE_OK) {
      return rc;
    }
  }
  if (size > kMaxBuffered) {
    gFileWrites.fetch_add(1, std::memory_order_relaxed);
    return f.real->pMethods->xWrite(f.real, data, amount, offset);
  }
  if (f.buffer.empty()) {
    f.start = offset;
  }
  const char* bytes = static_cast<const char*>(data);
  f.buffer.insert(f.buffer.end(), bytes, bytes + size);
  if (!f.listed) {
    gPending.push_back(&f);
    f.listed = true;
  }
  if (completesCommit) {
    return flushLocked(f);  // the commit frame is complete: the transaction's one write
  }
  f.commitHeaderSeen = isCommitFrameHeader(data, amount);
  return SQLITE_OK;
}

// --- io methods: WAL files buffer writes, everything else is forwarded ---

int xClose(sqlite3_file* file) {
  File& f = *reinterpret_cast<File*>(file);
  int flushed = SQLITE_OK;
  {
    std::lock_guard lock(gBufferMutex);
    flushed = f.wal ? flushLocked(f) : SQLITE_OK;
  }
  int rc = f.real->pMethods->xClose(f.real);
  f.~File();
  return flushed != SQLITE_OK ? flushed : rc;
}

int xRead(sqlite3_file* file, void* data, int amount, sqlite3_int64 offset) {
  File& f = *reinterpret_cast<File*>(file);
  if (int rc = flush(f); rc != SQLITE_OK) {
    return rc;
  }
  return f.real->pMethods->xRead(f.real, data, amount, offset);
}

int xWrite(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  File& f = *reinterpret_cast<File*>(file);
  if (f.wal) {
    return walWrite(f, data, amount, offset);
  }
  return f.real->pMethods->xWrite(f.real, data, amount, offset);
}

int xTruncate(sqlite3_file* file, sqlite3_int64 size) {
  File& f = *reinterpret_cast<File*>(file);
  if (int rc = flush(f); rc != SQLITE_OK) {
    return rc;
  }
  return f.real->pMethods->xTruncate(f.real, size);
}

int xSync(sqlite3_file* file, int flags) {
  File& f = *reinterpret_cast<File*>(file);
  if (int rc = flush(f); rc != SQLITE_OK) {
    return rc;
  }
  return f.real->pMethods->xSync(f.real, flags);
}

int xFileSize(sqlite3_file* file, sqlite3_int64* size) {
  File& f = *reinterpret_cast<File*>(file);
  if (int rc = flush(f); rc != SQLITE_OK) {
    return rc;
  }
  return f.real->pMethods->xFileSize(f.real, size);
}

int xLock(sqlite3_file* file, int level) {
  sqlite3_file* real = realOf(file);
  return real->pMethods->xLock(real, level);
}

int xUnlock(sqlite3_file* file, int level) {
  sqlite3_file* real = realOf(file);
  return real->pMethods->xUnlock(real, level);
}

int xCheckReservedLock(sqlite3_file* file, int* out) {
  sqlite3_file* real = realOf(file);
  return real->pMethods->xCheckReservedLock(real, out);
}

int xFileControl(sqlite3_file* file, int op, void* arg) {
  File& f = *reinterpret_cast<File*>(file);
  if (int rc = flush(f); rc != SQLITE_OK) {
    return rc;
  }
  return f.real->pMethods->xFileControl(f.real, op, arg);
}

int xSectorSize(sqlite3_file* file) {
  sqlite3_file* real = realOf(file);
  return real->pMethods->xSectorSize(real);
}

int xDeviceCharacteristics(sqlite3_file* file) {
  sqlite3_file* real = realOf(file);
  return real->pMethods->xDeviceCharacteristics(real);
}

int xShmMap(sqlite3_file* file, int region, int size, int extend, void volatile** out) {
  sqlite3_file* real = realOf(file);
  if (real->pMethods->iVersion < 2 || real->pMethods->xShmMap == nullptr) {
    return SQLITE_IOERR_SHMMAP;
  }
  return real->pMethods->xShmMap(real, region, size, extend, out);
}

int xShmLock(sqlite3_file* file, int offset, int n, int flags) {
  flushAllPending();
  sqlite3_file* real = realOf(file);
  if (real->pMethods->iVersion < 2 || real->pMethods->xShmLock == nullptr) {
    return SQLITE_IOERR_SHMLOCK;
  }
  return real->pMethods->xShmLock(real, offset, n, flags);
}

void xShmBarrier(sqlite3_file* file) {
  flushAllPending();
  sqlite3_file* real = realOf(file);
  if (real->pMethods->iVersion >= 2 && real->pMethods->xShmBarrier != nullptr) {
    real->pMethods->xShmBarrier(real);
  }
}

int xShmUnmap(sqlite3_file* file, int deleteFlag) {
  sqlite3_file* real = realOf(file);
  if (real->pMethods->iVersion < 2 || real->pMethods->xShmUnmap == nullptr) {
    return SQLITE_OK;
  }
  return real->pMethods->xShmUnmap(real, deleteFlag);
}

int xFetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  File& f = *reinterpret_cast<File*>(file);
  if (f.wal || f.real->pMethods->iVersion < 3 || f.real->pMethods->xFetch == nullptr) {
    *out = nullptr;  // no memory map: SQLite reads instead
    return SQLITE_OK;
  }
  return f.real->pMethods->xFetch(f.real, offset, amount, out);
}

int xUnfetch(sqlite3_file* file, sqlite3_int64 offset, void* pointer) {
  File& f = *reinterpret_cast<File*>(file);
  if (f.wal || f.real->pMethods->iVersion < 3 || f.real->pMethods->xUnfetch == nullptr) {
    return SQLITE_OK;
  }
  return f.real->pMethods->xUnfetch(f.real, offset, pointer);
}

const sqlite3_io_methods kMethods = {
    3,           xClose,      xRead,         xWrite,       xTruncate,
    xSync,       xFileSize,   xLock,         xUnlock,      xCheckReservedLock,
    xFileControl, xSectorSize, xDeviceCharacteristics, xShmMap, xShmLock,
    xShmBarrier, xShmUnmap,   xFetch,        xUnfetch,
};

constexpr size_t realOffset() {
  return (sizeof(File) + alignof(std::max_align_t) - 1) / alignof(std::max_align_t) *
         alignof(std::max_align_t);
}

// --- the VFS: xOpen wraps, the rest is forwarded ---

int vfsOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* outFlags) {
  auto* f = new (file) File{};
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + realOffset());
  f->real->pMethods = nullptr;
  f->wal = (flags & SQLITE_OPEN_WAL) != 0;
  int rc = gReal->xOpen(gReal, name, f->real, flags, outFlags);
  if (rc != SQLITE_OK || f->real->pMethods == nullptr) {
    if (f->real->pMethods != nullptr) {
      f->real->pMethods->xClose(f->real);
    }
    f->~File();
    file->pMethods = nullptr;
    return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
  }
  f->base.pMethods = &kMethods;
  return SQLITE_OK;
}

int vfsDelete(sqlite3_vfs*, const char* name, int syncDir) {
  return gReal->xDelete(gReal, name, syncDir);
}

int vfsAccess(sqlite3_vfs*, const char* name, int flags, int* out) {
  return gReal->xAccess(gReal, name, flags, out);
}

int vfsFullPathname(sqlite3_vfs*, const char* name, int size, char* out) {
  return gReal->xFullPathname(gReal, name, size, out);
}

void* vfsDlOpen(sqlite3_vfs*, const char* name) {
  return gReal->xDlOpen(gReal, name);
}

void vfsDlError(sqlite3_vfs*, int size, char* out) {
  gReal->xDlError(gReal, size, out);
}

void (*vfsDlSym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
  return gReal->xDlSym(gReal, handle, symbol);
}

void vfsDlClose(sqlite3_vfs*, void* handle) {
  gReal->xDlClose(gReal, handle);
}

int vfsRandomness(sqlite3_vfs*, int size, char* out) {
  return gReal->xRandomness(gReal, size, out);
}

int vfsSleep(sqlite3_vfs*, int micros) {
  return gReal->xSleep(gReal, micros);
}

int vfsCurrentTime(sqlite3_vfs*, double* out) {
  return gReal->xCurrentTime(gReal, out);
}

int vfsGetLastError(sqlite3_vfs*, int size, char* out) {
  return gReal->xGetLastError != nullptr ? gReal->xGetLastError(gReal, size, out) : 0;
}

int vfsCurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) {
  if (gReal->iVersion >= 2 && gReal->xCurrentTimeInt64 != nullptr) {
    return gReal->xCurrentTimeInt64(gReal, out);
  }
  double days = 0;
  int rc = gReal->xCurrentTime(gReal, &days);
  *out = static_cast<sqlite3_int64>(days * 86400000.0);
  return rc;
}

sqlite3_vfs makeVfs() {
  sqlite3_initialize();
  gReal = sqlite3_vfs_find(nullptr);
  if (gReal == nullptr) {
    throw std::runtime_error("SQLite has no default VFS");
  }
  sqlite3_vfs vfs{};
  vfs.iVersion = 2;
  vfs.szOsFile = static_cast<int>(realOffset()) + gReal->szOsFile;
  vfs.mxPathname = gReal->mxPathname;
  vfs.zName = kVfsName;
  vfs.xOpen = vfsOpen;
  vfs.xDelete = vfsDelete;
  vfs.xAccess = vfsAccess;
  vfs.xFullPathname = vfsFullPathname;
  vfs.xDlOpen = vfsDlOpen;
  vfs.xDlError = vfsDlError;
  vfs.xDlSym = vfsDlSym;
  vfs.xDlClose = vfsDlClose;
  vfs.xRandomness = vfsRandomness;
  vfs.xSleep = vfsSleep;
  vfs.xCurrentTime = vfsCurrentTime;
  vfs.xGetLastError = vfsGetLastError;
  vfs.xCurrentTimeInt64 = vfsCurrentTimeInt64;
  return vfs;
}

}  // namespace

const char* walCoalescingVfs() {
  static sqlite3_vfs vfs = makeVfs();
  static const int registered = sqlite3_vfs_register(&vfs, 0);
  if (registered != SQLITE_OK) {
    throw std::runtime_error("cannot register the SQLite VFS " + std::string(kVfsName));
  }
  return kVfsName;
}

WalCoalescerStats walCoalescerStats() {
  return {gWalWrites.load(std::memory_order_relaxed), gFileWrites.load(std::memory_order_relaxed)};
}

}  // namespace notify::core
