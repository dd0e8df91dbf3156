// SPDX-License-Identifier: Apache-2.0
#include "core/guards/phone_number.hpp"

#include <gtest/gtest.h>

namespace notify::core {
namespace {

TEST(PhoneNumber, SeparatorsAndTheInternationalPrefixAreNormalised) {
  EXPECT_EQ(normalizePhoneNumber("+86 137-1111-2222", ""), "+8613711112222");
  EXPECT_EQ(normalizePhoneNumber("+1 (415) 555.0100", ""), "+14155550100");
  EXPECT_EQ(normalizePhoneNumber("008613711112222", ""), "+8613711112222");
}

TEST(PhoneNumber, NationalNumbersTakeTheCountryCodeAfterTheTrunkZero) {
  EXPECT_EQ(normalizePhoneNumber("13711112222", "86"), "+8613711112222");
  EXPECT_EQ(normalizePhoneNumber("07700 900123", "44"), "+447700900123");
  EXPECT_EQ(normalizePhoneNumber("030 1234567", "49"), "+49301234567");
}

TEST(PhoneNumber, WithoutACountryCodeNationalNumbersAreLeftAlone) {
  EXPECT_EQ(normalizePhoneNumber("13711112222", ""), std::nullopt);
}

TEST(PhoneNumber, AlreadyE164OrNotANumberAtAllIsLeftAlone) {
  EXPECT_EQ(normalizePhoneNumber("+8613711112222", "86"), std::nullopt);
  for (const char* text : {"", "abc", "137x1111", "13+7111", "++86137", "+ ", "1@2"}) {
    EXPECT_EQ(normalizePhoneNumber(text, "86"), std::nullopt) << text;
  }
}

TEST(PhoneNumber, CountryCallingCodes) {
  for (const char* good : {"1", "44", "86", "358"}) {
    EXPECT_TRUE(isCountryCallingCode(good)) << good;
  }
  for (const char* bad : {"", "+86", "086", "1234", "8a"}) {
    EXPECT_FALSE(isCountryCallingCode(bad)) << bad;
  }
}

}  // namespace
}  // namespace notify::core
