// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/http/http_types.hpp"

namespace notify::core {

// Reads one HTTP/1.x response from bytes as they arrive, in any split. Knows the three ways a
// body ends (Content-Length, chunked, connection close), skips interim 1xx responses, and says
// whether the connection can carry another request. Pure: no I/O. Limits keep a hostile or
// broken server from growing memory: 64 KiB of head, 8 MiB of body.
class HttpResponseParser {
 public:
  enum class State { kNeedMore, kComplete, kError };

  static constexpr size_t kMaxHeadBytes = 64 * 1024;
  static constexpr size_t kMaxBodyBytes = 8 * 1024 * 1024;

  // Starts a new response; a response to HEAD has no body whatever its headers say.
  void reset(bool headRequest);

  // Consumes bytes. Bytes after a complete response are a protocol error on a connection
  // that carries one request at a time; they make the connection unusable (keepAlive false).
  State feed(const char* data, size_t size);
  // The peer closed the connection: completes a body that runs to the close, else an error.
  State closed();

  State state() const { return state_; }
  bool receivedAny() const { return receivedAny_; }
  bool keepAlive() const { return keepAlive_; }
  const std::string& error() const { return error_; }
  HttpReply& reply() { return reply_; }

 private:
  enum class Phase { kHead, kBody, kChunkSize, kChunkData, kChunkDataEnd, kTrailers, kDone };
  enum class BodyMode { kNone, kLength, kChunked, kUntilClose };

  State fail(std::string message);
  // Parses head_ once it holds the blank line; false with error_ set when malformed.
  bool parseHead(size_t headEnd);
  bool appendBody(const char* data, size_t size);
  // Takes bytes up to and including CRLF into line_; true when a whole line is there.
  bool takeLine(const char*& data, size_t& size);

  State state_ = State::kNeedMore;
  Phase phase_ = Phase::kHead;
  BodyMode mode_ = BodyMode::kNone;
  bool headRequest_ = false;
  bool receivedAny_ = false;
  bool keepAlive_ = false;
  uint64_t remaining_ = 0;
  std::string head_;
  std::string line_;
  std::string error_;
  HttpReply reply_;
};

}  // namespace notify::core
