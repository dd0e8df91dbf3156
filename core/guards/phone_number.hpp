// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace notify::core {

// Brings a phone number as callers often write it into E.164, the only form the store and the
// SMS providers take:
//   - spaces, dashes, dots and parentheses are dropped ("+86 137-1111-2222");
//   - an international "00" prefix becomes "+" ("008613711112222");
//   - a national number ("13711112222", "07700 900123") gets "+" and countryCode, after one
//     leading trunk "0" is dropped — only when countryCode (the app's default_country_code) is
//     set; otherwise it is left for the E.164 check to refuse.
// Returns the normalised number, or nullopt when the text has anything else in it (letters,
// a "+" not in front) or nothing to normalise; the caller then keeps the text as it was.
std::optional<std::string> normalizePhoneNumber(std::string_view text, std::string_view countryCode);

// Whether text is a valid country calling code: 1 to 3 digits, not starting with 0.
bool isCountryCallingCode(std::string_view text);

}  // namespace notify::core
