// SPDX-License-Identifier: Apache-2.0
#include "core/ingress/request_handler.hpp"

#include <chrono>

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
  std::string templateName;
  std::string channel;
};

Pending pendingOf(size_t index, const NewMessage& message) {
  return {index, message.id, message.templateName, message.channel};
}

// Ingress outcomes for the metrics: accepted, duplicate (idempotent repeat or content dedup) or
// suppressed. Refusals are error replies and store nothing.
void countAccepted(DeliveryMetrics* metrics, const std::string& app, const Pending& pending,
                   const InsertOutcome& outcome) {
  if (metrics == nullptr) {
    return;
  }
  const char* label = "accepted";
  if (outcome.result == InsertOutcome::Result::kIdempotentRepeat ||
      (outcome.result == InsertOutcome::Result::kStored &&
       outcome.state == MessageState::kDuplicate)) {
    label = "duplicate";
  } else if (outcome.result != InsertOutcome::Result::kStored) {
    return;
  } else if (outcome.state == MessageState::kSuppressed) {
    label = "suppressed";
  }
  metrics->recordOutcome(app, pending.templateName, pending.channel, "", label);
}

// Takes a permit of the app's ingest rate limits for a prepared message. A refusal replaces the
// message with the error and counts as outcome rate_limited with provider "" (an ingress
// outcome, like accepted; at dispatch rate_limited carries the provider).
void admit(const MessagePreparer& preparer, const std::string& app, int64_t nowMs,
           DeliveryMetrics* metrics, Result<NewMessage>& message) {
  if (!message) {
    return;
  }
  Result<void> admitted = preparer.admit(app, nowMs);
  if (admitted) {
    return;
  }
  if (metrics != nullptr) {
    metrics->recordOutcome(app, message->templateName, message->channel, "",
                           admitted.error().code);
  }
  message = admitted.error();
}

Result<Accepted> acceptedOf(const Pending& pending, const InsertOutcome& outcome) {
  switch (outcome.result) {
    case InsertOutcome::Result::kIdempotentRepeat:
      return Accepted{outcome.duplicateOf, "duplicate", outcome.duplicateOf, ""};
    case InsertOutcome::Result::kConflict:
      return makeError("idempotency_conflict", outcome.reason, "idempotency_key");
    case InsertOutcome::Result::kRefused:
      return makeError(outcome.errorCode, outcome.reason);
    case InsertOutcome::Result::kStored:
      break;
  }
  return Accepted{pending.id, stateName(outcome.state), outcome.duplicateOf, outcome.reason};
}

}  // namespace

RequestHandler::RequestHandler(const RuntimeHolder& runtime, MessageStore& store,
                               GroupCommitter& committer, HandlerContext context)
    : runtime_(runtime),
      store_(store),
      committer_(committer),
      context_(std::move(context)),
      limits_{runtime.get()->config->server.maxFrameBytes, runtime.get()->config->server.maxBatch},
      cronOps_(runtime.get()->config, store_, context_.clock, context_.wakeCronRunner) {}

void RequestHandler::handle(std::string_view frame, ReplyFn reply) {
  if (context_.metrics != nullptr) {
    reply = [metrics = context_.metrics, start = std::chrono::steady_clock::now(),
             inner = std::move(reply)](std::string text) {
      metrics->recordAck(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      inner(std::move(text));
    };
  }
  DecodedRequest decoded = decodeRequest(frame, limits_);
  if (!decoded.request) {
    reply(encodeError(decoded.reqIdJson, decoded.request.error()));
    return;
  }
  const Request& request = decoded.request.value();
  std::shared_ptr<const Runtime> runtime = runtime_.get();
  const MessagePreparer& preparer = *runtime->preparer;
  if (request.op != Op::kPing) {
    Result<void> auth = preparer.authenticate(request.app, request.token);
    if (!auth) {
      reply(encodeError(decoded.reqIdJson, auth.error()));
      return;
    }
  }
  switch (request.op) {
    case Op::kSend:
      return handleSend(preparer, decoded.reqIdJson, request, std::move(reply));
    case Op::kSendBatch:
      return handleBatch(preparer, decoded.reqIdJson, request, std::move(reply));
    case Op::kStatus:
      return handleStatus(decoded.reqIdJson, request, std::move(reply));
    case Op::kPlugins:
      return handlePlugins(decoded.reqIdJson, std::move(reply));
    case Op::kDlqList:
    case Op::kDlqReplay:
      return handleDeadLetters(decoded.reqIdJson, request, std::move(reply));
    case Op::kRouteExplain:
      return handleRouteExplain(preparer, decoded.reqIdJson, request, std::move(reply));
    case Op::kReload:
      return handleReload(*runtime->config, decoded.reqIdJson, request, std::move(reply));
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

void RequestHandler::handleSend(const MessagePreparer& preparer, const std::string& reqId,
                                const Request& request, ReplyFn reply) {
  Result<NewMessage> message =
      preparer.prepare(request.app, request.send, reqId, "", context_.clock());
  admit(preparer, request.app, context_.clock(), context_.metrics, message);
  if (!message) {
    reply(encodeError(reqId, message.error()));
    return;
  }
  Pending pending = pendingOf(0, *message);
  std::vector<NewMessage> messages;
  messages.push_back(std::move(message).value());
  bool queued = committer_.submitInserts(
      std::move(messages), [reqId, pending, reply, app = request.app,
                            metrics = context_.metrics](Result<std::vector<InsertOutcome>> result) {
        if (!result) {
          reply(encodeError(reqId, result.error()));
          return;
        }
        countAccepted(metrics, app, pending, result->front());
        Result<Accepted> accepted = acceptedOf(pending, result->front());
        reply(accepted ? encodeAccepted(reqId, *accepted) : encodeError(reqId, accepted.error()));
      });
  if (!queued) {
    reply(encodeError(reqId, busy()));
  }
}

void RequestHandler::handleBatch(const MessagePreparer& preparer, const std::string& reqId,
                                 const Request& request, ReplyFn reply) {
  int64_t now = context_.clock();
  // Slots in request order; valid elements point at their position in the stored batch.
  auto items = std::make_shared<std::vector<Result<Accepted>>>();
  auto pending = std::make_shared<std::vector<Pending>>();
  std::vector<NewMessage> messages;
  items->reserve(request.batch.size());
  pending->reserve(request.batch.size());
  messages.reserve(request.batch.size());
  for (size_t i = 0; i < request.batch.size(); ++i) {
    const Result<SendRequest>& element = request.batch[i];
    Result<NewMessage> message = element
                                     ? preparer.prepare(request.app, element.value(), reqId,
                                                        "messages[" + std::to_string(i) + "].", now)
                                     : Result<NewMessage>(element.error());
    admit(preparer, request.app, now, context_.metrics, message);
    if (!message) {
      items->push_back(message.error());
      continue;
    }
    items->push_back(Accepted{});
    pending->push_back(pendingOf(i, *message));
    messages.push_back(std::move(message).value());
  }
  if (messages.empty()) {
    reply(encodeBatch(reqId, *items));
    return;
  }
  bool queued = committer_.submitInserts(
      std::move(messages),
      [reqId, items, pending, reply, app = request.app,
       metrics = context_.metrics](Result<std::vector<InsertOutcome>> result) {
        for (size_t k = 0; k < pending->size(); ++k) {
          const Pending& p = (*pending)[k];
          if (result) {
            countAccepted(metrics, app, p, (*result)[k]);
          }
          (*items)[p.index] =
              result ? acceptedOf(p, (*result)[k]) : Result<Accepted>(result.error());
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

void RequestHandler::handleRouteExplain(const MessagePreparer& preparer, const std::string& reqId,
                                        const Request& request, ReplyFn reply) {
  Result<RouteDecision> route = preparer.explainRoute(request.app, request.send);
  if (!route) {
    reply(encodeError(reqId, route.error()));
    return;
  }
  JsonWriter w = beginReply(reqId, true);
  w.key("route").beginObject().optional("rule", route->rule).key("channel").value(route->channel);
  w.key("providers").beginArray();
  for (const auto& provider : route->providers) {
    w.value(provider);
  }
  w.endArray().key("trace").beginArray();
  for (const auto& line : route->trace) {
    w.value(line);
  }
  reply(w.endArray().endObject().endObject().take());
}

void RequestHandler::handleReload(const DaemonConfig& config, const std::string& reqId,
                                  const Request& request, ReplyFn reply) {
  auto app = config.apps.find(request.app);
  if (app == config.apps.end() || !app->second.admin) {
    reply(encodeError(reqId, makeError("forbidden", "app '" + request.app +
                                                        "' may not reload; set admin = true "
                                                        "in its [apps] table")));
    return;
  }
  if (!context_.reload) {
    reply(encodeError(reqId, makeError("unavailable", "this node cannot reload")));
    return;
  }
  Result<std::string> summary = context_.reload();
  if (!summary) {
    reply(encodeError(reqId, summary.error()));
    return;
  }
  JsonWriter w = beginReply(reqId, true);
  reply(w.key("reloaded").value(*summary).endObject().take());
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
