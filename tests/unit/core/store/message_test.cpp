// SPDX-License-Identifier: Apache-2.0
#include "core/store/message.hpp"

#include <gtest/gtest.h>

namespace notify::core {
namespace {

const MessageState kAll[] = {
    MessageState::kAccepted,   MessageState::kDuplicate, MessageState::kScheduled,
    MessageState::kQueued,     MessageState::kSending,   MessageState::kProviderAccepted,
    MessageState::kDelivered,  MessageState::kRetrying,  MessageState::kRateLimited,
    MessageState::kSuppressed, MessageState::kCanceled,  MessageState::kFailed};

TEST(MessageState, NamesRoundTrip) {
  for (MessageState state : kAll) {
    std::optional<MessageState> parsed = parseState(stateName(state));
    ASSERT_TRUE(parsed.has_value()) << stateName(state);
    EXPECT_EQ(*parsed, state);
  }
  EXPECT_STREQ(stateName(MessageState::kProviderAccepted), "provider_accepted");
  EXPECT_STREQ(stateName(MessageState::kRateLimited), "rate_limited");
  EXPECT_EQ(parseState("Delivered"), std::nullopt);
  EXPECT_EQ(parseState(""), std::nullopt);
}

TEST(MessageState, OnlyFinalStatesAreTerminal) {
  EXPECT_TRUE(isTerminal(MessageState::kDelivered));
  EXPECT_TRUE(isTerminal(MessageState::kProviderAccepted));
  EXPECT_TRUE(isTerminal(MessageState::kFailed));
  EXPECT_TRUE(isTerminal(MessageState::kCanceled));
  EXPECT_TRUE(isTerminal(MessageState::kSuppressed));
  EXPECT_TRUE(isTerminal(MessageState::kDuplicate));
  EXPECT_FALSE(isTerminal(MessageState::kAccepted));
  EXPECT_FALSE(isTerminal(MessageState::kScheduled));
  EXPECT_FALSE(isTerminal(MessageState::kQueued));
  EXPECT_FALSE(isTerminal(MessageState::kSending));
  EXPECT_FALSE(isTerminal(MessageState::kRetrying));
  EXPECT_FALSE(isTerminal(MessageState::kRateLimited));
}

}  // namespace
}  // namespace notify::core
