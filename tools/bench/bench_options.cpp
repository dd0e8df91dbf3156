#include "tools/bench/bench_options.hpp"

namespace notify::tools::bench {
namespace {

using client::UsageError;

constexpr std::uint64_t kDefaultCount = 100000;
constexpr unsigned kDefaultBatch = 100;

unsigned positive(const std::string& text, const std::string& option) {
  const auto value = client::parseCount(text, option);
  if (value == 0 || value > 1000000) {
    throw UsageError("--" + option + " expects a number from 1 to 1000000");
  }
  return static_cast<unsigned>(value);
}

Op parseOp(const std::string& text) {
  if (text == "send") {
    return Op::kSend;
  }
  if (text == "send_batch") {
    return Op::kSendBatch;
  }
  throw UsageError("--op expects send or send_batch, got '" + text + "'");
}

// Fills what depends on other options and refuses combinations that make no sense.
void settle(BenchOptions& options, bool batchGiven) {
  if (options.op == Op::kSend && batchGiven && options.batch != 1) {
    throw UsageError("--batch needs --op send_batch");
  }
  if (options.op == Op::kSendBatch && !batchGiven) {
    options.batch = kDefaultBatch;
  }
  if (!options.count && !options.durationS) {
    options.count = kDefaultCount;
  }
}

}  // namespace

BenchOptions parseBenchOptions(const std::vector<std::string>& args) {
  BenchOptions options;
  options.connection = client::connectionDefaults();
  bool batchGiven = false;
  std::vector<client::OptionSpec> specs = {
      {"clients", true, [&](const std::string& v) { options.clients = positive(v, "clients"); }},
      {"window", true, [&](const std::string& v) { options.window = positive(v, "window"); }},
      {"count", true,
       [&](const std::string& v) { options.count = client::parseCount(v, "count"); }},
      {"duration-s", true,
       [&](const std::string& v) {
         options.durationS = client::parseNonNegative(v, "duration-s");
       }},
      {"rate", true,
       [&](const std::string& v) { options.rate = client::parseNonNegative(v, "rate"); }},
      {"op", true, [&](const std::string& v) { options.op = parseOp(v); }},
      {"batch", true,
       [&](const std::string& v) {
         options.batch = positive(v, "batch");
         batchGiven = true;
       }},
      {"payload-bytes", true,
       [&](const std::string& v) {
         options.payloadBytes = client::parseCount(v, "payload-bytes");
       }},
      {"payload-var", true, [&](const std::string& v) { options.payloadVar = v; }},
      {"template", true, [&](const std::string& v) { options.templateName = v; }},
      {"to-kind", true, [&](const std::string& v) { options.toKind = v; }},
      {"var", true,
       [&](const std::string& v) { options.vars.push_back(client::splitKeyValue(v, "--var")); }},
      {"channel", true, [&](const std::string& v) { options.channel = v; }},
      {"sink-port", true,
       [&](const std::string& v) {
         options.sinkPort = static_cast<unsigned short>(positive(v, "sink-port"));
       }},
      {"sink-delay-ms", true,
       [&](const std::string& v) {
         options.sinkDelayMs = static_cast<int>(client::parseNonNegative(v, "sink-delay-ms"));
       }},
      {"sink-wait-s", true,
       [&](const std::string& v) { options.sinkWaitS = client::parseNonNegative(v, "sink-wait-s"); }},
      {"help", false, [&](const std::string&) { options.help = true; }},
  };
  const auto connection = client::connectionOptionSpecs(options.connection);
  specs.insert(specs.end(), connection.begin(), connection.end());
  const auto positionals = client::parseOptions(args, specs, client::Positionals::kCollect);
  if (!positionals.empty()) {
    throw UsageError("unexpected argument '" + positionals.front() + "'");
  }
  settle(options, batchGiven);
  return options;
}

std::string benchUsage() {
  return std::string(
             "usage: notify-bench [options]\n"
             "\n"
             "Loads notifyd with send or send_batch requests and reports accepted messages/s\n"
             "and ack latency. With --rate the load is open-loop: latency counts from each\n"
             "request's scheduled send time, so a stalled daemon cannot hide its stalls.\n"
             "\n"
             "  --clients N        client threads, one DEALER each (default 64)\n"
             "  --window N         requests in flight per client (default 64)\n"
             "  --count N          messages in all (default 100000 unless --duration-s)\n"
             "  --duration-s S     stop scheduling after S seconds\n"
             "  --rate R           messages/s over all clients; 0 = as fast as possible\n"
             "  --op OP            send (default) or send_batch\n"
             "  --batch K          messages per send_batch request (default 100)\n"
             "  --payload-bytes B  pad each message's JSON to about B bytes (default 300)\n"
             "  --payload-var V    the template variable that carries the padding (default name)\n"
             "  --template NAME    template to send (default welcome)\n"
             "  --to-kind KIND     address kind; each message gets its own address (default "
             "email)\n"
             "  --var K=V          another template variable for every message\n"
             "  --channel C        logical channel\n"
             "  --sink-port P      lifecycle run: receive deliveries on 127.0.0.1:P (point a\n"
             "                     webhook provider there) and report delivered/s and\n"
             "                     end-to-end latency (send -> provider receives it)\n"
             "  --sink-wait-s S    how long to wait for the last delivery (default 60)\n"
             "  --sink-delay-ms D  the sink answers after D ms, like a slow provider\n") +
         client::connectionUsage() +
         "\n"
         "exit status: 0 ok, 1 nothing was accepted, 2 a request got no reply in time,\n"
         "64 usage error\n";
}

const char* opName(Op op) {
  return op == Op::kSend ? "send" : "send_batch";
}

}  // namespace notify::tools::bench
