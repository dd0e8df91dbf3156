// Builders for the request objects of docs/protocol.md. They only shape JSON; the daemon is the
// one authority on what is valid, so nothing here second-guesses it.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace notify::client {

struct Credentials {
  std::string app;  // omitted from requests when empty, so the daemon names what is missing
  std::string token;
};

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// The fields of one `send`, also one element of `send_batch`.
struct MessageSpec {
  std::string templateName;
  KeyValues to;    // address kind → address
  KeyValues vars;  // sent as JSON strings
  std::optional<std::string> channel;
  std::optional<std::string> idempotencyKey;
  std::optional<std::string> sendAt;  // RFC 3339 with offset
  std::vector<std::string> tags;
};

// Objects keep insertion order so what goes on the wire reads like the protocol document.
Poco::JSON::Object::Ptr newObject();

Poco::JSON::Object::Ptr messageObject(const MessageSpec& message);

Poco::JSON::Object::Ptr sendRequest(const Credentials& credentials, const MessageSpec& message);
Poco::JSON::Object::Ptr sendBatchRequest(const Credentials& credentials,
                                         const std::vector<MessageSpec>& messages);
Poco::JSON::Object::Ptr statusRequest(const Credentials& credentials, const std::string& messageId);
Poco::JSON::Object::Ptr pingRequest();
Poco::JSON::Object::Ptr pluginsRequest(const Credentials& credentials);
// An op with nothing but the envelope, e.g. "plugins" or "reload".
Poco::JSON::Object::Ptr bareRequest(const char* op, const Credentials& credentials);

// Which dead letters dlq_list / dlq_replay act on; unset fields are not sent.
struct DeadLetterSpec {
  std::optional<std::string> messageId;
  std::optional<std::string> templateName;
  std::optional<std::string> since;  // RFC 3339
  std::optional<std::string> until;
  std::optional<int> limit;
};

// op is "dlq_list" or "dlq_replay".
Poco::JSON::Object::Ptr deadLetterRequest(const std::string& op, const Credentials& credentials,
                                          const DeadLetterSpec& spec);

// What cancel names; exactly one should be set (the daemon says so when not).
struct CancelSpec {
  std::optional<std::string> messageId;
  std::optional<std::string> idempotencyKey;
  std::optional<std::string> tag;
};

Poco::JSON::Object::Ptr cancelRequest(const Credentials& credentials, const CancelSpec& spec);

// cron_list (job empty), cron_run_now, cron_pause, cron_resume, cron_runs, cron_cancel.
Poco::JSON::Object::Ptr cronRequest(const std::string& op, const Credentials& credentials,
                                    const std::string& job, std::optional<int> limit = {});

// audience_push: rows ({"to": {...}, "vars": {...}}) for the app's list; replace empties it first.
Poco::JSON::Object::Ptr audiencePushRequest(const Credentials& credentials, const std::string& list,
                                            bool replace, Poco::JSON::Array::Ptr rows);

// Compact JSON for the wire, of an object or of any JSON value.
std::string toJson(const Poco::Dynamic::Var& value);

}  // namespace notify::client
