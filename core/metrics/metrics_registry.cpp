// SPDX-License-Identifier: Apache-2.0
#include "core/metrics/metrics_registry.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace notify::core {
namespace {

void addDouble(std::atomic<double>& target, double delta) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + delta, std::memory_order_relaxed)) {
  }
}

std::string formatNumber(double value) {
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  if (std::isnan(value)) {
    return "NaN";
  }
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<int64_t>(value));
  }
  char text[32];
  std::snprintf(text, sizeof(text), "%.15g", value);
  return text;
}

// {a="x",b="y"} with an optional extra label (le for buckets); empty when there are none.
std::string labelSet(const std::vector<std::string>& names, const LabelValues& values,
                     const std::string& extraName = "", const std::string& extraValue = "") {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    out += (out.empty() ? "" : ",") + names[i] + "=\"" + escapeLabelValue(values[i]) + "\"";
  }
  if (!extraName.empty()) {
    out += (out.empty() ? "" : ",") + extraName + "=\"" + extraValue + "\"";
  }
  return out.empty() ? out : "{" + out + "}";
}

const char* typeName(int kind) {
  static const char* kNames[] = {"counter", "gauge", "histogram"};
  return kNames[kind];
}

}  // namespace

std::string escapeLabelValue(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escapeHelp(const std::string& help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(bounds), buckets_(new std::atomic<uint64_t>[bounds.size() + 1]) {
  std::sort(bounds_.begin(), bounds_.end());
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    buckets_[i].store(0, std::memory_order_relaxed);
  }
}

void Histogram::observe(double value) {
  size_t bucket = static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) -
                                      bounds_.begin());
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  addDouble(sum_, value);
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  s.sum = sum_.load(std::memory_order_relaxed);
  // The +Inf bucket and count must agree within one exposition.
  s.count = running;
  return s;
}

void MetricsRegistry::declareCounter(const std::string& name, const std::string& help,
                                     std::vector<std::string> labels) {
  declare(name, Kind::kCounter, help, std::move(labels), {});
}

void MetricsRegistry::declareGauge(const std::string& name, const std::string& help,
                                   std::vector<std::string> labels) {
  declare(name, Kind::kGauge, help, std::move(labels), {});
}

void MetricsRegistry::declareHistogram(const std::string& name, const std::string& help,
                                       std::vector<std::string> labels,
                                       std::vector<double> bounds) {
  declare(name, Kind::kHistogram, help, std::move(labels), std::move(bounds));
}

void MetricsRegistry::declare(const std::string& name, Kind kind, const std::string& help,
                              std::vector<std::string> labels, std::vector<double> bounds) {
  std::unique_lock lock(mutex_);
  families_.try_emplace(name, Family{kind, help, std::move(labels), std::move(bounds), {}});
}

MetricsRegistry::Series& MetricsRegistry::series(std::string_view name, Kind kind,
                                                 const LabelValues& labels) {
  {
    std::shared_lock lock(mutex_);
    auto family = families_.find(name);
    if (family != families_.end() && family->second.kind == kind) {
      auto found = family->second.series.find(labels);
      if (found != family->second.series.end()) {
        return found->second;  // std::map nodes never move
      }
    }
  }
  std::unique_lock lock(mutex_);
  auto family = families_.find(name);
  if (family == families_.end() || family->second.kind != kind) {
    throw std::logic_error("metric " + std::string(name) + " is not declared as a " +
                           typeName(static_cast<int>(kind)));
  }
  if (labels.size() != family->second.labels.size()) {
    throw std::logic_error("metric " + std::string(name) + " takes " +
                           std::to_string(family->second.labels.size()) + " labels");
  }
  auto [it, inserted] = family->second.series.try_emplace(labels);
  if (inserted) {
    switch (kind) {
      case Kind::kCounter:
        it->second.counter = std::make_unique<Counter>();
        break;
      case Kind::kGauge:
        it->second.gauge = std::make_unique<Gauge>();
        break;
      case Kind::kHistogram:
        it->second.histogram = std::make_unique<Histogram>(family->second.bounds);
        break;
    }
  }
  return it->second;
}

Counter& MetricsRegistry::counter(std::string_view name, const LabelValues& labels) {
  return *series(name, Kind::kCounter, labels).counter;
}

Gauge& MetricsRegistry::gauge(std::string_view name, const LabelValues& labels) {
  return *series(name, Kind::kGauge, labels).gauge;
}

Histogram& MetricsRegistry::histogram(std::string_view name, const LabelValues& labels) {
  return *series(name, Kind::kHistogram, labels).histogram;
}

void MetricsRegistry::onCollect(std::function<void(MetricsRegistry&)> collector) {
  std::lock_guard lock(collectMutex_);
  collectors_.push_back(std::move(collector));
}

std::string MetricsRegistry::exposition() {
  {
    std::lock_guard lock(collectMutex_);
    for (auto& collect : collectors_) {
      collect(*this);
    }
  }
  std::string out;
  std::shared_lock lock(mutex_);
  for (const auto& [name, family] : families_) {
    out += "# HELP " + name + " " + escapeHelp(family.help) + "\n";
    out += "# TYPE " + name + " " + typeName(static_cast<int>(family.kind)) + "\n";
    for (const auto& [values, s] : family.series) {
      switch (family.kind) {
        case Kind::kCounter:
          out += name + labelSet(family.labels, values) + " " +
                 std::to_string(s.counter->value()) + "\n";
          break;
        case Kind::kGauge:
          out += name + labelSet(family.labels, values) + " " + formatNumber(s.gauge->value()) +
                 "\n";
          break;
        case Kind::kHistogram: {
          Histogram::Snapshot snap = s.histogram->snapshot();
          const auto& bounds = s.histogram->bounds();
          for (size_t i = 0; i <= bounds.size(); ++i) {
            std::string le = i < bounds.size() ? formatNumber(bounds[i]) : "+Inf";
            out += name + "_bucket" + labelSet(family.labels, values, "le", le) + " " +
                   std::to_string(snap.cumulative[i]) + "\n";
          }
          out += name + "_sum" + labelSet(family.labels, values) + " " + formatNumber(snap.sum) +
                 "\n";
          out += name + "_count" + labelSet(family.labels, values) + " " +
                 std::to_string(snap.count) + "\n";
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace notify::core
