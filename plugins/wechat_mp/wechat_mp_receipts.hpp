// SPDX-License-Identifier: Apache-2.0
// WeChat template-send results: the Official Account's message push (服务器配置 URL) carries a
// TEMPLATESENDJOBFINISH event per template message once WeChat knows its fate. Every push is
// signed: signature = hex(SHA1(the sorted concatenation of token, timestamp and nonce)), all
// three as query parameters, token being the one set in the account's server configuration.
#pragma once

#include <string>
#include <string_view>

#include "notify/channel.hpp"

namespace notify::plugin::wechat_mp {

// What WeChat expects as the answer to a push it should not repeat.
inline constexpr std::string_view kPushReply = "success";

// The text WeChat signs: token, timestamp and nonce sorted as byte strings, concatenated.
std::string signatureBase(std::string_view token, std::string_view timestamp,
                          std::string_view nonce);

// The value of <tag> in WeChat's flat push XML (<xml><Tag><![CDATA[v]]></Tag>…</xml>), CDATA
// unwrapped and entities decoded; "" when the tag is absent.
std::string xmlField(std::string_view xml, std::string_view tag);

// One push request, after its signature was checked: a GET (the URL check WeChat makes when the
// server address is saved) is answered with its echostr; a TEMPLATESENDJOBFINISH event becomes
// one receipt matched by MsgID (status "success" delivered, anything else such as
// "failed:user block" or "failed: system failed" failed, with the status text as the code);
// any other push (a follow, a chat message) is acknowledged with no receipt. Pushes that are
// only encrypted (safe mode) are refused; compatible mode's plaintext copy is read. Pure.
sdk::Receipts parsePush(std::string_view method, std::string_view body, std::string_view echostr);

// Checks the signature of request with callbackToken (refusing with sdk::ReceiptAuthError when
// it is missing or wrong, or no token is configured), then parses it with parsePush.
sdk::Receipts templateSendReceipts(const sdk::InboundRequest& request,
                                   std::string_view callbackToken, const sdk::Host& host);

}  // namespace notify::plugin::wechat_mp
