/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Notify channel plugin ABI, version 1.
 *
 * This header is the whole contract between notifyd and a channel plugin. It is C99 and needs
 * nothing but <stddef.h> and <stdint.h>, so a plugin can be written in C, C++ or anything that
 * speaks the C calling convention.
 *
 * COMPATIBILITY POLICY
 *   - NOTIFY_ABI_MAJOR changes only when a published struct or signature changes. The host
 *     refuses a plugin whose major differs from its own.
 *   - NOTIFY_ABI_MINOR grows when something is APPENDED: a new field at the end of a struct, a
 *     new host service at the end of notify_host_api, a new status or flag value. The host
 *     refuses a plugin built against a NEWER minor (it may call services the host lacks) and
 *     accepts an older one, using struct_size to know which trailing fields exist.
 *   - Nothing is ever reordered, removed or retyped within one major.
 *
 * GENERAL RULES
 *   - Strings are borrowed views (notify_str): not NUL-terminated, valid only for the duration
 *     of the call that received them. Copy what you keep.
 *   - Memory is never freed on the other side of the boundary. Results are written into buffers
 *     the host owns (notify_result); responses are handed to callbacks.
 *   - No C++ exception, type or heap ownership crosses the boundary. Every hook must return
 *     normally; the C++ SDK (channel.hpp) catches exceptions for you.
 *   - A plugin exports exactly one symbol, notify_channel_entry. Everything else is hidden.
 */
#ifndef NOTIFY_CHANNEL_ABI_H
#define NOTIFY_CHANNEL_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NOTIFY_ABI_MAJOR 1
#define NOTIFY_ABI_MINOR 2

#if defined(_WIN32)
#define NOTIFY_EXPORT __declspec(dllexport)
#else
#define NOTIFY_EXPORT __attribute__((visibility("default")))
#endif

/* A borrowed, length-delimited UTF-8 string. OWNERSHIP: the side that passes it. */
typedef struct notify_str {
  const char* data;
  size_t size;
} notify_str;

/* A borrowed key/value pair. OWNERSHIP: the side that passes it. */
typedef struct notify_kv {
  notify_str key;
  notify_str value;
} notify_kv;

/* Outcome of one send. Values are frozen; new ones are only appended. */
typedef enum notify_status {
  NOTIFY_DELIVERED = 0,     /* the provider confirmed delivery */
  NOTIFY_ACCEPTED = 1,      /* the provider took it; a receipt may follow later */
  NOTIFY_RETRY = 2,         /* transient failure; the host retries (retry_after_ms is a hint) */
  NOTIFY_RATE_LIMITED = 3,  /* the provider throttled us; retry_after_ms when it said so */
  NOTIFY_REJECTED = 4,      /* permanent for this message: bad recipient, template, signature */
  NOTIFY_BAD_CONFIG = 5,    /* the instance's configuration or credentials are wrong */
  NOTIFY_INTERNAL_ERROR = 6 /* a bug in the plugin; the host counts it */
} notify_status;

/* Types of configuration parameters. The host checks the operator's TOML against them. */
typedef enum notify_param_type {
  NOTIFY_PARAM_STRING = 1,
  NOTIFY_PARAM_INT = 2,    /* decimal integer, passed as its decimal text */
  NOTIFY_PARAM_BOOL = 3,   /* passed as "true" or "false" */
  NOTIFY_PARAM_SECRET = 4, /* configured as env:NAME or file:PATH; the resolved value is passed */
  NOTIFY_PARAM_LIST = 5,   /* TOML array of strings, passed joined with '\n' */
  NOTIFY_PARAM_PATH = 6    /* a file path; the host makes a relative one absolute, taken from
                              the directory of the configuration file that names it */
} notify_param_type;

/* One declared configuration parameter. A table of them ends with an entry whose name is NULL.
 * OWNERSHIP/LIFETIME: plugin, static storage for as long as the library is loaded. */
typedef struct notify_param_spec {
  const char* name;          /* [a-z][a-z0-9_]* */
  int32_t type;              /* notify_param_type */
  int32_t required;          /* non-zero: the instance cannot be created without it */
  const char* default_value; /* text form, or NULL for none; passed when the key is absent */
  const char* help;          /* one line for operators */
} notify_param_spec;

/* One message to send. OWNERSHIP: host. LIFETIME: the send call. */
typedef struct notify_message {
  uint32_t struct_size;  /* sizeof(notify_message) as the host knows it */
  notify_str message_id; /* stable across retries: use it as the provider's client reference */
  notify_str app;        /* the calling application */
  notify_str template_name;
  notify_str channel;  /* the logical channel routed to, e.g. the name in [channels.X] */
  const notify_kv* to; /* recipient addresses by kind, e.g. {"phone", "+86..."} */
  size_t to_count;
  notify_str subject;    /* rendered; may be empty */
  notify_str body;       /* rendered */
  const notify_kv* vars; /* the caller's template variables, as text */
  size_t vars_count;
  const notify_kv* attrs; /* per-channel template attributes, e.g. provider template ids */
  size_t attrs_count;
  uint32_t attempt;         /* 1 for the first try */
  int64_t deadline_unix_ms; /* do not block past this; the HTTP service enforces it too */
} notify_message;

/* Where a plugin writes the outcome of a send. The host owns the buffers; write at most
 * *_cap - 1 bytes plus a NUL and set *_len. OWNERSHIP: host. LIFETIME: the send call. */
typedef struct notify_result {
  uint32_t struct_size;
  int32_t status;         /* notify_status; the host pre-sets NOTIFY_INTERNAL_ERROR */
  int64_t retry_after_ms; /* 0 when unknown */
  char* provider_code;    /* the provider's own code, e.g. "0", "LimitExceeded" */
  size_t provider_code_cap;
  size_t provider_code_len;
  char* provider_message_id; /* the provider's id for this message, when it gave one */
  size_t provider_message_id_cap;
  size_t provider_message_id_len;
  char* detail; /* human-readable text: the provider's message or the error */
  size_t detail_cap;
  size_t detail_len;
} notify_result;

/* An HTTP request made through the host. OWNERSHIP: plugin. LIFETIME: the http_send call. */
typedef struct notify_http_request {
  uint32_t struct_size;
  notify_str method; /* "GET", "POST", ... */
  notify_str url;    /* http:// or https:// */
  const notify_kv* headers;
  size_t header_count;
  notify_str body;
  uint32_t timeout_ms; /* 0: the host's default; never beyond the message deadline */
} notify_http_request;

/* An HTTP response. OWNERSHIP: host. LIFETIME: the callback it is passed to. */
typedef struct notify_http_response {
  uint32_t struct_size;
  int32_t status;           /* HTTP status code */
  const notify_kv* headers; /* names in lower case */
  size_t header_count;
  notify_str body;
} notify_http_response;

typedef void (*notify_http_response_fn)(void* user, const notify_http_response* response);

/* Results of host services. */
#define NOTIFY_HOST_OK 0
#define NOTIFY_HOST_TIMEOUT 1        /* no answer within the timeout */
#define NOTIFY_HOST_CONNECT_FAILED 2 /* refused, unreachable, DNS, TLS handshake */
#define NOTIFY_HOST_IO_ERROR 3       /* the connection broke mid-exchange */
#define NOTIFY_HOST_BAD_ARGUMENT 4   /* malformed URL, unknown algorithm, buffer too small */

#define NOTIFY_HASH_SHA1 1
#define NOTIFY_HASH_SHA256 2

#define NOTIFY_LOG_DEBUG 0
#define NOTIFY_LOG_INFO 1
#define NOTIFY_LOG_WARN 2
#define NOTIFY_LOG_ERROR 3

/* Services the host gives plugins. Append-only: new services go at the end with a minor bump;
 * check struct_size before using a service added after 1.0.
 * OWNERSHIP: host. LIFETIME: from create until destroy returns.
 * THREADING: every service may be called from any thread, concurrently. */
typedef struct notify_host_api {
  uint32_t struct_size;
  uint32_t abi_minor;
  void* ctx; /* pass as the first argument of every service */

  /* Perform one HTTP(S) exchange on a kept-alive connection. Redirects are never followed: a
   * 3xx is returned like any other response. On NOTIFY_HOST_OK the callback
   * has been called exactly once with the response, whatever its HTTP status. Otherwise it was
   * not called and a reason is written to err (NUL-terminated, truncated to err_cap). */
  int32_t (*http_send)(void* ctx, const notify_http_request* request,
                       notify_http_response_fn on_response, void* user, char* err, size_t err_cap);

  /* HMAC with NOTIFY_HASH_*. Writes the raw digest to out; returns its length, or a negative
   * value when out_cap is too small or the algorithm unknown. */
  int32_t (*hmac)(void* ctx, int32_t hash, notify_str key, notify_str data, uint8_t* out,
                  size_t out_cap);

  /* Digest with NOTIFY_HASH_*, raw bytes to out; returns the length or a negative value. */
  int32_t (*hash)(void* ctx, int32_t hash, notify_str data, uint8_t* out, size_t out_cap);

  /* Encoders. Each writes NUL-terminated text to out and returns its length without the NUL,
   * or, when out_cap is too small, the negated number of bytes needed (including the NUL). */
  int64_t (*base64_encode)(void* ctx, notify_str in, char* out, size_t out_cap);
  int64_t (*base64_decode)(void* ctx, notify_str in, char* out, size_t out_cap); /* -1: invalid */
  int64_t (*hex_encode)(void* ctx, notify_str in, char* out, size_t out_cap);    /* lower case */
  int64_t (*url_encode)(void* ctx, notify_str in, char* out, size_t out_cap);    /* RFC 3986 */

  /* Log a line under the instance's name. Never pass secrets or full recipient addresses. */
  void (*log)(void* ctx, int32_t level, notify_str text);

  /* Wall clock, Unix milliseconds. Tests may run the host on an injected clock. */
  int64_t (*now_unix_ms)(void* ctx);
} notify_host_api;

/* An HTTP request a provider made to the host's delivery-report endpoint of one instance
 * (POST /receipts/PROVIDER on the ops server). ABI minor 1.
 * OWNERSHIP/LIFETIME: host; valid for the duration of the parse_receipts call. */
typedef struct notify_http_inbound {
  uint32_t struct_size;
  notify_str method;
  const notify_kv* query; /* decoded query parameters */
  size_t query_count;
  const notify_kv* headers; /* names lower-case */
  size_t header_count;
  notify_str body;
} notify_http_inbound;

/* Negative returns of parse_receipts. */
#define NOTIFY_RECEIPT_MALFORMED (-1)
#define NOTIFY_RECEIPT_INAUTHENTIC (-2)

#define NOTIFY_RECEIPT_ID_CAP 128
#define NOTIFY_RECEIPT_CODE_CAP 64
#define NOTIFY_RECEIPT_DETAIL_CAP 256

/* One delivery report, written by the plugin into host-owned storage (NUL-terminated,
 * truncated to the caps). ABI minor 1. */
typedef struct notify_receipt {
  int32_t status; /* NOTIFY_DELIVERED or NOTIFY_REJECTED (the carrier did not deliver) */
  char provider_message_id[NOTIFY_RECEIPT_ID_CAP]; /* as the plugin reported it from send */
  char code[NOTIFY_RECEIPT_CODE_CAP];              /* the carrier's own code */
  char detail[NOTIFY_RECEIPT_DETAIL_CAP];
} notify_receipt;

/* Returns of prepare (ABI minor 2). */
#define NOTIFY_PREPARED 0         /* a request was emitted; complete will classify its answer */
#define NOTIFY_PREPARE_DONE 1     /* decided without the network: the outcome is in out */
#define NOTIFY_PREPARE_USE_SEND 2 /* this message needs the synchronous send (e.g. a token to
                                     fetch first): the host calls send for it instead */

/* How prepare hands its request to the host, which copies it before returning.
 * OWNERSHIP: the request is the plugin's; nothing of it is kept. */
typedef void (*notify_emit_request_fn)(void* emit_ctx, const notify_http_request* request);

/* Descriptor flags. */
#define NOTIFY_CHANNEL_THREADSAFE_SEND 0x1u /* send may run concurrently on one instance */

/* The channel descriptor. The first four fields are read and checked before anything else.
 * OWNERSHIP/LIFETIME: plugin, static storage while the library is loaded. */
typedef struct notify_channel_v1 {
  uint32_t abi_major;              /* NOTIFY_ABI_MAJOR the plugin was built with */
  uint32_t abi_minor;              /* NOTIFY_ABI_MINOR the plugin was built with */
  uint32_t struct_size;            /* sizeof(notify_channel_v1) the plugin was built with */
  uint32_t flags;                  /* NOTIFY_CHANNEL_* */
  const char* name;                /* [a-z][a-z0-9_]*; the library file is channel_<name>.so */
  const char* version;             /* the plugin's own version, free-form */
  const char* description;         /* one line */
  const notify_param_spec* params; /* NULL-name terminated; may be NULL for none */

  /* Optional (may be NULL): semantic checks of a configuration, without side effects. Return
   * NOTIFY_DELIVERED (0) when valid, otherwise NOTIFY_BAD_CONFIG with a reason in err. */
  int32_t (*validate)(const notify_kv* config, size_t config_count, char* err, size_t err_cap);

  /* Create an instance from a configuration the host has already checked against params
   * (unknown keys refused, required present, defaults filled, secrets resolved). Return 0 and
   * set *instance, or NOTIFY_BAD_CONFIG / NOTIFY_INTERNAL_ERROR with a reason in err.
   * The host table stays valid until destroy returns. THREADING: any single thread. */
  int32_t (*create)(const notify_host_api* host, const notify_kv* config, size_t config_count,
                    void** instance, char* err, size_t err_cap);

  /* Send one message and classify the answer into out. Must return by the message deadline.
   * THREADING: concurrently on one instance only with NOTIFY_CHANNEL_THREADSAFE_SEND,
   * otherwise the host serialises calls per instance. */
  void (*send)(void* instance, const notify_message* message, notify_result* out);

  /* Destroy an instance. Must join every thread the instance started: after this returns the
   * library may be unmapped. Never called while a send on the instance is running. */
  void (*destroy)(void* instance);

  /* ---- ABI minor 1. Read only when struct_size covers it. ---- */

  /* Optional (may be NULL: the provider sends no delivery reports). Parses one delivery-report
   * request into up to out_cap receipts and returns how many it wrote; writes the body the
   * provider expects as an answer into reply (NUL-terminated, truncated to reply_cap). Returns
   * a negative value, with a reason in err: NOTIFY_RECEIPT_INAUTHENTIC when the request fails
   * the provider's authenticity check (a wrong signature), NOTIFY_RECEIPT_MALFORMED (or any
   * other negative value) otherwise. Must not call the network.
   * THREADING: any thread, concurrently with send and with itself. */
  int32_t (*parse_receipts)(void* instance, const notify_http_inbound* request,
                            notify_receipt* out, size_t out_cap, char* reply, size_t reply_cap,
                            char* err, size_t err_cap);

  /* ---- ABI minor 2. Read only when struct_size covers it. ---- */

  /* Optional, both or neither (NULL): a send split around the one HTTP exchange it makes, so
   * the host can keep thousands of sends in flight on a few threads instead of blocking a
   * thread per send. A plugin that provides them still provides send: hosts before minor 2
   * call only send, and this host calls it when prepare answers NOTIFY_PREPARE_USE_SEND.
   *
   * prepare builds the request for message and calls emit exactly once with it, then returns
   * NOTIFY_PREPARED; or it returns NOTIFY_PREPARE_DONE with the outcome written to out (a
   * message that cannot be built is NOTIFY_REJECTED); or NOTIFY_PREPARE_USE_SEND.
   *
   * complete classifies the exchange into out, exactly as send would have: host_code is
   * NOTIFY_HOST_OK with response set (whatever its HTTP status), or a NOTIFY_HOST_* transport
   * error with response NULL and the reason in error. message is the one prepare was given,
   * with the same contents. The host honours the request's timeout_ms and the message deadline.
   *
   * Neither may call http_send or block: they run on the host's I/O threads.
   * THREADING: any thread, concurrently with each other, with send and with themselves, on one
   * instance, whatever the flags say: they should be pure functions of their arguments. */
  int32_t (*prepare)(void* instance, const notify_message* message, notify_emit_request_fn emit,
                     void* emit_ctx, notify_result* out);
  void (*complete)(void* instance, const notify_message* message, int32_t host_code,
                   notify_str error, const notify_http_response* response, notify_result* out);
} notify_channel_v1;

/* The single exported entry point. Returns the plugin's static descriptor; never NULL. */
typedef const notify_channel_v1* (*notify_channel_entry_fn)(void);
#define NOTIFY_CHANNEL_ENTRY_SYMBOL "notify_channel_entry"

#ifdef __cplusplus
}
#endif

#endif /* NOTIFY_CHANNEL_ABI_H */
