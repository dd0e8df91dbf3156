// SPDX-License-Identifier: Apache-2.0
// Alibaba Cloud RPC signature v1 (HMAC-SHA1), as a pure function of the parameters: every
// parameter but Signature percent-encoded (RFC 3986), sorted, joined, the whole encoded once
// more behind the method, and signed with AccessKeySecret + "&". Crypto and encoding come from
// the host services.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "notify/channel.hpp"

namespace notify::plugin::sms_aliyun {

using Params = std::vector<std::pair<std::string, std::string>>;

// "k1=v1&k2=v2..." with keys and values percent-encoded and sorted by encoded key; a parameter
// named Signature is left out. Also the form body (or query) the request carries.
std::string canonicalQuery(const sdk::Host& host, const Params& params);

// method + "&" + pe("/") + "&" + pe(canonicalQuery).
std::string stringToSign(const sdk::Host& host, std::string_view method, const Params& params);

// Base64(HMAC-SHA1(secret + "&", stringToSign)).
std::string rpcSignature(const sdk::Host& host, std::string_view method, const Params& params,
                         std::string_view accessKeySecret);

}  // namespace notify::plugin::sms_aliyun
