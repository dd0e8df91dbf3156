// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/common/result.hpp"

namespace notify::core {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

enum class Op {
  kSend,
  kSendBatch,
  kStatus,
  kPing,
  kPlugins,
  kDlqList,
  kDlqReplay,
  kRouteExplain,  // fields of a send; nothing is stored
  kReload,        // admin apps only
  kCancel,
  kCronList,
  kCronRunNow,
  kCronPause,
  kCronResume,
  kCronRuns,
  kCronCancel,
  kAudiencePush,
};

// The filter of dlq_list and dlq_replay.
struct DeadLetterFilter {
  std::string messageId;
  std::string templateName;
  std::optional<int64_t> sinceMs;
  std::optional<int64_t> untilMs;
  size_t limit = 100;
};

// What cancel names: exactly one of a message id, an idempotency key, or a tag (every still
// scheduled message of the app with that tag).
struct CancelTarget {
  std::string messageId;
  std::string idempotencyKey;
  std::string tag;
};

// audience_push: rows appended to (or replacing) one of the app's named lists.
struct AudiencePush {
  std::string list;
  std::vector<std::pair<KeyValues, KeyValues>> rows;  // (to, vars)
  bool replace = false;
};

// The fields of one message to send, as the caller gave them (shape-checked, not yet judged
// against templates and channels).
struct SendRequest {
  std::string templateName;
  KeyValues to;
  KeyValues vars;  // values as text: numbers and booleans in their JSON spelling
  std::string channel;
  std::string idempotencyKey;
  std::optional<int64_t> sendAtMs;
  std::vector<std::string> tags;
};

struct Request {
  Op op = Op::kPing;
  std::string app;
  std::string token;
  SendRequest send;                        // op == kSend, kRouteExplain
  std::vector<Result<SendRequest>> batch;  // op == kSendBatch: each element judged alone
  std::string messageId;                   // op == kStatus
  DeadLetterFilter deadLetters;            // op == kDlqList, kDlqReplay
  CancelTarget cancel;                     // op == kCancel
  std::string job;                         // the cron_* ops but cron_list
  size_t limit = 20;                       // op == kCronRuns
  AudiencePush audience;                   // op == kAudiencePush
};

// A decoded frame. reqIdJson is the caller's req_id as JSON text, echoed in the reply even
// when the request is refused; empty when absent or unreadable.
struct DecodedRequest {
  std::string reqIdJson;
  Result<Request> request = makeError("internal", "not decoded");
};

struct DecodeLimits {
  size_t maxFrameBytes = 1 << 20;
  size_t maxBatch = 1000;
};

// Decodes and shape-checks one request frame. Never throws.
DecodedRequest decodeRequest(std::string_view frame, const DecodeLimits& limits);

}  // namespace notify::core
