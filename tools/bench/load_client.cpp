#include "tools/bench/load_client.hpp"

#include <algorithm>
#include <thread>

#include "tools/client/replies.hpp"

namespace notify::tools::bench {
namespace {

using std::chrono::microseconds;

void countMessages(const Poco::JSON::Object& outcome, std::uint64_t messages, ClientStats& stats) {
  if (const auto error = client::replyError(outcome)) {
    stats.errors[error->code] += messages;
  } else {
    stats.accepted += messages;
  }
}

// A send_batch reply judges each element; any other reply judges the whole request.
void countOutcome(const Poco::JSON::Object& reply, unsigned messages, ClientStats& stats) {
  const auto results = reply.getArray("results");
  if (results.isNull()) {
    countMessages(reply, messages, stats);
    return;
  }
  for (std::size_t i = 0; i < results->size(); ++i) {
    const auto element = results->getObject(static_cast<unsigned>(i));
    if (element.isNull()) {
      stats.errors["malformed_reply"] += 1;
    } else {
      countMessages(*element, 1, stats);
    }
  }
}

std::optional<std::uint64_t> reqIdOf(const Poco::JSON::Object& reply) {
  try {
    return reply.get("req_id").convert<std::uint64_t>();
  } catch (const Poco::Exception&) {
    return std::nullopt;
  }
}

}  // namespace

LoadClient::LoadClient(zmq::context_t& context, const BenchOptions& options, unsigned index,
                       Schedule schedule)
    : options_(options),
      schedule_(schedule),
      dealer_(context, options.connection.endpoint, options.connection.timeout),
      factory_(options, index) {}

ClientStats LoadClient::run() {
  std::this_thread::sleep_until(schedule_.start);
  lastProgress_ = Clock::now();
  while (!failed_ && (moreToSend() || !inFlight_.empty())) {
    sendDue(Clock::now());
    const bool progressed = awaitReplies(waitBudget(Clock::now()));
    // A daemon that answers nothing for a whole timeout is gone or wedged; stop rather than hang.
    if (!progressed && !inFlight_.empty() &&
        Clock::now() - lastProgress_ > options_.connection.timeout) {
      failed_ = true;
    }
  }
  abandonInFlight();
  return std::move(stats_);
}

bool LoadClient::moreToSend() const {
  if (failed_ || (schedule_.messages && messagesSent_ >= *schedule_.messages)) {
    return false;
  }
  return !schedule_.stopAt || nextDue() < *schedule_.stopAt;
}

Clock::time_point LoadClient::nextDue() const {
  if (schedule_.interval == Clock::duration::zero()) {
    return Clock::now();
  }
  return schedule_.start + schedule_.interval * static_cast<std::int64_t>(stats_.requests);
}

void LoadClient::sendDue(Clock::time_point now) {
  const bool openLoop = schedule_.interval != Clock::duration::zero();
  while (inFlight_.size() < options_.window && moreToSend() && (!openLoop || nextDue() <= now)) {
    const auto left = schedule_.messages ? *schedule_.messages - messagesSent_ : options_.batch;
    const auto messages = static_cast<unsigned>(std::min<std::uint64_t>(options_.batch, left));
    const auto reqId = nextReqId_++;
    const auto& frame = factory_.build(reqId, messages);
    const auto due = nextDue();
    if (inFlight_.empty()) {
      lastProgress_ = Clock::now();
    }
    if (!dealer_.send(frame)) {
      stats_.timedOut += 1;
      failed_ = true;
      return;
    }
    inFlight_.emplace(reqId, InFlight{due, messages});
    stats_.requests += 1;
    messagesSent_ += messages;
  }
}

Clock::duration LoadClient::waitBudget(Clock::time_point now) const {
  if (inFlight_.size() < options_.window && moreToSend()) {
    return std::max(nextDue() - now, Clock::duration::zero());
  }
  return std::max(lastProgress_ + options_.connection.timeout - now, Clock::duration::zero());
}

bool LoadClient::awaitReplies(Clock::duration wait) {
  auto frame = dealer_.receive(wait);
  // Bounded, so that a steady stream of replies cannot delay requests that are due.
  unsigned handled = 0;
  while (frame) {
    handleReply(*frame, Clock::now());
    if (++handled == options_.window) {
      break;
    }
    frame = dealer_.receive(Clock::duration::zero());
  }
  return handled > 0;
}

void LoadClient::handleReply(const std::string& frame, Clock::time_point now) {
  const auto reply = client::parseReply(frame);
  const auto reqId = reply.isNull() ? std::nullopt : reqIdOf(*reply);
  const auto found = reqId ? inFlight_.find(*reqId) : inFlight_.end();
  if (found == inFlight_.end()) {
    // Unmatched, the request it answers stays in flight and times out: a protocol bug to report.
    stats_.errors["unmatched_reply"] += 1;
    return;
  }
  lastProgress_ = now;
  stats_.lastReply = now;
  stats_.latenciesUs.push_back(
      std::chrono::duration_cast<microseconds>(now - found->second.measuredFrom).count());
  countOutcome(*reply, found->second.messages, stats_);
  inFlight_.erase(found);
}

void LoadClient::abandonInFlight() {
  stats_.timedOut += inFlight_.size();
  inFlight_.clear();
}

}  // namespace notify::tools::bench
