// SPDX-License-Identifier: Apache-2.0
// Reading a daemon's ops HTTP server from tests: one GET, and one series of /metrics.
#pragma once

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <string>

namespace notify::test {

struct HttpReply {
  int status = 0;
  std::string body;
};

inline HttpReply httpGet(int port, const std::string& pathAndQuery) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, pathAndQuery,
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  HttpReply reply;
  reply.status = static_cast<int>(response.getStatus());
  Poco::StreamCopier::copyToString(in, reply.body);
  return reply;
}

// The value of one exposition line "name{labels} value", or -1 when absent.
inline double metric(const std::string& text, const std::string& series) {
  size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) {
    return -1;
  }
  return std::stod(text.substr(at + series.size() + 2));
}

// The notify_messages_total series of one app, template, channel, provider and outcome.
inline std::string messagesSeries(const std::string& app, const std::string& tpl,
                                  const std::string& channel, const std::string& provider,
                                  const std::string& outcome) {
  return "notify_messages_total{app=\"" + app + "\",template=\"" + tpl + "\",channel=\"" +
         channel + "\",provider=\"" + provider + "\",outcome=\"" + outcome + "\"}";
}

}  // namespace notify::test
