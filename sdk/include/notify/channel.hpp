// SPDX-License-Identifier: Apache-2.0
// Header-only C++ layer over channel_abi.h. It is compiled into the plugin, so no C++ type ever
// crosses the library boundary. A plugin author writes one class and one macro:
//
//   class EchoChannel : public notify::sdk::Channel {
//    public:
//     EchoChannel(notify::sdk::Host host, const notify::sdk::Config& config);
//     notify::sdk::Outcome send(const notify::sdk::Message& message) override;
//   };
//   NOTIFY_DEFINE_CHANNEL(EchoChannel, "echo", "1.0.0", "Echoes messages", kParams, 0)
//
// The constructor throws notify::sdk::ConfigError for a bad configuration. Every exception is
// caught at the boundary and turned into a status; none reaches the host. A channel whose
// message is one HTTP request derives from notify::sdk::HttpChannel and writes prepare() and
// complete() instead of send(), so the host can make the exchange without a thread per send.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "notify/channel_abi.h"
#include "notify/channel_util.h"

namespace notify::sdk {

inline std::string_view view(notify_str s) {
  return s.size == 0 ? std::string_view{} : std::string_view(s.data, s.size);
}

inline notify_str str(std::string_view s) {
  return notify_str{s.data(), s.size()};
}

inline std::string_view findKv(const notify_kv* kv, size_t count, std::string_view key) {
  for (size_t i = 0; i < count; ++i) {
    if (view(kv[i].key) == key) {
      return view(kv[i].value);
    }
  }
  return {};
}

// Thrown by a channel's constructor when its configuration cannot work.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The instance configuration, already checked by the host against the declared parameters.
class Config {
 public:
  Config(const notify_kv* kv, size_t count) : kv_(kv), count_(count) {}

  bool has(std::string_view key) const {
    for (size_t i = 0; i < count_; ++i) {
      if (view(kv_[i].key) == key) {
        return true;
      }
    }
    return false;
  }
  std::string get(std::string_view key, std::string_view fallback = {}) const {
    return has(key) ? std::string(findKv(kv_, count_, key)) : std::string(fallback);
  }
  int64_t getInt(std::string_view key, int64_t fallback = 0) const {
    if (!has(key)) {
      return fallback;
    }
    std::string text = get(key);
    try {
      return std::stoll(text);
    } catch (const std::exception&) {
      throw ConfigError(std::string(key) + ": not an integer: " + text);
    }
  }
  bool getBool(std::string_view key, bool fallback = false) const {
    return has(key) ? get(key) == "true" : fallback;
  }
  std::vector<std::string> getList(std::string_view key) const {
    std::vector<std::string> items;
    std::string text = get(key);
    size_t start = 0;
    while (!text.empty() && start <= text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) {
        end = text.size();
      }
      items.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    return items;
  }

 private:
  const notify_kv* kv_;
  size_t count_;
};

// One message, as views into the host's memory: valid only during send().
class Message {
 public:
  explicit Message(const notify_message* raw) : raw_(raw) {}

  std::string_view id() const { return view(raw_->message_id); }
  std::string_view app() const { return view(raw_->app); }
  std::string_view templateName() const { return view(raw_->template_name); }
  std::string_view channel() const { return view(raw_->channel); }
  std::string_view subject() const { return view(raw_->subject); }
  std::string_view body() const { return view(raw_->body); }
  // The recipient address of a kind ("phone", "email", "user", ...), empty when absent.
  std::string_view to(std::string_view kind) const {
    return findKv(raw_->to, raw_->to_count, kind);
  }
  std::string_view var(std::string_view name) const {
    return findKv(raw_->vars, raw_->vars_count, name);
  }
  std::string_view attr(std::string_view name) const {
    return findKv(raw_->attrs, raw_->attrs_count, name);
  }
  uint32_t attempt() const { return raw_->attempt; }
  int64_t deadlineUnixMs() const { return raw_->deadline_unix_ms; }
  const notify_message& raw() const { return *raw_; }

 private:
  const notify_message* raw_;
};

// The classified result of one send.
struct Outcome {
  notify_status status = NOTIFY_INTERNAL_ERROR;
  std::string providerCode;
  std::string providerMessageId;
  std::string detail;
  int64_t retryAfterMs = 0;

  static Outcome delivered(std::string providerMessageId = {}, std::string detail = {}) {
    return {NOTIFY_DELIVERED, {}, std::move(providerMessageId), std::move(detail), 0};
  }
  static Outcome accepted(std::string providerMessageId, std::string detail = {}) {
    return {NOTIFY_ACCEPTED, {}, std::move(providerMessageId), std::move(detail), 0};
  }
  static Outcome retry(std::string detail, int64_t retryAfterMs = 0) {
    return {NOTIFY_RETRY, {}, {}, std::move(detail), retryAfterMs};
  }
  static Outcome rateLimited(std::string detail, int64_t retryAfterMs = 0) {
    return {NOTIFY_RATE_LIMITED, {}, {}, std::move(detail), retryAfterMs};
  }
  static Outcome rejected(std::string detail) {
    return {NOTIFY_REJECTED, {}, {}, std::move(detail), 0};
  }
  static Outcome badConfig(std::string detail) {
    return {NOTIFY_BAD_CONFIG, {}, {}, std::move(detail), 0};
  }
  Outcome& withCode(std::string code) {
    providerCode = std::move(code);
    return *this;
  }
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;

  std::string header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key == name) {
        return value;
      }
    }
    return {};
  }
};

// An HTTP exchange: ok() when a response arrived (whatever its status), else a transport error.
struct HttpResult {
  int32_t hostCode = NOTIFY_HOST_OK;
  std::string error;
  HttpResponse response;

  bool ok() const { return hostCode == NOTIFY_HOST_OK; }
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// One HTTP request a channel wants made.
struct HttpRequest {
  std::string method = "POST";
  std::string url;
  Headers headers;
  std::string body;
  uint32_t timeoutMs = 0;  // 0: the host's default; never beyond the message deadline
};

// What HttpChannel::prepare decided for one message: the request to make, an outcome reached
// without the network, or "use send()" (this message needs more than one exchange).
class Prepared {
 public:
  enum class Kind { kRequest, kOutcome, kUseSend };

  static Prepared request(HttpRequest request) {
    Prepared p(Kind::kRequest);
    p.request_ = std::move(request);
    return p;
  }
  static Prepared outcome(Outcome outcome) {
    Prepared p(Kind::kOutcome);
    p.outcome_ = std::move(outcome);
    return p;
  }
  static Prepared useSend() { return Prepared(Kind::kUseSend); }

  Kind kind() const { return kind_; }
  const HttpRequest& request() const { return request_; }
  const Outcome& outcome() const { return outcome_; }

 private:
  explicit Prepared(Kind kind) : kind_(kind) {}
  Kind kind_;
  HttpRequest request_;
  Outcome outcome_;
};

namespace detail {

inline void copyResponse(const notify_http_response* raw, HttpResponse& response) {
  response.status = raw->status;
  for (size_t i = 0; i < raw->header_count; ++i) {
    response.headers.emplace_back(std::string(view(raw->headers[i].key)),
                                  std::string(view(raw->headers[i].value)));
  }
  response.body.assign(view(raw->body));
}

// The request as the ABI carries it; kv must outlive the returned struct.
inline notify_http_request rawRequest(const HttpRequest& request, std::vector<notify_kv>& kv) {
  kv.clear();
  kv.reserve(request.headers.size());
  for (const auto& [key, value] : request.headers) {
    kv.push_back({str(key), str(value)});
  }
  notify_http_request raw{};
  raw.struct_size = sizeof(raw);
  raw.method = str(request.method);
  raw.url = str(request.url);
  raw.headers = kv.data();
  raw.header_count = kv.size();
  raw.body = str(request.body);
  raw.timeout_ms = request.timeoutMs;
  return raw;
}

}  // namespace detail

// The host services, wrapped. Cheap to copy; valid until the instance is destroyed.
class Host {
 public:
  explicit Host(const notify_host_api* api) : api_(api) {}

  HttpResult http(std::string_view method, std::string_view url, const Headers& headers,
                  std::string_view body, uint32_t timeoutMs = 0) const {
    return http(
        HttpRequest{std::string(method), std::string(url), headers, std::string(body), timeoutMs});
  }
  HttpResult http(const HttpRequest& request) const {
    std::vector<notify_kv> kv;
    notify_http_request raw = detail::rawRequest(request, kv);
    HttpResult result;
    char err[512] = {0};
    result.hostCode =
        api_->http_send(api_->ctx, &raw, &Host::collect, &result.response, err, sizeof(err));
    result.error = err;
    return result;
  }

  std::string hmac(int32_t hash, std::string_view key, std::string_view data) const {
    uint8_t out[64];
    int32_t n = api_->hmac(api_->ctx, hash, str(key), str(data), out, sizeof(out));
    if (n < 0) {
      throw std::runtime_error("hmac failed");
    }
    return std::string(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
  }
  std::string hmacSha256(std::string_view key, std::string_view data) const {
    return hmac(NOTIFY_HASH_SHA256, key, data);
  }
  std::string hmacSha1(std::string_view key, std::string_view data) const {
    return hmac(NOTIFY_HASH_SHA1, key, data);
  }
  std::string digest(int32_t hash, std::string_view data) const {
    uint8_t out[64];
    int32_t n = api_->hash(api_->ctx, hash, str(data), out, sizeof(out));
    if (n < 0) {
      throw std::runtime_error("hash failed");
    }
    return std::string(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
  }
  std::string sha256(std::string_view data) const { return digest(NOTIFY_HASH_SHA256, data); }
  std::string sha1(std::string_view data) const { return digest(NOTIFY_HASH_SHA1, data); }
  std::string base64(std::string_view in) const { return encode(api_->base64_encode, in); }
  std::string base64Decode(std::string_view in) const { return encode(api_->base64_decode, in); }
  std::string hex(std::string_view in) const { return encode(api_->hex_encode, in); }
  std::string urlEncode(std::string_view in) const { return encode(api_->url_encode, in); }

  void log(int32_t level, std::string_view text) const { api_->log(api_->ctx, level, str(text)); }
  int64_t nowUnixMs() const { return api_->now_unix_ms(api_->ctx); }

 private:
  using EncodeFn = int64_t (*)(void*, notify_str, char*, size_t);

  std::string encode(EncodeFn fn, std::string_view in) const {
    std::string out(in.size() * 3 + 8, '\0');
    int64_t n = fn(api_->ctx, str(in), out.data(), out.size());
    if (n < -1) {
      out.assign(static_cast<size_t>(-n), '\0');
      n = fn(api_->ctx, str(in), out.data(), out.size());
    }
    if (n < 0) {
      throw std::runtime_error("invalid input to encoder");
    }
    out.resize(static_cast<size_t>(n));
    return out;
  }

  static void collect(void* user, const notify_http_response* raw) {
    detail::copyResponse(raw, *static_cast<HttpResponse*>(user));
  }

  const notify_host_api* api_;
};

class Channel {
 public:
  virtual ~Channel() = default;
  virtual Outcome send(const Message& message) = 0;
};

// The base of a channel whose message is one HTTP exchange. Write prepare() (build the
// request) and complete() (classify the answer), both without side effects; send() is made of
// them, and a host of ABI minor 2 or later runs the exchange itself, keeping many in flight
// on a few threads. Both may run on any thread at once and must never block or call http().
// A channel whose prepare() can answer Prepared::useSend() also overrides send().
class HttpChannel : public Channel {
 public:
  explicit HttpChannel(Host host) : host_(host) {}

  virtual Prepared prepare(const Message& message) const = 0;
  virtual Outcome complete(const Message& message, const HttpResult& result) const = 0;

  Outcome send(const Message& message) override {
    Prepared prepared = prepare(message);
    switch (prepared.kind()) {
      case Prepared::Kind::kRequest:
        return complete(message, host_.http(prepared.request()));
      case Prepared::Kind::kOutcome:
        return prepared.outcome();
      case Prepared::Kind::kUseSend:
        break;
    }
    return Outcome{NOTIFY_INTERNAL_ERROR,
                   {},
                   {},
                   "prepare() asked for send(), which this channel does not override",
                   0};
  }

  const Host& host() const { return host_; }

 private:
  Host host_;
};

// A delivery-report request from the provider, as views valid only during receipts().
class InboundRequest {
 public:
  explicit InboundRequest(const notify_http_inbound* raw) : raw_(raw) {}
  std::string_view method() const { return view(raw_->method); }
  std::string_view body() const { return view(raw_->body); }
  std::string_view query(std::string_view name) const {
    return findKv(raw_->query, raw_->query_count, name);
  }
  std::string_view header(std::string_view lowerCaseName) const {
    return findKv(raw_->headers, raw_->header_count, lowerCaseName);
  }

 private:
  const notify_http_inbound* raw_;
};

// One delivery report for a message the plugin sent (matched by its provider message id).
struct Receipt {
  bool delivered = false;
  std::string providerMessageId;
  std::string code;
  std::string detail;
};

// What receipts() returns: the reports, and the body the provider expects as the answer.
struct Receipts {
  std::vector<Receipt> receipts;
  std::string reply;
};

// Thrown by receipts() for a malformed or inauthentic request.
class ReceiptError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown by receipts() when the request fails the provider's own authenticity check (a wrong
// signature): the host answers 403 instead of 400.
class ReceiptAuthError : public ReceiptError {
 public:
  using ReceiptError::ReceiptError;
};

// A channel class with delivery reports also defines:
//   Receipts receipts(const InboundRequest& request) const;
template <typename T>
concept HasReceipts = requires(const T& channel, const InboundRequest& request) {
  { channel.receipts(request) } -> std::same_as<Receipts>;
};

namespace detail {

inline void writeOutcome(const Outcome& outcome, notify_result* out) {
  out->status = outcome.status;
  out->retry_after_ms = outcome.retryAfterMs;
  notify_write_text(out->provider_code, out->provider_code_cap, &out->provider_code_len,
                    outcome.providerCode.data(), outcome.providerCode.size());
  notify_write_text(out->provider_message_id, out->provider_message_id_cap,
                    &out->provider_message_id_len, outcome.providerMessageId.data(),
                    outcome.providerMessageId.size());
  notify_write_text(out->detail, out->detail_cap, &out->detail_len, outcome.detail.data(),
                    outcome.detail.size());
}

inline void writeError(char* err, size_t cap, std::string_view text) {
  notify_write_text(err, cap, nullptr, text.data(), text.size());
}

// The noexcept trampolines behind NOTIFY_DEFINE_CHANNEL.
template <typename T>
struct Adapter {
  static int32_t create(const notify_host_api* host, const notify_kv* config, size_t count,
                        void** instance, char* err, size_t errCap) noexcept {
    try {
      *instance = new T(Host(host), Config(config, count));
      return NOTIFY_DELIVERED;
    } catch (const ConfigError& e) {
      writeError(err, errCap, e.what());
      return NOTIFY_BAD_CONFIG;
    } catch (const std::exception& e) {
      writeError(err, errCap, e.what());
    } catch (...) {
      writeError(err, errCap, "unknown exception in create");
    }
    return NOTIFY_INTERNAL_ERROR;
  }

  static void send(void* instance, const notify_message* message, notify_result* out) noexcept {
    try {
      writeOutcome(static_cast<T*>(instance)->send(Message(message)), out);
      return;
    } catch (const ConfigError& e) {
      writeOutcome(Outcome::badConfig(e.what()), out);
      return;
    } catch (const std::exception& e) {
      writeOutcome(Outcome{NOTIFY_INTERNAL_ERROR, {}, {}, e.what(), 0}, out);
    } catch (...) {
      writeOutcome(Outcome{NOTIFY_INTERNAL_ERROR, {}, {}, "unknown exception in send", 0}, out);
    }
  }

  static int32_t parseReceipts(void* instance, const notify_http_inbound* request,
                               notify_receipt* out, size_t outCap, char* reply, size_t replyCap,
                               char* err, size_t errCap) noexcept {
    try {
      Receipts parsed = static_cast<const T*>(instance)->receipts(InboundRequest(request));
      size_t n = std::min(parsed.receipts.size(), outCap);
      for (size_t i = 0; i < n; ++i) {
        const Receipt& r = parsed.receipts[i];
        out[i].status = r.delivered ? NOTIFY_DELIVERED : NOTIFY_REJECTED;
        notify_write_text(out[i].provider_message_id, sizeof(out[i].provider_message_id), nullptr,
                          r.providerMessageId.data(), r.providerMessageId.size());
        notify_write_text(out[i].code, sizeof(out[i].code), nullptr, r.code.data(), r.code.size());
        notify_write_text(out[i].detail, sizeof(out[i].detail), nullptr, r.detail.data(),
                          r.detail.size());
      }
      notify_write_text(reply, replyCap, nullptr, parsed.reply.data(), parsed.reply.size());
      return static_cast<int32_t>(n);
    } catch (const ReceiptAuthError& e) {
      writeError(err, errCap, e.what());
      return NOTIFY_RECEIPT_INAUTHENTIC;
    } catch (const std::exception& e) {
      writeError(err, errCap, e.what());
    } catch (...) {
      writeError(err, errCap, "unknown exception in receipts");
    }
    return NOTIFY_RECEIPT_MALFORMED;
  }

  static constexpr auto receiptsHook() {
    using Hook = int32_t (*)(void*, const notify_http_inbound*, notify_receipt*, size_t, char*,
                             size_t, char*, size_t);
    if constexpr (HasReceipts<T>) {
      return static_cast<Hook>(&Adapter<T>::parseReceipts);
    } else {
      return static_cast<Hook>(nullptr);
    }
  }

  static int32_t prepare(void* instance, const notify_message* message, notify_emit_request_fn emit,
                         void* emitCtx, notify_result* out) noexcept {
    try {
      Prepared prepared = static_cast<const T*>(instance)->prepare(Message(message));
      if (prepared.kind() == Prepared::Kind::kRequest) {
        std::vector<notify_kv> kv;
        notify_http_request raw = rawRequest(prepared.request(), kv);
        emit(emitCtx, &raw);
        return NOTIFY_PREPARED;
      }
      if (prepared.kind() == Prepared::Kind::kUseSend) {
        return NOTIFY_PREPARE_USE_SEND;
      }
      writeOutcome(prepared.outcome(), out);
    } catch (const ConfigError& e) {
      writeOutcome(Outcome::badConfig(e.what()), out);
    } catch (const std::exception& e) {
      writeOutcome(Outcome{NOTIFY_INTERNAL_ERROR, {}, {}, e.what(), 0}, out);
    } catch (...) {
      writeOutcome(Outcome{NOTIFY_INTERNAL_ERROR, {}, {}, "unknown exception in prepare", 0}, out);
    }
    return NOTIFY_PREPARE_DONE;
  }

  static void complete(void* instance, const notify_message* message, int32_t hostCode,
                       notify_str error, const notify_http_response* response,
                       notify_result* out) noexcept {
    try {
      HttpResult result;
      result.hostCode = hostCode;
      result.error.assign(view(error));
      if (response != nullptr) {
        copyResponse(response, result.response);
      }
      writeOutcome(static_cast<const T*>(instance)->complete(Message(message), result), out);
    } catch (const ConfigError& e) {
      writeOutcome(Outcome::badConfig(e.what()), out);
    } catch (const std::exception& e) {
      writeOutcome(Outcome{NOTIFY_INTERNAL_ERROR, {}, {}, e.what(), 0}, out);
    } catch (...) {
      writeOutcome(Outcome{NOTIFY_INTERNAL_ERROR, {}, {}, "unknown exception in complete", 0}, out);
    }
  }

  static constexpr auto prepareHook() {
    using Hook = decltype(notify_channel_v1::prepare);
    if constexpr (std::derived_from<T, HttpChannel>) {
      return static_cast<Hook>(&Adapter<T>::prepare);
    } else {
      return static_cast<Hook>(nullptr);
    }
  }

  static constexpr auto completeHook() {
    using Hook = decltype(notify_channel_v1::complete);
    if constexpr (std::derived_from<T, HttpChannel>) {
      return static_cast<Hook>(&Adapter<T>::complete);
    } else {
      return static_cast<Hook>(nullptr);
    }
  }

  static void destroy(void* instance) noexcept {
    try {
      delete static_cast<T*>(instance);
    } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor may not let anything escape
    }
  }
};

}  // namespace detail
}  // namespace notify::sdk

// Defines the plugin's descriptor and its one exported entry point for channel class TYPE.
#define NOTIFY_DEFINE_CHANNEL(TYPE, NAME, VERSION, DESCRIPTION, PARAMS, FLAGS)   \
  extern "C" NOTIFY_EXPORT const notify_channel_v1* notify_channel_entry(void) { \
    static const notify_channel_v1 kDescriptor = {                               \
        NOTIFY_ABI_MAJOR,                                                        \
        NOTIFY_ABI_MINOR,                                                        \
        sizeof(notify_channel_v1),                                               \
        (FLAGS),                                                                 \
        (NAME),                                                                  \
        (VERSION),                                                               \
        (DESCRIPTION),                                                           \
        (PARAMS),                                                                \
        nullptr,                                                                 \
        &::notify::sdk::detail::Adapter<TYPE>::create,                           \
        &::notify::sdk::detail::Adapter<TYPE>::send,                             \
        &::notify::sdk::detail::Adapter<TYPE>::destroy,                          \
        ::notify::sdk::detail::Adapter<TYPE>::receiptsHook(),                    \
        ::notify::sdk::detail::Adapter<TYPE>::prepareHook(),                     \
        ::notify::sdk::detail::Adapter<TYPE>::completeHook(),                    \
    };                                                                           \
    return &kDescriptor;                                                         \
  }
