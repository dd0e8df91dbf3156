// SPDX-License-Identifier: Apache-2.0
#include "plugins/wechat_mp/wechat_mp_receipts.hpp"

#include <algorithm>
#include <array>

namespace notify::plugin::wechat_mp {
namespace {

constexpr std::string_view kCdataOpen = "<![CDATA[";
constexpr std::string_view kCdataClose = "]]>";

std::string decodeEntities(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, char>, 5> kEntities = {
      {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}}};
  std::string out;
  for (size_t i = 0; i < text.size();) {
    auto entity = std::find_if(kEntities.begin(), kEntities.end(), [&](const auto& e) {
      return text.substr(i, e.first.size()) == e.first;
    });
    if (entity != kEntities.end()) {
      out += entity->second;
      i += entity->first.size();
    } else {
      out += text[i++];
    }
  }
  return out;
}

// Comparison in time independent of where the texts differ.
bool sameText(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

std::string describe(std::string_view status) {
  if (status == "success") {
    return "the follower received the template message";
  }
  if (status == "failed:user block") {
    return "the follower refuses template messages from this account";
  }
  if (status.rfind("failed: system", 0) == 0) {
    return "WeChat failed to deliver the template message";
  }
  return "";
}

}  // namespace

std::string signatureBase(std::string_view token, std::string_view timestamp,
                          std::string_view nonce) {
  std::array<std::string_view, 3> parts = {token, timestamp, nonce};
  std::sort(parts.begin(), parts.end());
  return std::string(parts[0]) + std::string(parts[1]) + std::string(parts[2]);
}

std::string xmlField(std::string_view xml, std::string_view tag) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  size_t start = xml.find(open);
  if (start == std::string_view::npos) {
    return "";
  }
  start += open.size();
  size_t end = xml.find(close, start);
  if (end == std::string_view::npos) {
    throw sdk::ReceiptError("the push XML has <" + std::string(tag) + "> without its end tag");
  }
  std::string_view value = xml.substr(start, end - start);
  if (value.rfind(kCdataOpen, 0) == 0 && value.size() >= kCdataOpen.size() + kCdataClose.size() &&
      value.substr(value.size() - kCdataClose.size()) == kCdataClose) {
    return std::string(
        value.substr(kCdataOpen.size(), value.size() - kCdataOpen.size() - kCdataClose.size()));
  }
  return decodeEntities(value);
}

sdk::Receipts parsePush(std::string_view method, std::string_view body, std::string_view echostr) {
  sdk::Receipts out;
  if (method == "GET") {
    if (echostr.empty()) {
      throw sdk::ReceiptError("a GET push check without echostr");
    }
    out.reply = std::string(echostr);  // the server-address check: echo it back
    return out;
  }
  if (body.find("<xml>") == std::string_view::npos) {
    throw sdk::ReceiptError("the push body is not WeChat XML");
  }
  // Compatible mode carries a plaintext copy beside <Encrypt>; safe mode only the ciphertext.
  if (xmlField(body, "MsgType").empty() && !xmlField(body, "Encrypt").empty()) {
    throw sdk::ReceiptError(
        "encrypted pushes (safe mode) are not supported; set the account's message encryption "
        "to plaintext or compatible mode");
  }
  out.reply = std::string(kPushReply);
  if (xmlField(body, "MsgType") != "event" || xmlField(body, "Event") != "TEMPLATESENDJOBFINISH") {
    return out;  // another kind of push: acknowledged, nothing to apply
  }
  sdk::Receipt r;
  r.providerMessageId = xmlField(body, "MsgID");
  r.code = xmlField(body, "Status");
  if (r.providerMessageId.empty()) {
    throw sdk::ReceiptError("a TEMPLATESENDJOBFINISH event has no MsgID");
  }
  if (r.code.empty()) {
    throw sdk::ReceiptError("a TEMPLATESENDJOBFINISH event has no Status");
  }
  r.delivered = r.code == "success";
  r.detail = describe(r.code);
  out.receipts.push_back(std::move(r));
  return out;
}

sdk::Receipts templateSendReceipts(const sdk::InboundRequest& request,
                                   std::string_view callbackToken, const sdk::Host& host) {
  if (callbackToken.empty()) {
    throw sdk::ReceiptAuthError("no callback_token is configured: pushes cannot be checked");
  }
  std::string_view signature = request.query("signature");
  std::string_view timestamp = request.query("timestamp");
  std::string_view nonce = request.query("nonce");
  if (signature.empty() || timestamp.empty() || nonce.empty()) {
    throw sdk::ReceiptAuthError("the push has no signature, timestamp or nonce");
  }
  std::string expected = host.hex(host.sha1(signatureBase(callbackToken, timestamp, nonce)));
  if (!sameText(expected, signature)) {
    throw sdk::ReceiptAuthError("the push signature does not match callback_token");
  }
  return parsePush(request.method(), request.body(), request.query("echostr"));
}

}  // namespace notify::plugin::wechat_mp
