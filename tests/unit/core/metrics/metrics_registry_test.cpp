// SPDX-License-Identifier: Apache-2.0
#include "core/metrics/metrics_registry.hpp"

#include <gtest/gtest.h>

namespace notify::core {
namespace {

TEST(MetricsRegistry, CountersExposeHelpTypeAndLabelledSeries) {
  MetricsRegistry registry;
  registry.declareCounter("notify_test_total", "Things.\nCounted \\ here.", {"app", "outcome"});
  registry.counter("notify_test_total", {"shop", "delivered"}).inc(2);
  registry.counter("notify_test_total", {"shop", "delivered"}).inc();
  registry.counter("notify_test_total", {"a\"b\\c\nd", "failed"}).inc();
  EXPECT_EQ(registry.exposition(),
            "# HELP notify_test_total Things.\\nCounted \\\\ here.\n"
            "# TYPE notify_test_total counter\n"
            "notify_test_total{app=\"a\\\"b\\\\c\\nd\",outcome=\"failed\"} 1\n"
            "notify_test_total{app=\"shop\",outcome=\"delivered\"} 3\n");
}

TEST(MetricsRegistry, HistogramBucketsAreCumulativeWithSumAndCount) {
  MetricsRegistry registry;
  registry.declareHistogram("notify_latency_seconds", "Latency.", {}, {0.1, 1});
  auto& h = registry.histogram("notify_latency_seconds", {});
  h.observe(0.05);
  h.observe(0.1);  // le is inclusive
  h.observe(0.5);
  h.observe(7);
  EXPECT_EQ(registry.exposition(),
            "# HELP notify_latency_seconds Latency.\n"
            "# TYPE notify_latency_seconds histogram\n"
            "notify_latency_seconds_bucket{le=\"0.1\"} 2\n"
            "notify_latency_seconds_bucket{le=\"1\"} 3\n"
            "notify_latency_seconds_bucket{le=\"+Inf\"} 4\n"
            "notify_latency_seconds_sum 7.65\n"
            "notify_latency_seconds_count 4\n");
}

TEST(MetricsRegistry, CollectorsRefreshGaugesBeforeExposition) {
  MetricsRegistry registry;
  registry.declareGauge("notify_queue_depth", "Depth.", {"lane"});
  int calls = 0;
  registry.onCollect([&](MetricsRegistry& r) {
    r.gauge("notify_queue_depth", {"default"}).set(++calls * 1.5);
  });
  registry.exposition();
  std::string text = registry.exposition();
  EXPECT_NE(text.find("notify_queue_depth{lane=\"default\"} 3\n"), std::string::npos) << text;
}

TEST(MetricsRegistry, UndeclaredFamilyOrWrongLabelCountIsAProgrammingError) {
  MetricsRegistry registry;
  registry.declareCounter("notify_a_total", "A.", {"x"});
  EXPECT_THROW(registry.counter("notify_b_total", {"1"}), std::logic_error);
  EXPECT_THROW(registry.counter("notify_a_total", {"1", "2"}), std::logic_error);
  EXPECT_THROW(registry.gauge("notify_a_total", {"1"}), std::logic_error);
}

}  // namespace
}  // namespace notify::core
