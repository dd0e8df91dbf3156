// SPDX-License-Identifier: Apache-2.0
#include "core/store/message.hpp"

#include <array>
#include <utility>

namespace notify::core {
namespace {

constexpr std::array<std::pair<MessageState, const char*>, 12> kNames = {{
    {MessageState::kAccepted, "accepted"},
    {MessageState::kDuplicate, "duplicate"},
    {MessageState::kScheduled, "scheduled"},
    {MessageState::kQueued, "queued"},
    {MessageState::kSending, "sending"},
    {MessageState::kProviderAccepted, "provider_accepted"},
    {MessageState::kDelivered, "delivered"},
    {MessageState::kRetrying, "retrying"},
    {MessageState::kRateLimited, "rate_limited"},
    {MessageState::kSuppressed, "suppressed"},
    {MessageState::kCanceled, "canceled"},
    {MessageState::kFailed, "failed"},
}};

}  // namespace

const char* stateName(MessageState state) {
  for (const auto& [value, name] : kNames) {
    if (value == state) {
      return name;
    }
  }
  return "unknown";
}

std::optional<MessageState> parseState(std::string_view name) {
  for (const auto& [value, text] : kNames) {
    if (name == text) {
      return value;
    }
  }
  return std::nullopt;
}

bool isTerminal(MessageState state) {
  switch (state) {
    case MessageState::kProviderAccepted:
    case MessageState::kDelivered:
    case MessageState::kSuppressed:
    case MessageState::kCanceled:
    case MessageState::kFailed:
    case MessageState::kDuplicate:
      return true;
    default:
      return false;
  }
}

bool isCancelable(MessageState state) {
  return state == MessageState::kScheduled || state == MessageState::kQueued ||
         state == MessageState::kRetrying || state == MessageState::kRateLimited;
}

std::vector<std::string> storedFinalStateNames() {
  std::vector<std::string> names;
  for (const auto& [state, name] : kNames) {
    if (isTerminal(state) && state != MessageState::kDuplicate) {  // duplicates are not stored
      names.emplace_back(name);
    }
  }
  return names;
}

}  // namespace notify::core
