// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace notify::core {

// Label values in the order of the family's label names.
using LabelValues = std::vector<std::string>;

class Counter {
 public:
  void inc(uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void set(double value) { value_.store(value, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// Cumulative buckets in the Prometheus sense; observations are in seconds.
class Histogram {
 public:
  explicit Histogram(const std::vector<double>& bounds);
  void observe(double value);

  struct Snapshot {
    std::vector<uint64_t> cumulative;  // one per bound, then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot snapshot() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // per bucket, not cumulative; last = +Inf
  std::atomic<double> sum_{0.0};
  std::atomic<uint64_t> count_{0};
};

// Named metric families with labels. Looking up an existing series takes a shared lock and a
// map lookup; updating it is one relaxed atomic operation, so the send path never waits on a
// scrape. Series are never removed (their label sets are bounded by configuration).
class MetricsRegistry {
 public:
  // Declares a family (idempotent). Names must be valid Prometheus metric names.
  void declareCounter(const std::string& name, const std::string& help,
                      std::vector<std::string> labels);
  void declareGauge(const std::string& name, const std::string& help,
                    std::vector<std::string> labels);
  void declareHistogram(const std::string& name, const std::string& help,
                        std::vector<std::string> labels, std::vector<double> bounds);

  // The series of a declared family; throws std::logic_error for an undeclared family or a wrong
  // number of labels (a programming error, found by the first test that touches it).
  Counter& counter(std::string_view name, const LabelValues& labels);
  Gauge& gauge(std::string_view name, const LabelValues& labels);
  Histogram& histogram(std::string_view name, const LabelValues& labels);

  // Runs before every exposition: refreshes gauges that are read from elsewhere (the store,
  // the circuit breakers).
  void onCollect(std::function<void(MetricsRegistry&)> collector);

  // Prometheus text exposition format 0.0.4.
  std::string exposition();

 private:
  enum class Kind { kCounter, kGauge, kHistogram };
  struct Series {
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };
  struct Family {
    Kind kind;
    std::string help;
    std::vector<std::string> labels;
    std::vector<double> bounds;
    std::map<LabelValues, Series> series;
  };

  void declare(const std::string& name, Kind kind, const std::string& help,
               std::vector<std::string> labels, std::vector<double> bounds);
  Series& series(std::string_view name, Kind kind, const LabelValues& labels);

  std::shared_mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;  // found by string_view: no copy per call
  std::mutex collectMutex_;
  std::vector<std::function<void(MetricsRegistry&)>> collectors_;
};

// Escapes a label value for the text format: backslash, double quote and newline.
std::string escapeLabelValue(const std::string& value);
// Escapes HELP text: backslash and newline.
std::string escapeHelp(const std::string& help);

}  // namespace notify::core
