// SPDX-License-Identifier: Apache-2.0
#include "plugins/wechat_mp/wechat_mp_receipts.hpp"

#include <gtest/gtest.h>

namespace notify::plugin::wechat_mp {
namespace {

std::string templateEvent(const std::string& msgId, const std::string& status) {
  return "<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName>"
         "<FromUserName><![CDATA[oia2TjuEGTNoeX76QEjQNrcURxG8]]></FromUserName>"
         "<CreateTime>1395658920</CreateTime><MsgType><![CDATA[event]]></MsgType>"
         "<Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>" +
         msgId + "</MsgID><Status><![CDATA[" + status + "]]></Status></xml>";
}

TEST(WechatMpReceipts, SignatureBaseSortsTokenTimestampAndNonce) {
  EXPECT_EQ(signatureBase("token", "1409304348", "xxxxxx"), "1409304348tokenxxxxxx");
  EXPECT_EQ(signatureBase("b", "c", "a"), "abc");
}

TEST(WechatMpReceipts, TemplateSendResultsBecomeReceiptsMatchedByMsgId) {
  sdk::Receipts ok = parsePush("POST", templateEvent("200163836", "success"), "");
  ASSERT_EQ(ok.receipts.size(), 1u);
  EXPECT_TRUE(ok.receipts[0].delivered);
  EXPECT_EQ(ok.receipts[0].providerMessageId, "200163836");
  EXPECT_EQ(ok.receipts[0].code, "success");
  EXPECT_EQ(ok.reply, "success");

  sdk::Receipts blocked = parsePush("POST", templateEvent("200163840", "failed:user block"), "");
  ASSERT_EQ(blocked.receipts.size(), 1u);
  EXPECT_FALSE(blocked.receipts[0].delivered);
  EXPECT_EQ(blocked.receipts[0].code, "failed:user block");
  EXPECT_NE(blocked.receipts[0].detail.find("refuses"), std::string::npos);

  sdk::Receipts system = parsePush("POST", templateEvent("200163841", "failed: system failed"), "");
  ASSERT_EQ(system.receipts.size(), 1u);
  EXPECT_FALSE(system.receipts[0].delivered);
  EXPECT_EQ(system.receipts[0].code, "failed: system failed");
}

TEST(WechatMpReceipts, OtherPushesAreAcknowledgedWithoutReceipts) {
  sdk::Receipts follow = parsePush(
      "POST",
      "<xml><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>", "");
  EXPECT_TRUE(follow.receipts.empty());
  EXPECT_EQ(follow.reply, "success");
  sdk::Receipts check = parsePush("GET", "", "4129831872");
  EXPECT_TRUE(check.receipts.empty());
  EXPECT_EQ(check.reply, "4129831872");
}

TEST(WechatMpReceipts, XmlFieldReadsCdataAndEscapedText) {
  EXPECT_EQ(xmlField("<xml><A><![CDATA[x<y]]></A></xml>", "A"), "x<y");
  EXPECT_EQ(xmlField("<xml><A>a &amp; b &lt;c&gt;</A></xml>", "A"), "a & b <c>");
  EXPECT_EQ(xmlField("<xml><A>1</A></xml>", "B"), "");
}

TEST(WechatMpReceipts, MalformedOrSafeModePushesAreRefusedCompatibleModeIsRead) {
  EXPECT_THROW(parsePush("POST", "{\"not\":\"xml\"}", ""), sdk::ReceiptError);
  EXPECT_THROW(parsePush("POST", "<xml><Encrypt><![CDATA[abc]]></Encrypt></xml>", ""),
               sdk::ReceiptError);
  std::string compatible = templateEvent("200163842", "success");
  compatible.insert(compatible.size() - 6, "<Encrypt><![CDATA[abc]]></Encrypt>");
  EXPECT_EQ(parsePush("POST", compatible, "").receipts.at(0).providerMessageId, "200163842");
  EXPECT_THROW(parsePush("POST", templateEvent("", "success"), ""), sdk::ReceiptError);
  EXPECT_THROW(parsePush("POST", "<xml><MsgType>event", ""), sdk::ReceiptError);
  EXPECT_THROW(parsePush("GET", "", ""), sdk::ReceiptError);
}

}  // namespace
}  // namespace notify::plugin::wechat_mp
