// SPDX-License-Identifier: Apache-2.0
#include "core/http/http_response_parser.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <string_view>

namespace notify::core {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                           text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return text;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Whether a comma-separated header value lists token (case-insensitively).
bool lists(std::string_view value, std::string_view token) {
  std::string text = lower(value);
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    if (trim(std::string_view(text).substr(start, end - start)) == token) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

}  // namespace

void HttpResponseParser::reset(bool headRequest) {
  state_ = State::kNeedMore;
  phase_ = Phase::kHead;
  mode_ = BodyMode::kNone;
  headRequest_ = headRequest;
  receivedAny_ = false;
  keepAlive_ = false;
  remaining_ = 0;
  head_.clear();
  line_.clear();
  error_.clear();
  reply_ = HttpReply{};
}

HttpResponseParser::State HttpResponseParser::fail(std::string message) {
  error_ = std::move(message);
  keepAlive_ = false;
  state_ = State::kError;
  return state_;
}

bool HttpResponseParser::takeLine(const char*& data, size_t& size) {
  const void* lf = std::memchr(data, '\n', size);
  size_t take = lf == nullptr ? size : static_cast<size_t>(static_cast<const char*>(lf) - data) + 1;
  line_.append(data, take);
  data += take;
  size -= take;
  return lf != nullptr;
}

bool HttpResponseParser::parseHead(size_t headEnd) {
  std::string_view head(head_.data(), headEnd);
  size_t lineEnd = head.find('\n');
  std::string_view statusLine = trim(head.substr(0, lineEnd));
  // "HTTP/1.1 200 OK": version, a three-digit code, an optional reason.
  if (statusLine.size() < 12 || statusLine.substr(0, 7) != "HTTP/1." || statusLine[8] != ' ') {
    error_ = "malformed status line";
    return false;
  }
  const bool http10 = statusLine[7] == '0';
  int status = 0;
  auto [end, ec] = std::from_chars(statusLine.data() + 9, statusLine.data() + 12, status);
  if (ec != std::errc() || end != statusLine.data() + 12 || status < 100 || status > 999) {
    error_ = "malformed status code";
    return false;
  }
  reply_.status = status;
  reply_.headers.clear();
  bool chunked = false;
  bool closeRequested = http10;
  bool hasLength = false;
  uint64_t length = 0;
  size_t pos = lineEnd == std::string_view::npos ? head.size() : lineEnd + 1;
  while (pos < head.size()) {
    size_t next = head.find('\n', pos);
    std::string_view line = trim(head.substr(pos, next - pos));
    pos = next == std::string_view::npos ? head.size() : next + 1;
    if (line.empty()) {
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      error_ = "malformed header line";
      return false;
    }
    std::string name = lower(trim(line.substr(0, colon)));
    std::string_view value = trim(line.substr(colon + 1));
    if (name == "content-length") {
      uint64_t parsed = 0;
      auto [p, e] = std::from_chars(value.data(), value.data() + value.size(), parsed);
      if (e != std::errc() || p != value.data() + value.size() || (hasLength && parsed != length)) {
        error_ = "bad Content-Length";
        return false;
      }
      hasLength = true;
      length = parsed;
    } else if (name == "transfer-encoding") {
      chunked = lists(value, "chunked");
    } else if (name == "connection") {
      closeRequested = lists(value, "close") || (http10 && !lists(value, "keep-alive"));
    }
    reply_.headers.emplace_back(std::move(name), std::string(value));
  }
  keepAlive_ = !closeRequested;
  if (headRequest_ || status == 204 || status == 304 || status < 200) {
    mode_ = BodyMode::kNone;
  } else if (chunked) {
    mode_ = BodyMode::kChunked;
  } else if (hasLength) {
    mode_ = BodyMode::kLength;
    remaining_ = length;
  } else {
    mode_ = BodyMode::kUntilClose;
    keepAlive_ = false;
  }
  return true;
}

bool HttpResponseParser::appendBody(const char* data, size_t size) {
  if (reply_.body.size() + size > kMaxBodyBytes) {
    fail("response body exceeds " + std::to_string(kMaxBodyBytes / (1024 * 1024)) + " MiB");
    return false;
  }
  reply_.body.append(data, size);
  return true;
}

HttpResponseParser::State HttpResponseParser::feed(const char* data, size_t size) {
  if (size > 0) {
    receivedAny_ = true;
  }
  while (state_ == State::kNeedMore && size > 0) {
    switch (phase_) {
      case Phase::kHead: {
        size_t before = head_.size();
        head_.append(data, size);
        size_t blank = head_.find("\r\n\r\n", before >= 3 ? before - 3 : 0);
        size_t blankLength = 4;
        if (blank == std::string::npos) {
          blank = head_.find("\n\n", before >= 1 ? before - 1 : 0);
          blankLength = 2;
        }
        if (blank == std::string::npos) {
          if (head_.size() > kMaxHeadBytes) {
            return fail("response head exceeds 64 KiB");
          }
          return state_;
        }
        size_t headEnd = blank + blankLength;
        size_t used = headEnd - before;
        data += used;
        size -= used;
        if (!parseHead(headEnd)) {
          return fail(error_);
        }
        head_.clear();
        if (reply_.status < 200) {
          continue;  // an interim response (100 Continue, 103 Early Hints): the real one follows
        }
        phase_ = mode_ == BodyMode::kChunked ? Phase::kChunkSize
                 : mode_ == BodyMode::kNone  ? Phase::kDone
                                             : Phase::kBody;
        if (mode_ == BodyMode::kLength && remaining_ == 0) {
          phase_ = Phase::kDone;
        }
        break;
      }
      case Phase::kBody: {
        size_t take = mode_ == BodyMode::kLength
                          ? static_cast<size_t>(std::min<uint64_t>(remaining_, size))
                          : size;
        if (!appendBody(data, take)) {
          return state_;
        }
        data += take;
        size -= take;
        if (mode_ == BodyMode::kLength) {
          remaining_ -= take;
          if (remaining_ == 0) {
            phase_ = Phase::kDone;
          }
        }
        break;
      }
      case Phase::kChunkSize: {
        if (!takeLine(data, size)) {
          if (line_.size() > 1024) {
            return fail("chunk size line too long");
          }
          return state_;
        }
        std::string_view text = trim(std::string_view(line_).substr(0, line_.find(';')));
        uint64_t chunk = 0;
        auto [p, e] = std::from_chars(text.data(), text.data() + text.size(), chunk, 16);
        if (text.empty() || e != std::errc() || p != text.data() + text.size()) {
          return fail("malformed chunk size");
        }
        line_.clear();
        remaining_ = chunk;
        phase_ = chunk == 0 ? Phase::kTrailers : Phase::kChunkData;
        break;
      }
      case Phase::kChunkData: {
        size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, size));
        if (!appendBody(data, take)) {
          return state_;
        }
        data += take;
        size -= take;
        remaining_ -= take;
        if (remaining_ == 0) {
          phase_ = Phase::kChunkDataEnd;
        }
        break;
      }
      case Phase::kChunkDataEnd:
      case Phase::kTrailers: {
        if (!takeLine(data, size)) {
          if (line_.size() > kMaxHeadBytes) {
            return fail("chunk trailer too long");
          }
          return state_;
        }
        const bool blank = trim(line_).empty() || line_ == "\n";
        line_.clear();
        if (phase_ == Phase::kChunkDataEnd) {
          if (!blank) {
            return fail("chunk data not followed by CRLF");
          }
          phase_ = Phase::kChunkSize;
        } else if (blank) {
          phase_ = Phase::kDone;
        }
        break;
      }
      case Phase::kDone:
        break;
    }
    if (phase_ == Phase::kDone) {
      if (size > 0) {
        keepAlive_ = false;  // bytes nobody asked for: this connection is out of step
      }
      state_ = State::kComplete;
    }
  }
  if (state_ == State::kNeedMore && phase_ == Phase::kDone) {
    state_ = State::kComplete;
  }
  return state_;
}

HttpResponseParser::State HttpResponseParser::closed() {
  if (state_ != State::kNeedMore) {
    return state_;
  }
  keepAlive_ = false;
  if (phase_ == Phase::kBody && mode_ == BodyMode::kUntilClose) {
    state_ = State::kComplete;
    return state_;
  }
  return fail(receivedAny_ ? "connection closed mid-response" : "connection closed by peer");
}

}  // namespace notify::core
