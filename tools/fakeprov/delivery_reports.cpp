// SPDX-License-Identifier: Apache-2.0
#include "tools/fakeprov/delivery_reports.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>

#include <algorithm>
#include <sstream>
#include <vector>

#include "tools/fakeprov/crypto.hpp"

namespace notify::fakeprov {
namespace {

std::string stringify(const Poco::Dynamic::Var& value) {
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(value, out);
  return out.str();
}

std::string smsReportBody(const std::string& provider, const std::string& messageId,
                          bool delivered, const std::string& code, const std::string& phone) {
  Poco::JSON::Object::Ptr report = new Poco::JSON::Object;
  if (provider == "tencent") {
    report->set("user_receive_time", "2026-01-15 08:00:05");
    report->set("nationcode", "86");
    report->set("mobile", phone);
    report->set("report_status", delivered ? "SUCCESS" : "FAIL");
    report->set("errmsg", code.empty() ? (delivered ? "DELIVRD" : "MK:0001") : code);
    report->set("description", delivered ? "用户短信送达成功" : "用户短信未送达");
    report->set("sid", messageId);
  } else if (provider == "aliyun") {
    report->set("phone_number", phone);
    report->set("send_time", "2026-01-15 08:00:00");
    report->set("report_time", "2026-01-15 08:00:05");
    report->set("success", delivered);
    report->set("err_code", code.empty() ? (delivered ? "DELIVERED" : "MK:0001") : code);
    report->set("err_msg", delivered ? "用户接收成功" : "用户未接收");
    report->set("sms_size", "1");
    report->set("biz_id", messageId);
    report->set("out_id", "");
  } else {
    return "";
  }
  Poco::JSON::Array::Ptr reports = new Poco::JSON::Array;
  reports->add(report);
  return stringify(reports);
}

// A TEMPLATESENDJOBFINISH push and its signature query, as WeChat sends them.
DeliveryReport wechatPush(const Poco::JSON::Object::Ptr& request, int64_t nowS) {
  bool delivered = request->optValue<bool>("delivered", true);
  std::string status =
      request->optValue<std::string>("status", delivered ? "success" : "failed:user block");
  std::string token = request->optValue<std::string>("token", "wechat-callback-token");
  std::string timestamp = std::to_string(nowS);
  std::string nonce = request->optValue<std::string>("nonce", "1514125439");
  std::vector<std::string> parts = {token, timestamp, nonce};
  std::sort(parts.begin(), parts.end());
  DeliveryReport out;
  out.contentType = "text/xml";
  out.query = "signature=" + hex(sha1(parts[0] + parts[1] + parts[2])) +
              "&timestamp=" + timestamp + "&nonce=" + nonce + "&openid=" +
              request->optValue<std::string>("openid", "oFollower1");
  out.body = "<xml><ToUserName><![CDATA[gh_fakeaccount01]]></ToUserName>"
             "<FromUserName><![CDATA[" +
             request->optValue<std::string>("openid", "oFollower1") +
             "]]></FromUserName><CreateTime>" + timestamp +
             "</CreateTime><MsgType><![CDATA[event]]></MsgType>"
             "<Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>" +
             request->optValue<std::string>("message_id", "") + "</MsgID><Status><![CDATA[" +
             status + "]]></Status></xml>";
  return out;
}

}  // namespace

DeliveryReport deliveryReport(const Poco::JSON::Object::Ptr& request, int64_t nowS) {
  std::string provider = request->optValue<std::string>("provider", "");
  if (provider == "wechat") {
    return wechatPush(request, nowS);
  }
  return {smsReportBody(provider, request->optValue<std::string>("message_id", ""),
                        request->optValue<bool>("delivered", true),
                        request->optValue<std::string>("code", ""),
                        request->optValue<std::string>("phone", "+8613800000000")),
          "application/json", ""};
}

FakeResponse sendDeliveryReport(const Poco::JSON::Object::Ptr& request) {
  DeliveryReport report = deliveryReport(request, Poco::Timestamp().epochTime());
  if (report.body.empty()) {
    return FakeResponse::json(R"({"error":"no delivery reports for this provider"})", 400);
  }
  Poco::URI uri(request->optValue<std::string>("url", ""));
  if (!report.query.empty()) {
    uri.setRawQuery(uri.getRawQuery().empty() ? report.query
                                              : uri.getRawQuery() + "&" + report.query);
  }
  Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
  session.setTimeout(Poco::Timespan(10, 0));
  Poco::Net::HTTPRequest post(Poco::Net::HTTPRequest::HTTP_POST, uri.getPathAndQuery(),
                              Poco::Net::HTTPMessage::HTTP_1_1);
  post.setContentType(report.contentType);
  post.setContentLength(static_cast<std::streamsize>(report.body.size()));
  session.sendRequest(post) << report.body;
  Poco::Net::HTTPResponse response;
  std::string reply;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), reply);
  Poco::JSON::Object::Ptr answer = new Poco::JSON::Object;
  answer->set("ok", true);
  answer->set("status", static_cast<int>(response.getStatus()));
  answer->set("reply", reply);
  return FakeResponse::json(stringify(answer));
}

}  // namespace notify::fakeprov
