// SPDX-License-Identifier: Apache-2.0
#include "plugins/email/email_request.hpp"

namespace notify::plugin::email {
namespace {

constexpr size_t kMaxBoundary = 70;  // RFC 2046 section 5.1.1

bool isIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

std::string idChars(std::string_view id) {
  std::string out;
  for (char c : id) {
    if (isIdChar(c)) {
      out.push_back(c);
    }
  }
  return out.empty() ? "message" : out;
}

std::string part(std::string_view contentType, std::string_view text) {
  return "Content-Type: " + std::string(contentType) +
         "; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
         base64Lines(canonicalLineBreaks(text));
}

}  // namespace

std::string messageIdHeader(std::string_view id, std::string_view domain) {
  return "<" + idChars(id) + "@" + std::string(domain) + ">";
}

std::string boundaryFor(std::string_view id) {
  return ("=_notify_" + idChars(id)).substr(0, kMaxBoundary);
}

std::string buildMime(const MailContent& content) {
  std::string to;
  for (const std::string& address : content.to) {
    to += (to.empty() ? "" : ", ") + address;
  }
  std::string out;
  out += foldHeader("Date", formatDate(content.dateUnixMs));
  out += mailboxHeader("From", content.from);
  out += foldHeader("To", to);
  if (!content.subject.empty()) {
    out += unstructuredHeader("Subject", content.subject);
  }
  out +=
      foldHeader("Message-ID", messageIdHeader(content.messageId, domainOf(content.from.address)));
  out += "MIME-Version: 1.0\r\n";
  if (content.html.empty()) {
    return out + part("text/plain", content.text);
  }
  const std::string boundary = boundaryFor(content.messageId);
  out += foldHeader("Content-Type", "multipart/alternative; boundary=\"" + boundary + "\"");
  out += "\r\n";
  out += "--" + boundary + "\r\n" + part("text/plain", content.text);
  out += "--" + boundary + "\r\n" + part("text/html", content.html);
  out += "--" + boundary + "--\r\n";
  return out;
}

std::optional<EmailRequest> buildRequest(const EmailConfig& config, const sdk::Message& message,
                                         int64_t nowUnixMs, std::string* error) {
  const std::string_view to = message.to("email");
  std::optional<std::vector<std::string>> recipients = parseAddressList(to);
  if (!recipients) {
    *error = to.empty() ? "no to.email address" : "to.email is not a list of plain addresses";
    return std::nullopt;
  }
  MailContent content;
  content.from = config.from;
  content.to = *recipients;
  content.subject = std::string(message.subject());
  content.text = std::string(message.body());
  content.html = std::string(message.attr("html_body"));
  content.messageId = std::string(message.id());
  content.dateUnixMs = nowUnixMs;

  EmailRequest request;
  request.mailFrom = config.from.address;
  request.recipients = std::move(*recipients);
  request.messageId = messageIdHeader(content.messageId, domainOf(config.from.address));
  request.data = buildMime(content);
  return request;
}

}  // namespace notify::plugin::email
