// What a bench run measured, merged over its clients, as text or as one JSON object.
#pragma once

#include <ostream>
#include <vector>

#include "tools/bench/bench_options.hpp"
#include "tools/bench/load_client.hpp"

namespace notify::tools::bench {

struct Report {
  ClientStats total;  // latencies sorted
  double elapsedS = 0;
};

// `start` is when the clients began; the run ends at the last reply.
Report summarize(std::vector<ClientStats> perClient, Clock::time_point start);

void printText(const BenchOptions& options, const Report& report, std::ostream& out);
void printJson(const BenchOptions& options, const Report& report, std::ostream& out);

struct SinkStats;
// The lifecycle part: how many of the accepted messages arrived, at what rate, how fast.
void printDeliveries(const SinkStats& sink, std::uint64_t accepted, std::ostream& out);

}  // namespace notify::tools::bench
