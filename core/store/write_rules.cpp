// SPDX-License-Identifier: Apache-2.0
#include "core/store/write_rules.hpp"

namespace notify::core {

std::string joinProviders(const std::vector<std::string>& providers) {
  std::string out;
  for (const auto& p : providers) {
    out += (out.empty() ? "" : "\n") + p;
  }
  return out;
}

std::vector<std::string> splitProviders(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    end = end == std::string::npos ? text.size() : end;
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

KeyVerdict judgeKey(const NewMessage& m, const KeyHolder& holder) {
  if (holder.createdMs < m.idempotencySinceMs) {
    return KeyVerdict::kExpired;
  }
  if (!holder.payloadHash.empty() && !m.payloadHash.empty() &&
      holder.payloadHash != m.payloadHash) {
    return KeyVerdict::kConflict;
  }
  return KeyVerdict::kRepeat;
}

InsertOutcome keyOutcome(const NewMessage& m, const KeyHolder& holder, KeyVerdict verdict) {
  InsertOutcome out;
  out.duplicateOf = holder.messageId;
  if (verdict == KeyVerdict::kConflict) {
    out.result = InsertOutcome::Result::kConflict;
    out.reason = "idempotency key '" + m.idempotencyKey + "' was used for message " +
                 holder.messageId + " with a different payload";
  } else {
    out.result = InsertOutcome::Result::kIdempotentRepeat;
  }
  return out;
}

bool isScheduled(const NewMessage& m) {
  return m.sendAtMs > m.createdMs;
}

bool storedClaimed(const NewMessage& m, const GuardVerdict& verdict, const std::string& owner) {
  return verdict.state == MessageState::kQueued && m.claimLeaseMs > 0 && !owner.empty();
}

GuardVerdict judgeGuards(const NewMessage& m, MarkSource& marks) {
  using Kind = GuardCheck::Kind;
  GuardVerdict v;
  v.state = isScheduled(m) ? MessageState::kScheduled : MessageState::kQueued;
  v.detail = m.routeDetail;
  if (!m.suppressReason.empty()) {
    v.state = MessageState::kSuppressed;
    v.detail = m.suppressReason;
  }
  for (Kind pass : {Kind::kRefuse, Kind::kDuplicate, Kind::kSuppress}) {
    for (const GuardCheck& g : m.guards) {
      if (g.kind != pass || !v.sendable()) {
        continue;
      }
      if (pass == Kind::kDuplicate) {
        std::string earlier = marks.latest(g.key, g.sinceMs);
        if (!earlier.empty()) {
          v.state = MessageState::kDuplicate;
          v.duplicateOf = earlier;
          v.detail = g.reason + "; duplicate of " + earlier;
        }
      } else if (marks.count(g.key, g.sinceMs, g.limit) >= g.limit) {
        if (pass == Kind::kRefuse) {
          v.refused = true;
          v.errorCode = g.errorCode;
          v.detail = g.reason;
          return v;
        }
        v.state = MessageState::kSuppressed;
        v.detail = g.reason;
      }
    }
  }
  return v;
}

InsertOutcome guardOutcome(const GuardVerdict& verdict) {
  InsertOutcome out;
  if (verdict.refused) {
    out.result = InsertOutcome::Result::kRefused;
    out.reason = verdict.detail;
    out.errorCode = verdict.errorCode;
    return out;
  }
  out.inserted = true;
  out.state = verdict.state;
  out.duplicateOf = verdict.duplicateOf;
  out.reason = verdict.sendable() ? std::string() : verdict.detail;
  return out;
}

}  // namespace notify::core
