// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <climits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace notify::core {

enum class MessageState {
  kAccepted,
  kDuplicate,
  kScheduled,
  kQueued,
  kSending,
  kProviderAccepted,
  kDelivered,
  kRetrying,
  kRateLimited,
  kSuppressed,
  kCanceled,
  kFailed,
};

const char* stateName(MessageState state);
std::optional<MessageState> parseState(std::string_view name);
bool isTerminal(MessageState state);
// The names of the states isTerminal accepts that a stored message can be in.
std::vector<std::string> storedFinalStateNames();

// One lifecycle transition, as recorded: time, state, who caused it, the provider's code.
struct MessageEvent {
  int64_t atMs = 0;
  MessageState state = MessageState::kAccepted;
  std::string actor;     // "app:NAME", "dispatcher", "plugin:NAME", "provider:NAME"
  std::string provider;  // the provider instance, when one is involved
  std::string code;      // the provider's own code
  std::string detail;
};

// A limit decided inside the write transaction, so two concurrent requests can never both pass
// it. Messages that are stored to be sent leave a mark under every key of their checks; a check
// counts the marks under its key at or after sinceMs.
struct GuardCheck {
  enum class Kind {
    kRefuse,     // limit reached: the request is refused with errorCode, nothing is stored
    kDuplicate,  // a mark exists: stored as "duplicate" of the message that left it
    kSuppress,   // limit reached: stored as "suppressed", never sent
  };
  Kind kind = Kind::kSuppress;
  std::string key;
  int64_t sinceMs = 0;
  int64_t limit = 1;
  std::string reason;
  std::string errorCode;  // kRefuse only
};

// A message accepted by ingress, rendered and ready to be stored.
struct NewMessage {
  std::string id;
  std::string lane = "default";
  std::string app;
  std::string templateName;
  std::string channel;
  std::string toJson;     // {"kind": "address", ...}
  std::string varsJson;   // {"name": "value", ...}
  std::string attrsJson;  // the template's per-channel attributes
  std::string subject;
  std::string body;
  std::string tagsJson;  // ["tag", ...]
  std::string reqId;
  std::string idempotencyKey;  // empty: none
  std::string owner;           // attribution: the template's owner (else the app's)
  std::string businessLine;    // attribution: the template's business line
  int64_t createdMs = 0;
  int64_t sendAtMs = 0;  // 0: now; later: stored as scheduled
  std::string suppressReason;  // not empty: stored as suppressed with this reason, never sent
  std::vector<std::string> providers;  // the routed provider chain; empty: the channel's
  std::string routeDetail;             // why this channel and chain, kept in the queued event
  std::string payloadHash;             // what an idempotency key stands for
  int64_t idempotencySinceMs = 0;      // an older message with the same key no longer counts
  std::vector<GuardCheck> guards;      // refuse checks first, then duplicates, then caps
  // Above 0: a local dispatcher has room for it, so when it is stored queued (due now, not held
  // back by a guard) it is stored already claimed, by WriteBatch::claimOwner with this lease,
  // and handed over without a claim (InsertOutcome::claimed).
  int64_t claimLeaseMs = 0;
};

// What happened to one NewMessage in a write.
struct InsertOutcome {
  enum class Result {
    kStored,            // stored in state (queued, scheduled, suppressed or duplicate)
    kIdempotentRepeat,  // same app + key + payload: nothing stored, duplicateOf is the original
    kConflict,          // same app + key, different payload: nothing stored
    kRefused,           // a kRefuse guard check: nothing stored
  };
  bool inserted = false;
  std::string duplicateOf;  // the original (idempotent repeat) or the earlier same content
  Result result = Result::kStored;
  MessageState state = MessageState::kQueued;
  std::string reason;     // suppressed, duplicate, refused, conflict: why
  std::string errorCode;  // kRefused: the guard's code
  bool claimed = false;   // stored as attempt 1 of the claim NewMessage::claimLeaseMs asked for
};

// The dispatcher's verdict on one attempt. Applied only while the message is still in the
// lease of that attempt, so a late answer after a reclaim cannot overwrite newer state.
struct Transition {
  std::string messageId;
  uint32_t attempt = 0;
  MessageState state = MessageState::kFailed;
  std::optional<int64_t> readyMs;  // when to try again; none for a final state
  bool refundAttempt = false;      // the attempt never reached a provider (limit, circuit)
  std::string provider;
  std::string providerMessageId;
  MessageEvent event;
};

// A message claimed for sending, with the lease held by the claimer.
struct ClaimedMessage {
  std::string id;
  std::string lane;
  std::string app;
  std::string templateName;
  std::string channel;
  std::string toJson;
  std::string varsJson;
  std::string attrsJson;
  std::string subject;
  std::string body;
  uint32_t attempt = 0;  // this attempt's number, 1-based
  int64_t createdMs = 0;
  std::vector<std::string> providers;  // the routed chain; empty: the channel's
  int64_t sendAtMs = 0;  // its send_at when it was scheduled, else 0; its age counts from here
  // The state it was claimed from: kRateLimited means it waited for a permit it was promised.
  MessageState claimedFrom = MessageState::kQueued;
};

// A message with its whole history, for status and trace.
struct MessageRecord {
  std::string id;
  std::string lane;
  std::string app;
  std::string templateName;
  std::string channel;
  MessageState state = MessageState::kAccepted;
  std::string provider;
  std::string providerMessageId;
  uint32_t attempts = 0;
  int64_t createdMs = 0;
  int64_t updatedMs = 0;
  std::string reqId;
  std::string tagsJson;
  std::string toJson;        // filled by send-log queries (MessageStore::findMessages)
  std::string owner;         // filled by send-log queries
  std::string businessLine;  // filled by send-log queries
  std::vector<MessageEvent> events;
};

// Which dead letters (failed messages) to list or replay. The app is always set: callers see
// only their own messages.
struct DeadLetterQuery {
  std::string app;
  std::string messageId;     // empty: any
  std::string templateName;  // empty: any
  int64_t sinceMs = 0;       // failed at or after
  int64_t untilMs = INT64_MAX;
  size_t limit = 100;
};

// A message that failed for good, with its last error.
struct DeadLetter {
  std::string id;
  std::string templateName;
  std::string channel;
  std::string provider;
  uint32_t attempts = 0;
  int64_t createdMs = 0;
  int64_t failedMs = 0;
  std::string code;
  std::string detail;
};

// Which message cancel acts on: by id or by idempotency key, always within one app (an app
// cancels only its own messages).
struct CancelQuery {
  std::string app;
  std::string messageId;  // one of these two
  std::string idempotencyKey;
  int64_t nowMs = 0;
  std::string actor;  // "app:NAME", recorded on the "canceled" event
};

// What cancel found. A message still waiting (scheduled, queued, retrying, rate_limited) is
// canceled; one being sent or already finished is too late and keeps its state.
struct CancelOutcome {
  bool found = false;
  bool canceled = false;
  std::string messageId;
  MessageState state = MessageState::kCanceled;  // canceled, or the state that was too late
};

// States a message can still be canceled in: it waits in the store and no worker holds it.
bool isCancelable(MessageState state);

}  // namespace notify::core
