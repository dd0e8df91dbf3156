// SPDX-License-Identifier: Apache-2.0
// A small, independent reader for the messages the email plugin writes: header unfolding,
// RFC 2047 B-word decoding, multipart splitting and base64 bodies. Tests parse the output
// back with it instead of comparing against the plugin's own helpers.
#pragma once

#include <Poco/Base64Decoder.h>

#include <algorithm>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace notify::test {

inline std::string base64Decode(const std::string& text) {
  std::istringstream in(text);
  Poco::Base64Decoder decoder(in);
  std::string out((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
  return out;
}

// Joins adjacent encoded-words (whitespace between them is not text, RFC 2047 section 6.2)
// and decodes each =?UTF-8?B?...?=.
inline std::string decodeWords(const std::string& value) {
  static const std::regex kWord(R"(=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=)");
  static const std::regex kGap(R"((\?=)[ \t]+(=\?))");
  const std::string joined = std::regex_replace(value, kGap, "$1$2");
  std::string out;
  auto begin = std::sregex_iterator(joined.begin(), joined.end(), kWord);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    out += joined.substr(last, static_cast<size_t>(it->position()) - last);
    out += base64Decode((*it)[1].str());
    last = static_cast<size_t>(it->position() + it->length());
  }
  return out + joined.substr(last);
}

struct MimeEntity {
  std::vector<std::string> rawHeaderLines;          // as written, folded
  std::multimap<std::string, std::string> headers;  // lower-case name -> unfolded value
  std::string body;

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string("<absent>") : it->second;
  }
};

inline MimeEntity parseEntity(const std::string& text) {
  MimeEntity entity;
  const size_t split = text.find("\r\n\r\n");
  const std::string head = text.substr(0, split);
  entity.body = split == std::string::npos ? std::string() : text.substr(split + 4);
  std::vector<std::string> unfolded;
  size_t start = 0;
  while (start < head.size()) {
    size_t end = head.find("\r\n", start);
    if (end == std::string::npos) {
      end = head.size();
    }
    const std::string line = head.substr(start, end - start);
    entity.rawHeaderLines.push_back(line);
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && !unfolded.empty()) {
      unfolded.back() += line;  // unfolding removes only the CRLF
    } else {
      unfolded.push_back(line);
    }
    start = end + 2;
  }
  for (const std::string& line : unfolded) {
    const size_t colon = line.find(':');
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    std::string value = colon + 1 < line.size() ? line.substr(colon + 1) : std::string();
    if (!value.empty() && value[0] == ' ') {
      value.erase(0, 1);
    }
    entity.headers.emplace(name, value);
  }
  return entity;
}

// The parts of a multipart body between "--boundary" lines, up to "--boundary--".
inline std::vector<MimeEntity> splitMultipart(const std::string& body,
                                              const std::string& boundary) {
  std::vector<MimeEntity> parts;
  const std::string delimiter = "--" + boundary;
  size_t at = body.find(delimiter);
  while (at != std::string::npos) {
    const size_t partStart = at + delimiter.size();
    if (body.compare(partStart, 2, "--") == 0) {
      break;
    }
    const size_t next = body.find("\r\n" + delimiter, partStart);
    parts.push_back(parseEntity(body.substr(partStart + 2, next - partStart - 2 + 2)));
    at = next == std::string::npos ? next : next + 2;
  }
  return parts;
}

// The boundary parameter of a Content-Type value.
inline std::string boundaryOf(const std::string& contentType) {
  static const std::regex kBoundary(R"(boundary="([^"]+)\")");
  std::smatch match;
  return std::regex_search(contentType, match, kBoundary) ? match[1].str() : std::string();
}

}  // namespace notify::test
