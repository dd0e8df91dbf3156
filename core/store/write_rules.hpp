// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/store/message.hpp"

namespace notify::core {

// What both stores' write paths share: how an idempotency key, the guard checks and a suppression
// decide a new message's fate from what the store already holds. The stores fetch; these decide,
// so SQLite and PostgreSQL cannot drift apart.

// Guard marks older than any window the configuration accepts (30 days) are pruned, a bounded
// number every kGuardMarkPruneEvery writes, so the table does not grow without end.
constexpr int64_t kGuardMarkHorizonMs = 31LL * 86400000;
constexpr int kGuardMarkPruneEvery = 1024;
constexpr int64_t kGuardMarkPruneBatch = 10000;

// A routed provider chain in one column: names separated by newlines (never in a TOML key the
// configuration accepts as a provider name).
std::string joinProviders(const std::vector<std::string>& providers);
std::vector<std::string> splitProviders(const std::string& text);

// The stored message already holding a new message's app + idempotency key.
struct KeyHolder {
  std::string messageId;
  std::string payloadHash;
  int64_t createdMs = 0;
};

enum class KeyVerdict {
  kExpired,   // the holder is older than the key's retention: free the key, store the new one
  kRepeat,    // same payload (or unknown): nothing stored, the holder is the answer
  kConflict,  // another payload under the same key: nothing stored
};

KeyVerdict judgeKey(const NewMessage& m, const KeyHolder& holder);

// The outcome of a repeat or a conflict.
InsertOutcome keyOutcome(const NewMessage& m, const KeyHolder& holder, KeyVerdict verdict);

// The marks earlier sendable messages left under guard keys, as a store sees them inside its
// write transaction.
class MarkSource {
 public:
  virtual ~MarkSource() = default;
  // How many marks key holds at or after sinceMs; counting up to limit is enough.
  virtual int64_t count(const std::string& key, int64_t sinceMs, int64_t limit) = 0;
  // The message that left the latest mark under key at or after sinceMs, or "".
  virtual std::string latest(const std::string& key, int64_t sinceMs) = 0;
};

// Where a message goes: refused (nothing stored; detail is why), or stored in state with the
// detail of its first state event.
struct GuardVerdict {
  bool refused = false;
  std::string errorCode;                       // refused: the guard's code
  MessageState state = MessageState::kQueued;  // queued, scheduled, suppressed or duplicate
  std::string detail;
  std::string duplicateOf;  // state duplicate: the message that left the mark

  bool sendable() const {
    return state == MessageState::kQueued || state == MessageState::kScheduled;
  }
  // The actor of the first state event: the app when it goes out, the guard when it does not.
  std::string actor(const std::string& app) const { return sendable() ? "app:" + app : "guard"; }
};

// Suppression, then refusing checks, then duplicates, then caps. marks is asked only when m has
// guard checks.
GuardVerdict judgeGuards(const NewMessage& m, MarkSource& marks);

// A send_at after the message's creation: stored as scheduled, claimable from send_at on.
bool isScheduled(const NewMessage& m);

// Whether m is stored already claimed by owner (NewMessage::claimLeaseMs): asked for, and the
// verdict lets it go out now.
bool storedClaimed(const NewMessage& m, const GuardVerdict& verdict, const std::string& owner);

// What the caller hears: refused, or stored in the verdict's state.
InsertOutcome guardOutcome(const GuardVerdict& verdict);

}  // namespace notify::core
