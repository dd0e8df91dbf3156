// SPDX-License-Identifier: Apache-2.0
#include "plugins/sms_tencent/tc3_signer.hpp"

#include <algorithm>

#include "plugins/common/ascii_text.hpp"
#include "plugins/common/time_format.hpp"

namespace notify::plugin::sms_tencent {

Tc3Signature tc3Sign(const sdk::Host& host, const Tc3Request& request, std::string_view secretId,
                     std::string_view secretKey) {
  // TC3's canonical header form: blanks around name and value dropped, both in lower case.
  const auto canonical = [](std::string_view text) {
    return common::lowerAscii(common::trim(text, common::kBlanks));
  };
  std::vector<std::pair<std::string, std::string>> headers;
  headers.reserve(request.signedHeaders.size());
  for (const auto& [name, value] : request.signedHeaders) {
    headers.emplace_back(canonical(name), canonical(value));
  }
  std::sort(headers.begin(), headers.end());
  std::string canonicalHeaders;
  std::string signedHeaders;
  for (const auto& [name, value] : headers) {
    canonicalHeaders.append(name).append(":").append(value).append("\n");
    signedHeaders.append(signedHeaders.empty() ? "" : ";").append(name);
  }

  Tc3Signature out;
  out.date = common::formatUtcDate(request.timestamp * 1000);
  out.canonicalRequest = request.method + "\n" + request.canonicalUri + "\n" +
                         request.canonicalQuery + "\n" + canonicalHeaders + "\n" + signedHeaders +
                         "\n" + host.hex(host.sha256(request.payload));
  const std::string scope = out.date + "/" + request.service + "/tc3_request";
  out.stringToSign = "TC3-HMAC-SHA256\n" + std::to_string(request.timestamp) + "\n" + scope + "\n" +
                     host.hex(host.sha256(out.canonicalRequest));

  const std::string secretDate = host.hmacSha256("TC3" + std::string(secretKey), out.date);
  const std::string secretService = host.hmacSha256(secretDate, request.service);
  const std::string secretSigning = host.hmacSha256(secretService, "tc3_request");
  out.signature = host.hex(host.hmacSha256(secretSigning, out.stringToSign));
  out.authorization = "TC3-HMAC-SHA256 Credential=" + std::string(secretId) + "/" + scope +
                      ", SignedHeaders=" + signedHeaders + ", Signature=" + out.signature;
  return out;
}

}  // namespace notify::plugin::sms_tencent
