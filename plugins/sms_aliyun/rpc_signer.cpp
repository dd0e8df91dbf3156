// SPDX-License-Identifier: Apache-2.0
#include "plugins/sms_aliyun/rpc_signer.hpp"

#include <algorithm>

namespace notify::plugin::sms_aliyun {

std::string canonicalQuery(const sdk::Host& host, const Params& params) {
  Params encoded;
  encoded.reserve(params.size());
  for (const auto& [key, value] : params) {
    if (key != "Signature") {
      encoded.emplace_back(host.urlEncode(key), host.urlEncode(value));
    }
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [key, value] : encoded) {
    out.append(out.empty() ? "" : "&").append(key).append("=").append(value);
  }
  return out;
}

std::string stringToSign(const sdk::Host& host, std::string_view method, const Params& params) {
  return std::string(method) + "&" + host.urlEncode("/") + "&" +
         host.urlEncode(canonicalQuery(host, params));
}

std::string rpcSignature(const sdk::Host& host, std::string_view method, const Params& params,
                         std::string_view accessKeySecret) {
  return host.base64(
      host.hmacSha1(std::string(accessKeySecret) + "&", stringToSign(host, method, params)));
}

}  // namespace notify::plugin::sms_aliyun
