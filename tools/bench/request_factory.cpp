#include "tools/bench/request_factory.hpp"

#include <algorithm>

#include "tools/bench/delivery_sink.hpp"
#include "tools/client/requests.hpp"

namespace notify::tools::bench {
namespace {

// Placeholders are strings no real field holds; the serializer leaves them as they are.
const std::string kReqIdMark = "@@req_id@@";
const std::string kAddressMark = "@@address@@";
const std::string kMessagesMark = "@@messages@@";

std::string quoted(const std::string& text) {
  return '"' + text + '"';
}

client::MessageSpec messageSpec(const BenchOptions& options, const std::string& address,
                                std::size_t padding) {
  client::MessageSpec spec;
  spec.templateName = options.templateName;
  spec.to = {{options.toKind, address}};
  spec.vars = options.vars;
  if (options.payloadBytes > 0) {
    spec.vars.emplace_back(options.payloadVar, std::string(padding, 'x'));
  }
  spec.channel = options.channel;
  return spec;
}

// Pads the padding variable so that one message's JSON comes to about payloadBytes.
client::MessageSpec paddedSpec(const BenchOptions& options, const std::string& address) {
  const auto bare = client::toJson(client::messageObject(messageSpec(options, address, 0)));
  const auto padding = options.payloadBytes > bare.size() ? options.payloadBytes - bare.size() : 0;
  return messageSpec(options, address, padding);
}

JsonPattern requestPattern(const BenchOptions& options, const client::MessageSpec& spec) {
  const auto& credentials = options.connection.credentials;
  auto request = options.op == Op::kSend ? client::sendRequest(credentials, spec)
                                         : client::sendBatchRequest(credentials, {});
  request->set("req_id", kReqIdMark);
  if (options.op == Op::kSendBatch) {
    request->set("messages", kMessagesMark);
    return JsonPattern(client::toJson(request), {kReqIdMark, kMessagesMark});
  }
  return JsonPattern(client::toJson(request), {kReqIdMark, kAddressMark});
}

}  // namespace

JsonPattern::JsonPattern(const std::string& json, const std::vector<std::string>& placeholders) {
  std::size_t from = 0;
  for (;;) {
    std::size_t best = std::string::npos;
    std::size_t which = 0;
    for (std::size_t i = 0; i < placeholders.size(); ++i) {
      const auto at = json.find(quoted(placeholders[i]), from);
      if (at < best) {
        best = at;
        which = i;
      }
    }
    literals_.push_back(json.substr(from, best == std::string::npos ? best : best - from));
    if (best == std::string::npos) {
      return;
    }
    slots_.push_back(which);
    from = best + placeholders[which].size() + 2;
  }
}

void JsonPattern::render(const std::vector<std::string_view>& values, std::string& out) const {
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    out += literals_[i];
    out += values[slots_[i]];
  }
  out += literals_.back();
}

RequestFactory::RequestFactory(const BenchOptions& options, unsigned clientIndex)
    : options_(options),
      clientIndex_(clientIndex),
      request_(requestPattern(options, paddedSpec(options, kAddressMark))),
      element_(client::toJson(client::messageObject(paddedSpec(options, kAddressMark))),
               {kAddressMark}) {}

const std::string& RequestFactory::build(std::uint64_t reqId, unsigned messages) {
  const auto id = std::to_string(reqId);
  frame_.clear();
  if (options_.op == Op::kSend) {
    const auto address = quoted(nextAddress());
    request_.render({id, address}, frame_);
    return frame_;
  }
  messages_ = "[";
  for (unsigned i = 0; i < messages; ++i) {
    if (i > 0) {
      messages_ += ',';
    }
    const auto address = quoted(nextAddress());
    element_.render({address}, messages_);
  }
  messages_ += ']';
  request_.render({id, messages_}, frame_);
  return frame_;
}

std::string RequestFactory::nextAddress() {
  const auto n = sequence_++ * options_.clients + clientIndex_;
  if (options_.sinkPort) {
    // The build time rides along to the delivery sink, which measures end-to-end latency.
    return "bench-t" + std::to_string(monotonicNs()) + "-" + std::to_string(n);
  }
  if (options_.toKind == "phone") {
    auto digits = std::to_string(n % 100000000);
    digits.insert(0, 8 - digits.size(), '0');
    return "+86139" + digits;
  }
  if (options_.toKind == "email") {
    return "bench-" + std::to_string(n) + "@example.com";
  }
  return "bench-" + std::to_string(n);
}

}  // namespace notify::tools::bench
