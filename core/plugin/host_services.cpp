// SPDX-License-Identifier: Apache-2.0
#include "core/plugin/host_services.hpp"

#include <Poco/Base64Decoder.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstring>
#include <sstream>

#include "core/common/log.hpp"
#include "core/common/process_clock.hpp"
#include "core/common/time.hpp"
#include "core/http/http_engine.hpp"

namespace notify::core {
namespace {

thread_local int64_t tCallDeadlineMs = 0;

// Hashes come from OpenSSL's libcrypto (the library under Poco's TLS): it uses the CPU's SHA
// instructions, several times faster than Poco's portable SHA-2 on every signed request.
// The digest for a NOTIFY_HASH_* whose output fits in cap bytes at out; null otherwise.
const EVP_MD* digestFitting(int32_t hash, const uint8_t* out, size_t cap) {
  const EVP_MD* md = hash == NOTIFY_HASH_SHA256 ? EVP_sha256()
                     : hash == NOTIFY_HASH_SHA1 ? EVP_sha1()
                                                : nullptr;
  if (md == nullptr || out == nullptr || cap < static_cast<size_t>(EVP_MD_get_size(md))) {
    return nullptr;
  }
  return md;
}

// OpenSSL wants a valid pointer even for zero bytes.
const unsigned char* bytesOf(notify_str s) {
  static const unsigned char kEmpty = 0;
  return s.size == 0 ? &kEmpty : reinterpret_cast<const unsigned char*>(s.data);
}

HostServices& self(void* ctx) {
  return *static_cast<HostServices*>(ctx);
}

std::string toString(notify_str s) {
  return s.size == 0 ? std::string() : std::string(s.data, s.size);
}

int64_t writeOut(const std::string& text, char* out, size_t cap) {
  if (out == nullptr || cap < text.size() + 1) {
    return -static_cast<int64_t>(text.size() + 1);
  }
  std::memcpy(out, text.data(), text.size());
  out[text.size()] = '\0';
  return static_cast<int64_t>(text.size());
}

void writeError(char* err, size_t cap, const std::string& text) {
  if (err == nullptr || cap == 0) {
    return;
  }
  size_t n = std::min(cap - 1, text.size());
  std::memcpy(err, text.data(), n);
  err[n] = '\0';
}

int32_t httpSend(void* ctx, const notify_http_request* request, notify_http_response_fn onResponse,
                 void* user, char* err, size_t errCap) noexcept {
  try {
    if (request == nullptr || onResponse == nullptr) {
      writeError(err, errCap, "request and callback are required");
      return NOTIFY_HOST_BAD_ARGUMENT;
    }
    HostServices& host = self(ctx);
    HttpCall call;
    call.method = toString(request->method);
    call.url = toString(request->url);
    call.body = toString(request->body);
    for (size_t i = 0; i < request->header_count; ++i) {
      call.headers.emplace_back(toString(request->headers[i].key),
                                toString(request->headers[i].value));
    }
    const int64_t timeout = exchangeTimeoutMs(request->timeout_ms, tCallDeadlineMs);
    if (timeout == 0) {
      writeError(err, errCap, "message deadline already passed");
      return NOTIFY_HOST_TIMEOUT;
    }
    call.timeoutMs = static_cast<uint32_t>(timeout);
    HttpOutcome outcome = host.http().send(call);
    if (outcome.code != NOTIFY_HOST_OK) {
      writeError(err, errCap, outcome.error);
      return outcome.code;
    }
    const HttpReply& reply = outcome.reply;
    std::vector<notify_kv> headers;
    headers.reserve(reply.headers.size());
    for (const auto& [name, value] : reply.headers) {
      headers.push_back({{name.data(), name.size()}, {value.data(), value.size()}});
    }
    notify_http_response response{};
    response.struct_size = sizeof(response);
    response.status = reply.status;
    response.headers = headers.data();
    response.header_count = headers.size();
    response.body = {reply.body.data(), reply.body.size()};
    onResponse(user, &response);
    return NOTIFY_HOST_OK;
  } catch (const std::exception& e) {
    writeError(err, errCap, e.what());
    return NOTIFY_HOST_IO_ERROR;
  }
}

int32_t hmac(void*, int32_t hash, notify_str key, notify_str data, uint8_t* out,
             size_t cap) noexcept {
  const EVP_MD* md = digestFitting(hash, out, cap);
  unsigned int length = 0;
  if (md == nullptr || HMAC(md, bytesOf(key), static_cast<int>(key.size), bytesOf(data), data.size,
                            out, &length) == nullptr) {
    return -1;
  }
  return static_cast<int32_t>(length);
}

int32_t hashDigest(void*, int32_t hash, notify_str data, uint8_t* out, size_t cap) noexcept {
  const EVP_MD* md = digestFitting(hash, out, cap);
  unsigned int length = 0;
  if (md == nullptr || EVP_Digest(bytesOf(data), data.size, out, &length, md, nullptr) != 1) {
    return -1;
  }
  return static_cast<int32_t>(length);
}

int64_t base64Encode(void*, notify_str in, char* out, size_t cap) noexcept {
  // Every signed request encodes its signature: OpenSSL's one-shot encoder, without the stream
  // machinery, writes the standard padded alphabet and a NUL.
  const size_t needed = 4 * ((in.size + 2) / 3) + 1;
  if (out == nullptr || cap < needed) {
    return -static_cast<int64_t>(needed);
  }
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out), bytesOf(in),
                                      static_cast<int>(in.size));
  return written < 0 ? -1 : written;
}

int64_t base64Decode(void*, notify_str in, char* out, size_t cap) noexcept {
  try {
    std::istringstream stream(toString(in));
    Poco::Base64Decoder decoder(stream);
    std::string decoded((std::istreambuf_iterator<char>(decoder)),
                        std::istreambuf_iterator<char>());
    if (decoder.bad()) {
      return -1;
    }
    return writeOut(decoded, out, cap);
  } catch (...) {
    return -1;
  }
}

int64_t hexEncode(void*, notify_str in, char* out, size_t cap) noexcept {
  static const char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(in.size * 2);
  for (size_t i = 0; i < in.size; ++i) {
    auto byte = static_cast<unsigned char>(in.data[i]);
    text.push_back(kHex[byte >> 4]);
    text.push_back(kHex[byte & 0xF]);
  }
  return writeOut(text, out, cap);
}

int64_t urlEncode(void*, notify_str in, char* out, size_t cap) noexcept {
  static const char kHex[] = "0123456789ABCDEF";
  std::string text;
  text.reserve(in.size * 3);
  for (size_t i = 0; i < in.size; ++i) {
    auto c = static_cast<unsigned char>(in.data[i]);
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      text.push_back(static_cast<char>(c));
    } else {
      text.push_back('%');
      text.push_back(kHex[c >> 4]);
      text.push_back(kHex[c & 0xF]);
    }
  }
  return writeOut(text, out, cap);
}

void logText(void* ctx, int32_t level, notify_str text) noexcept {
  try {
    LogLevel mapped = level <= NOTIFY_LOG_DEBUG  ? LogLevel::kDebug
                      : level == NOTIFY_LOG_INFO ? LogLevel::kInfo
                      : level == NOTIFY_LOG_WARN ? LogLevel::kWarn
                                                 : LogLevel::kError;
    logLine(mapped, "provider " + self(ctx).instanceName(), toString(text));
  } catch (...) {  // NOLINT(bugprone-empty-catch): logging must never fail a send
  }
}

int64_t nowMs(void* ctx) noexcept {
  return self(ctx).now();
}

}  // namespace

int64_t exchangeTimeoutMs(uint32_t requestedMs, int64_t deadlineUnixMs) {
  int64_t timeout = requestedMs == 0 ? 10000 : requestedMs;
  if (deadlineUnixMs > 0) {
    const int64_t left = deadlineUnixMs - nowUnixMs();
    if (left <= 0) {
      return 0;
    }
    timeout = std::min(timeout, std::max<int64_t>(realDelay(left).count(), 1));
  }
  return timeout;
}

CallDeadlineScope::CallDeadlineScope(int64_t deadlineUnixMs) : previous_(tCallDeadlineMs) {
  tCallDeadlineMs = deadlineUnixMs;
}

CallDeadlineScope::~CallDeadlineScope() {
  tCallDeadlineMs = previous_;
}

HostServices::HostServices(std::string instanceName, std::shared_ptr<HttpEngine> http, Clock clock)
    : instanceName_(std::move(instanceName)), http_(std::move(http)), clock_(std::move(clock)) {
  api_.struct_size = sizeof(notify_host_api);
  api_.abi_minor = NOTIFY_ABI_MINOR;
  api_.ctx = this;
  api_.http_send = &httpSend;
  api_.hmac = &hmac;
  api_.hash = &hashDigest;
  api_.base64_encode = &base64Encode;
  api_.base64_decode = &base64Decode;
  api_.hex_encode = &hexEncode;
  api_.url_encode = &urlEncode;
  api_.log = &logText;
  api_.now_unix_ms = &nowMs;
}

HostServices::~HostServices() = default;

int64_t HostServices::now() const {
  return clock_ ? clock_() : nowUnixMs();
}

}  // namespace notify::core
