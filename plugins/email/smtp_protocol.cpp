// SPDX-License-Identifier: Apache-2.0
#include "plugins/email/smtp_protocol.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "plugins/email/email_mime.hpp"

namespace notify::plugin::email {
namespace {

constexpr size_t kMaxReplyLines = 100;

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') {
      ++i;
    }
    const size_t start = i;
    while (i < text.size() && text[i] != ' ') {
      ++i;
    }
    if (i > start) {
      out.push_back(text.substr(start, i - start));
    }
  }
  return out;
}

bool isQueueIdChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
}

// The token after marker in text, made of queue id characters; "" when absent.
std::string tokenAfter(std::string_view text, std::string_view marker) {
  const size_t at = text.find(marker);
  if (at == std::string_view::npos) {
    return {};
  }
  size_t start = at + marker.size();
  size_t end = start;
  while (end < text.size() && isQueueIdChar(text[end])) {
    ++end;
  }
  return std::string(text.substr(start, end - start));
}

bool isSessionPhase(Phase phase) {
  return phase == Phase::kGreeting || phase == Phase::kHello || phase == Phase::kStartTls ||
         phase == Phase::kAuth;
}

}  // namespace

std::string SmtpReply::enhancedCode() const {
  if (lines.empty()) {
    return {};
  }
  const std::string_view first = lines.front();
  const std::string_view token = first.substr(0, first.find(' '));
  // class.subject.detail: one digit 2, 4 or 5, then 1-3 digits, then 1-3 digits.
  int dots = 0;
  bool ok = token.size() >= 5 && (token[0] == '2' || token[0] == '4' || token[0] == '5') &&
            token[1] == '.';
  for (size_t i = 1; ok && i < token.size(); ++i) {
    dots += token[i] == '.' ? 1 : 0;
    ok = token[i] == '.' || std::isdigit(static_cast<unsigned char>(token[i])) != 0;
  }
  return ok && dots == 2 && token.back() != '.' ? std::string(token) : std::string();
}

std::string SmtpReply::summary() const {
  std::string out = std::to_string(code);
  for (size_t i = 0; i < lines.size(); ++i) {
    out += (i == 0 ? " " : " / ") + lines[i];
  }
  return out;
}

SmtpReply readReply(const std::function<std::string()>& nextLine) {
  SmtpReply reply;
  for (size_t count = 0;; ++count) {
    const std::string line = nextLine();
    int code = 0;
    const auto [end, error] =
        std::from_chars(line.data(), line.data() + std::min<size_t>(3, line.size()), code);
    if (line.size() < 3 || error != std::errc() || end != line.data() + 3 || code < 100 ||
        code > 599 || (line.size() > 3 && line[3] != ' ' && line[3] != '-')) {
      throw ProtocolError("malformed reply line: \"" + line.substr(0, 80) + "\"");
    }
    if (count > 0 && code != reply.code) {
      throw ProtocolError("reply code changed from " + std::to_string(reply.code) + " to " +
                          std::to_string(code) + " within one reply");
    }
    if (count >= kMaxReplyLines) {
      throw ProtocolError("reply longer than " + std::to_string(kMaxReplyLines) + " lines");
    }
    reply.code = code;
    reply.lines.push_back(line.size() > 4 ? line.substr(4) : std::string());
    if (line.size() == 3 || line[3] == ' ') {
      return reply;
    }
  }
}

SmtpExtensions parseExtensions(const SmtpReply& ehlo) {
  SmtpExtensions out;
  // The first line is the server's name and greeting; each further line one extension.
  for (size_t i = 1; i < ehlo.lines.size(); ++i) {
    const std::vector<std::string_view> parts = words(ehlo.lines[i]);
    if (parts.empty()) {
      continue;
    }
    const std::string keyword = upper(parts[0]);
    if (keyword == "STARTTLS") {
      out.startTls = true;
    } else if (keyword == "PIPELINING") {
      out.pipelining = true;
    } else if (keyword == "8BITMIME") {
      out.eightBitMime = true;
    } else if (keyword == "SIZE") {
      uint64_t limit = 0;
      if (parts.size() > 1) {
        std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), limit);
      }
      out.size = limit;
    } else if (keyword == "AUTH" || keyword.rfind("AUTH=", 0) == 0) {
      // "AUTH=LOGIN PLAIN" is the pre-RFC 4954 form some servers still send.
      if (keyword.size() > 5) {
        out.auth.insert(keyword.substr(5));
      }
      for (size_t j = 1; j < parts.size(); ++j) {
        out.auth.insert(upper(parts[j]));
      }
    }
  }
  return out;
}

std::string authPlainResponse(std::string_view user, std::string_view password) {
  std::string token;
  token.reserve(user.size() + password.size() + 2);
  token.push_back('\0');
  token.append(user);
  token.push_back('\0');
  token.append(password);
  return base64(token);
}

std::string frameData(std::string_view message) {
  std::string out;
  out.reserve(message.size() + message.size() / 64 + 8);
  bool lineStart = true;
  for (char c : message) {
    if (lineStart && c == '.') {
      out.push_back('.');
    }
    out.push_back(c);
    lineStart = c == '\n';
  }
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) {
    out += "\r\n";
  }
  return out + ".\r\n";
}

std::string queueIdOf(std::string_view replyText) {
  for (std::string_view marker : {"queued as ", "id="}) {
    std::string id = tokenAfter(replyText, marker);
    if (!id.empty()) {
      return id;
    }
  }
  // Sendmail: "2.0.0 x8ABCD123 Message accepted for delivery": the word before the phrase.
  const size_t phrase = replyText.find(" Message accepted");
  if (phrase != std::string_view::npos) {
    const std::vector<std::string_view> before = words(replyText.substr(0, phrase));
    if (!before.empty() && std::all_of(before.back().begin(), before.back().end(), isQueueIdChar) &&
        std::isalpha(static_cast<unsigned char>(before.back().front())) != 0) {
      return std::string(before.back());
    }
  }
  return {};
}

const char* phaseName(Phase phase) {
  switch (phase) {
    case Phase::kGreeting:
      return "greeting";
    case Phase::kHello:
      return "EHLO";
    case Phase::kStartTls:
      return "STARTTLS";
    case Phase::kAuth:
      return "AUTH";
    case Phase::kMailFrom:
      return "MAIL FROM";
    case Phase::kRcptTo:
      return "RCPT TO";
    case Phase::kData:
      return "DATA";
    case Phase::kEndOfData:
      return "end of data";
  }
  return "?";
}

sdk::Outcome classifyReply(Phase phase, const SmtpReply& reply) {
  const std::string code = std::to_string(reply.code);
  const std::string detail = std::string(phaseName(phase)) + ": " + reply.summary();
  const std::string enhanced = reply.enhancedCode();
  const int klass = enhanced.empty() || enhanced[0] == '2' ? reply.klass() : enhanced[0] - '0';
  const bool authCode =
      reply.code == 530 || reply.code == 534 || reply.code == 535 || reply.code == 538;
  if (klass == 4) {
    return sdk::Outcome::retry(detail).withCode(code);
  }
  if (klass == 5 && (authCode || isSessionPhase(phase))) {
    return sdk::Outcome::badConfig(detail).withCode(code);
  }
  if (klass == 5) {
    return sdk::Outcome::rejected(detail).withCode(code);
  }
  return sdk::Outcome::retry("unexpected reply to " + detail).withCode(code);
}

}  // namespace notify::plugin::email
