/* SPDX-License-Identifier: Apache-2.0 */
/* Small C helpers for plugins written against channel_abi.h. Header-only, no dependencies. */
#ifndef NOTIFY_CHANNEL_UTIL_H
#define NOTIFY_CHANNEL_UTIL_H

#include <string.h>

#include "notify/channel_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Copies text into a host-owned buffer, truncating to cap - 1 bytes, NUL-terminating, and
 * storing the copied length in *len. A NULL or zero-capacity buffer is left untouched. */
static inline void notify_write_text(char* buf, size_t cap, size_t* len, const char* data,
                                     size_t size) {
  if (buf == NULL || cap == 0) {
    return;
  }
  size_t n = size < cap - 1 ? size : cap - 1;
  if (n > 0) {
    memcpy(buf, data, n);
  }
  buf[n] = '\0';
  if (len != NULL) {
    *len = n;
  }
}

static inline void notify_result_set_detail(notify_result* out, const char* text) {
  notify_write_text(out->detail, out->detail_cap, &out->detail_len, text, strlen(text));
}

static inline void notify_result_set_code(notify_result* out, const char* code) {
  notify_write_text(out->provider_code, out->provider_code_cap, &out->provider_code_len, code,
                    strlen(code));
}

static inline notify_str notify_str_of(const char* text) {
  notify_str s;
  s.data = text;
  s.size = text == NULL ? 0 : strlen(text);
  return s;
}

/* Finds a key in a key/value array; returns 1 and sets *value when present. */
static inline int notify_kv_find(const notify_kv* kv, size_t count, const char* key,
                                 notify_str* value) {
  size_t key_size = strlen(key);
  for (size_t i = 0; i < count; ++i) {
    if (kv[i].key.size == key_size && memcmp(kv[i].key.data, key, key_size) == 0) {
      *value = kv[i].value;
      return 1;
    }
  }
  return 0;
}

#ifdef __cplusplus
}
#endif

#endif /* NOTIFY_CHANNEL_UTIL_H */
