// SPDX-License-Identifier: Apache-2.0
#include "core/ingress/request_handler.hpp"

#include "core/common/log.hpp"
#include "core/protocol/reply.hpp"

namespace notify::core {
namespace {

Error busy() {
  return makeError("busy", "too many requests awaiting commit; nothing was stored, try again");
}

// What a reply needs to remember of a stored message.
struct Pending {
  size_t index;
  std::string id;
  bool scheduled;
};

Accepted acceptedOf(const Pending& pending, const InsertOutcome& outcome) {
  if (!outcome.inserted) {
    return {outcome.duplicateOf, "duplicate", outcome.duplicateOf};
  }
  return {pending.id, pending.scheduled ? "scheduled" : "queued", ""};
}

}  // namespace

RequestHandler::RequestHandler(std::shared_ptr<const DaemonConfig> config, MessageStore& store,
                               GroupCommitter& committer, HandlerContext context)
    : config_(std::move(config)),
      preparer_(config_),
      store_(store),
      committer_(committer),
      context_(std::move(context)),
      limits_{config_->server.maxFrameBytes, config_->server.maxBatch},
      cronOps_(config_, store_, context_.clock, context_.wakeCronRunner) {}

void RequestHandler::handle(std::string_view frame, ReplyFn reply) {
  DecodedRequest decoded = decodeRequest(frame, limits_);
  if (!decoded.request) {
    reply(encodeError(decoded.reqIdJson, decoded.request.error()));
    return;
  }
  const Request& request = decoded.request.value();
  if (request.op != Op::kPing) {
    Result<void> auth = preparer_.authenticate(request.app, request.token);
    if (!auth) {
      reply(encodeError(decoded.reqIdJson, auth.error()));
      return;
    }
  }
  switch (request.op) {
    case Op::kSend:
      return handleSend(decoded.reqIdJson, request, std::move(reply));
    case Op::kSendBatch:
      return handleBatch(decoded.reqIdJson, request, std::move(reply));
    case Op::kStatus:
      return handleStatus(decoded.reqIdJson, request, std::move(reply));
    case Op::kPlugins:
      return handlePlugins(decoded.reqIdJson, std::move(reply));
    case Op::kDlqList:
    case Op::kDlqReplay:
      return handleDeadLetters(decoded.reqIdJson, request, std::move(reply));
    case Op::kCancel:
      return handleCancel(decoded.reqIdJson, request, std::move(reply));
    case Op::kCronList:
    case Op::kCronRunNow:
    case Op::kCronPause:
    case Op::kCronResume:
    case Op::kCronRuns:
    case Op::kCronCancel:
    case Op::kAudiencePush:
      reply(cronOps_.handle(decoded.reqIdJson, request));
      return;
    case Op::kPing:
      reply(encodePong(decoded.reqIdJson, context_.version));
      return;
  }
}

void RequestHandler::handleSend(const std::string& reqId, const Request& request, ReplyFn reply) {
  Result<NewMessage> message =
      preparer_.prepare(request.app, request.send, reqId, "", context_.clock());
  if (message) {
    if (Result<void> admitted = preparer_.admit(request.app, context_.clock()); !admitted) {
      message = admitted.error();
    }
  }
  if (!message) {
    reply(encodeError(reqId, message.error()));
    return;
  }
  Pending pending{0, message->id, message->sendAtMs > 0};
  std::vector<NewMessage> messages;
  messages.push_back(std::move(message).value());
  bool queued = committer_.submitInserts(
      std::move(messages), [reqId, pending, reply](Result<std::vector<InsertOutcome>> result) {
        if (!result) {
          reply(encodeError(reqId, result.error()));
          return;
        }
        reply(encodeAccepted(reqId, acceptedOf(pending, result->front())));
      });
  if (!queued) {
    reply(encodeError(reqId, busy()));
  }
}

void RequestHandler::handleBatch(const std::string& reqId, const Request& request, ReplyFn reply) {
  int64_t now = context_.clock();
  // Slots in request order; valid elements point at their position in the stored batch.
  auto items = std::make_shared<std::vector<Result<Accepted>>>();
  auto pending = std::make_shared<std::vector<Pending>>();
  std::vector<NewMessage> messages;
  for (size_t i = 0; i < request.batch.size(); ++i) {
    const Result<SendRequest>& element = request.batch[i];
    Result<NewMessage> message =
        element ? preparer_.prepare(request.app, element.value(), reqId,
                                    "messages[" + std::to_string(i) + "].", now)
                : Result<NewMessage>(element.error());
    if (message) {
      if (Result<void> admitted = preparer_.admit(request.app, now); !admitted) {
        message = admitted.error();
      }
    }
    if (!message) {
      items->push_back(message.error());
      continue;
    }
    items->push_back(Accepted{});
    pending->push_back({i, message->id, message->sendAtMs > 0});
    messages.push_back(std::move(message).value());
  }
  if (messages.empty()) {
    reply(encodeBatch(reqId, *items));
    return;
  }
  bool queued = committer_.submitInserts(
      std::move(messages),
      [reqId, items, pending, reply](Result<std::vector<InsertOutcome>> result) {
        for (size_t k = 0; k < pending->size(); ++k) {
          const Pending& p = (*pending)[k];
          (*items)[p.index] = result ? Result<Accepted>(acceptedOf(p, (*result)[k]))
                                     : Result<Accepted>(result.error());
        }
        reply(encodeBatch(reqId, *items));
      });
  if (!queued) {
    reply(encodeError(reqId, busy()));
  }
}

void RequestHandler::handleStatus(const std::string& reqId, const Request& request, ReplyFn reply) {
  Result<std::optional<MessageRecord>> record = store_.find(request.messageId);
  if (!record) {
    reply(encodeError(reqId, record.error()));
    return;
  }
  // Another app's message answers exactly like a missing one.
  if (!record->has_value() || (*record)->app != request.app) {
    reply(encodeError(reqId,
                      makeError("not_found", "no message " + request.messageId, "message_id")));
    return;
  }
  reply(encodeStatus(reqId, **record));
}

void RequestHandler::handlePlugins(const std::string& reqId, ReplyFn reply) {
  JsonWriter w = beginReply(reqId, true);
  w.key("plugins").raw(context_.pluginsJson ? context_.pluginsJson() : "{}");
  reply(w.endObject().take());
}

void RequestHandler::handleDeadLetters(const std::string& reqId, const Request& request,
                                       ReplyFn reply) {
  const DeadLetterFilter& f = request.deadLetters;
  DeadLetterQuery query;
  query.app = request.app;  // an app sees and replays only its own messages
  query.messageId = f.messageId;
  query.templateName = f.templateName;
  query.sinceMs = f.sinceMs.value_or(0);
  query.untilMs = f.untilMs.value_or(INT64_MAX);
  query.limit = f.limit;
  if (request.op == Op::kDlqList) {
    Result<std::vector<DeadLetter>> letters = store_.deadLetters(query);
    reply(letters ? encodeDeadLetters(reqId, *letters) : encodeError(reqId, letters.error()));
    return;
  }
  // A replay is a write: it runs on the store's writer like every other.
  Result<size_t> replayed = store_.replay(query, context_.clock(), "app:" + request.app);
  if (!replayed) {
    reply(encodeError(reqId, replayed.error()));
    return;
  }
  logInfo("ingress",
          "app " + request.app + " replayed " + std::to_string(*replayed) + " dead letters");
  committer_.notifyScheduleChanged();
  reply(encodeReplayed(reqId, *replayed));
}

void RequestHandler::handleCancel(const std::string& reqId, const Request& request, ReplyFn reply) {
  const CancelTarget& target = request.cancel;
  const std::string actor = "app:" + request.app;
  // Cancels are writes on the store's writer, like replays; they only ever remove work, so the
  // dispatchers need no wake-up.
  if (!target.tag.empty()) {
    Result<size_t> canceled =
        store_.cancelScheduledByTag(request.app, target.tag, context_.clock(), actor);
    if (canceled) {
      logInfo("ingress", "app " + request.app + " recalled " + std::to_string(*canceled) +
                             " scheduled messages tagged '" + target.tag + "'");
    }
    reply(canceled ? encodeRecalled(reqId, *canceled) : encodeError(reqId, canceled.error()));
    return;
  }
  CancelQuery query{request.app, target.messageId, target.idempotencyKey, context_.clock(), actor};
  Result<CancelOutcome> outcome = store_.cancel(query);
  if (!outcome) {
    reply(encodeError(reqId, outcome.error()));
    return;
  }
  if (!outcome->found) {
    // Another app's message answers exactly like a missing one.
    bool byId = !target.messageId.empty();
    reply(encodeError(
        reqId, makeError("not_found",
                         byId ? "no message " + target.messageId
                              : "no message with idempotency key '" + target.idempotencyKey + "'",
                         byId ? "message_id" : "idempotency_key")));
    return;
  }
  reply(encodeCancel(reqId, *outcome));
}

}  // namespace notify::core
