/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The smallest useful channel: "delivers" a message by echoing it back in the result detail.
 * Plain C99 against channel_abi.h only, to show that a plugin needs nothing but the SDK headers.
 *
 * Config:  prefix (string, optional, default "echo: ")
 * Send:    NOTIFY_DELIVERED, detail = prefix + body, provider_message_id = message_id
 */
#include <stdlib.h>
#include <string.h>

#include "notify/channel_abi.h"
#include "notify/channel_util.h"

typedef struct echo_instance {
  char* prefix; /* our own copy: config strings are only borrowed for the create call */
  size_t prefix_size;
} echo_instance;

static const notify_param_spec kEchoParams[] = {
    {"prefix", NOTIFY_PARAM_STRING, 0, "echo: ", "text put before the echoed body"},
    {NULL, 0, 0, NULL, NULL},
};

static int32_t echo_create(const notify_host_api* host, const notify_kv* config,
                           size_t config_count, void** instance, char* err, size_t err_cap) {
  (void)host;
  notify_str prefix = notify_str_of("echo: ");
  notify_kv_find(config, config_count, "prefix", &prefix);

  echo_instance* self = (echo_instance*)calloc(1, sizeof(*self));
  char* copy = (char*)malloc(prefix.size + 1);
  if (self == NULL || copy == NULL) {
    free(self);
    free(copy);
    notify_write_text(err, err_cap, NULL, "out of memory", 13);
    return NOTIFY_INTERNAL_ERROR;
  }
  if (prefix.size > 0) {
    memcpy(copy, prefix.data, prefix.size);
  }
  copy[prefix.size] = '\0';
  self->prefix = copy;
  self->prefix_size = prefix.size;
  *instance = self;
  return NOTIFY_DELIVERED;
}

/* Appends data to a host-owned result buffer after the *len bytes already there. */
static void echo_append(char* buf, size_t cap, size_t* len, const char* data, size_t size) {
  if (buf == NULL || cap == 0 || *len >= cap - 1) {
    return;
  }
  notify_write_text(buf + *len, cap - *len, &size, data, size);
  *len += size;
}

static void echo_send(void* instance, const notify_message* message, notify_result* out) {
  const echo_instance* self = (const echo_instance*)instance;

  notify_write_text(out->detail, out->detail_cap, &out->detail_len, "", 0);
  echo_append(out->detail, out->detail_cap, &out->detail_len, self->prefix, self->prefix_size);
  echo_append(out->detail, out->detail_cap, &out->detail_len, message->body.data,
              message->body.size);
  notify_write_text(out->provider_message_id, out->provider_message_id_cap,
                    &out->provider_message_id_len, message->message_id.data,
                    message->message_id.size);
  out->retry_after_ms = 0;
  out->status = NOTIFY_DELIVERED;
}

static void echo_destroy(void* instance) {
  echo_instance* self = (echo_instance*)instance;
  free(self->prefix);
  free(self);
}

NOTIFY_EXPORT const notify_channel_v1* notify_channel_entry(void) {
  static const notify_channel_v1 kDescriptor = {
      NOTIFY_ABI_MAJOR,
      NOTIFY_ABI_MINOR,
      sizeof(notify_channel_v1),
      NOTIFY_CHANNEL_THREADSAFE_SEND, /* the instance is read-only after create */
      "echo",
      "1.0.0",
      "Echoes each message back as the delivery detail",
      kEchoParams,
      NULL, /* no validate: any prefix is fine */
      echo_create,
      echo_send,
      echo_destroy,
  };
  return &kDescriptor;
}
