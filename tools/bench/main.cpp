// notify-bench: load generator for notifyd's ingest path (see benchUsage()).
#include <iostream>
#include <memory>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "tools/bench/bench_options.hpp"
#include "tools/bench/delivery_sink.hpp"
#include "tools/bench/load_client.hpp"
#include "tools/bench/report.hpp"

namespace {

using namespace notify;
using namespace notify::tools::bench;

// Lets every client connect before the clock starts, so set-up is not measured.
constexpr std::chrono::milliseconds kStartDelay{100};

// Client i gets an equal share of the messages and, in open loop, an even offset into the
// shared period, so that the clients together send at a steady total rate.
Schedule scheduleFor(const BenchOptions& options, unsigned index, Clock::time_point start) {
  Schedule schedule;
  schedule.start = start;
  if (options.count) {
    schedule.messages =
        *options.count / options.clients + (index < *options.count % options.clients);
  }
  if (options.durationS) {
    schedule.stopAt = start + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(*options.durationS));
  }
  if (options.rate > 0) {
    const double period = static_cast<double>(options.clients) * options.batch / options.rate;
    schedule.interval =
        std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(period));
    schedule.start += schedule.interval * index / options.clients;
  }
  return schedule;
}

Report runBench(const BenchOptions& options) {
  zmq::context_t context;
  const auto start = Clock::now() + kStartDelay;
  // Sockets are made here so that a bad endpoint throws in main, not in a client thread; each
  // socket is then used by one thread only, handed over by the thread start.
  std::vector<std::unique_ptr<LoadClient>> clients;
  for (unsigned i = 0; i < options.clients; ++i) {
    clients.push_back(
        std::make_unique<LoadClient>(context, options, i, scheduleFor(options, i, start)));
  }
  std::vector<ClientStats> results(options.clients);
  {
    std::vector<std::jthread> threads;
    for (unsigned i = 0; i < options.clients; ++i) {
      threads.emplace_back([&, i] { results[i] = clients[i]->run(); });
    }
  }
  return summarize(std::move(results), start);
}

void waitForDeliveries(const DeliverySink& sink, std::uint64_t accepted, double waitS) {
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(waitS));
  while (sink.received() < accepted && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

int exitCode(const Report& report) {
  if (report.total.timedOut > 0) {
    return client::kExitTransport;
  }
  return report.total.accepted > 0 ? client::kExitOk : client::kExitReplyError;
}

}  // namespace

int main(int argc, char** argv) {
  BenchOptions options;
  try {
    options = parseBenchOptions(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const client::UsageError& error) {
    std::cerr << "notify-bench: " << error.what() << "\n\n" << benchUsage();
    return client::kExitUsage;
  }
  if (options.help) {
    std::cout << benchUsage();
    return client::kExitOk;
  }
  try {
    std::unique_ptr<DeliverySink> sink;
    if (options.sinkPort) {
      sink = std::make_unique<DeliverySink>(*options.sinkPort, options.sinkDelayMs);
    }
    const auto report = runBench(options);
    if (sink) {
      waitForDeliveries(*sink, report.total.accepted, options.sinkWaitS);
    }
    if (options.connection.json) {
      printJson(options, report, std::cout);
    } else {
      printText(options, report, std::cout);
      if (sink) {
        printDeliveries(sink->stats(), report.total.accepted, std::cout);
      }
    }
    if (report.total.timedOut > 0) {
      std::cerr << "notify-bench: " << report.total.timedOut << " request(s) got no reply within "
                << options.connection.timeout.count() << " ms from " << options.connection.endpoint
                << '\n';
    }
    return exitCode(report);
  } catch (const zmq::error_t& error) {
    std::cerr << "notify-bench: " << options.connection.endpoint << ": " << error.what() << '\n';
    return client::kExitTransport;
  }
}
