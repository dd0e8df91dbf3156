// SPDX-License-Identifier: Apache-2.0
// Tencent Cloud API signature v3 (TC3-HMAC-SHA256), as a pure function of the request: the
// canonical request, the string to sign and the Authorization header. Crypto comes from the
// host services.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "notify/channel.hpp"

namespace notify::plugin::sms_tencent {

struct Tc3Request {
  std::string method = "POST";
  std::string canonicalUri = "/";
  std::string canonicalQuery;  // empty for POST
  // The headers to sign, with the values actually sent (any order, any case).
  std::vector<std::pair<std::string, std::string>> signedHeaders;
  std::string payload;    // the exact body bytes
  int64_t timestamp = 0;  // Unix seconds, the X-TC-Timestamp value
  std::string service;    // credential scope service, e.g. "sms"
};

struct Tc3Signature {
  std::string date;  // UTC date of the timestamp, YYYY-MM-DD
  std::string canonicalRequest;
  std::string stringToSign;
  std::string signature;      // lower-case hex
  std::string authorization;  // the Authorization header value
};

Tc3Signature tc3Sign(const sdk::Host& host, const Tc3Request& request, std::string_view secretId,
                     std::string_view secretKey);

}  // namespace notify::plugin::sms_tencent
