#include "tools/bench/report.hpp"

#include "tools/bench/delivery_sink.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>

#include "tools/client/requests.hpp"

namespace notify::tools::bench {
namespace {

struct Percentile {
  const char* label;
  const char* key;
  double fraction;
};

constexpr Percentile kPercentiles[] = {
    {"p50", "p50", 0.50}, {"p99", "p99", 0.99}, {"p99.9", "p99_9", 0.999}, {"max", "max", 1.0}};

// Nearest rank over sorted samples; 0 when there are none.
std::int64_t percentile(const std::vector<std::int64_t>& sorted, double fraction) {
  if (sorted.empty()) {
    return 0;
  }
  const auto rank =
      static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

void merge(ClientStats& into, ClientStats& from) {
  into.requests += from.requests;
  into.accepted += from.accepted;
  into.timedOut += from.timedOut;
  for (const auto& [code, count] : from.errors) {
    into.errors[code] += count;
  }
  into.latenciesUs.insert(into.latenciesUs.end(), from.latenciesUs.begin(), from.latenciesUs.end());
  into.lastReply = std::max(into.lastReply, from.lastReply);
}

double perSecond(std::uint64_t count, double seconds) {
  return seconds > 0 ? static_cast<double>(count) / seconds : 0;
}

}  // namespace

Report summarize(std::vector<ClientStats> perClient, Clock::time_point start) {
  Report report;
  for (auto& stats : perClient) {
    merge(report.total, stats);
  }
  std::sort(report.total.latenciesUs.begin(), report.total.latenciesUs.end());
  const auto end = report.total.lastReply > start ? report.total.lastReply : Clock::now();
  report.elapsedS = std::chrono::duration<double>(end - start).count();
  return report;
}

void printText(const BenchOptions& options, const Report& report, std::ostream& out) {
  const auto& total = report.total;
  out << std::fixed << std::setprecision(0);
  out << "op " << opName(options.op) << ", " << options.clients << " clients, window "
      << options.window << ", batch " << options.batch << ", rate "
      << (options.rate > 0 ? std::to_string(static_cast<long long>(options.rate)) + "/s"
                           : std::string("unlimited"))
      << '\n';
  out << "requests:   " << total.requests << " sent, " << total.timedOut << " without reply\n";
  out << "accepted:   " << total.accepted << " messages\n";
  out << "errors:    ";
  for (const auto& [code, count] : total.errors) {
    out << ' ' << code << '=' << count;
  }
  out << (total.errors.empty() ? " none\n" : "\n");
  out << "elapsed:    " << std::setprecision(3) << report.elapsedS << " s\n";
  out << "throughput: " << std::setprecision(0) << perSecond(total.accepted, report.elapsedS)
      << " accepted messages/s\n";
  out << "ack latency (us):";
  for (const auto& p : kPercentiles) {
    out << ' ' << p.label << ' ' << percentile(total.latenciesUs, p.fraction);
  }
  out << " (" << total.latenciesUs.size() << " samples)\n";
}

void printJson(const BenchOptions& options, const Report& report, std::ostream& out) {
  const auto& total = report.total;
  auto json = client::newObject();
  json->set("op", opName(options.op));
  json->set("clients", options.clients);
  json->set("window", options.window);
  json->set("batch", options.batch);
  json->set("rate", options.rate);
  json->set("payload_bytes", options.payloadBytes);
  json->set("requests", total.requests);
  json->set("transport_timeouts", total.timedOut);
  json->set("accepted", total.accepted);
  auto errors = client::newObject();
  for (const auto& [code, count] : total.errors) {
    errors->set(code, count);
  }
  json->set("errors", errors);
  json->set("elapsed_s", report.elapsedS);
  json->set("accepted_per_s", perSecond(total.accepted, report.elapsedS));
  auto latency = client::newObject();
  for (const auto& p : kPercentiles) {
    latency->set(p.key, percentile(total.latenciesUs, p.fraction));
  }
  latency->set("samples", total.latenciesUs.size());
  json->set("ack_latency_us", latency);
  out << client::toJson(json) << '\n';
}

void printDeliveries(const SinkStats& sink, std::uint64_t accepted, std::ostream& out) {
  out << "delivered:  " << sink.received << " of " << accepted << " accepted messages\n";
  const double rate = sink.spanS > 0 ? static_cast<double>(sink.received) / sink.spanS : 0;
  out << "delivery:   " << static_cast<std::uint64_t>(rate) << " delivered messages/s (first to "
      << "last arrival)\n";
  out << "end-to-end latency (us):";
  for (const auto& p : kPercentiles) {
    out << ' ' << p.label << ' ' << percentile(sink.latenciesUs, p.fraction);
  }
  out << " (" << sink.latenciesUs.size() << " samples)\n";
}

}  // namespace notify::tools::bench
