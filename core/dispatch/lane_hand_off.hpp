// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <map>
#include <string>

#include "core/dispatch/dispatcher.hpp"
#include "core/store/group_committer.hpp"
#include "core/store/write_rules.hpp"

namespace notify::core {

// Hands each new message to this process's dispatcher of its lane (see ClaimHandOff). A lane
// without one here (a node that only ingests, a lane added by a reload) gets nothing: its
// messages wait in the store for whichever node claims them.
class LaneHandOff : public ClaimHandOff {
 public:
  LaneHandOff(std::string owner, std::map<std::string, Dispatcher*> lanes)
      : owner_(std::move(owner)), lanes_(std::move(lanes)) {}

  const std::string& owner() const override { return owner_; }

  void reserve(std::vector<NewMessage>& messages) override {
    std::map<Dispatcher*, std::vector<NewMessage*>> byLane;
    for (NewMessage& m : messages) {
      Dispatcher* dispatcher = find(m.lane);
      if (dispatcher != nullptr && m.suppressReason.empty() && !isScheduled(m)) {
        byLane[dispatcher].push_back(&m);
      }
    }
    for (auto& [dispatcher, wanting] : byLane) {
      size_t granted = 0;
      int64_t leaseMs = dispatcher->reserveHandOff(wanting.size(), granted);
      for (size_t i = 0; i < granted; ++i) {
        wanting[i]->claimLeaseMs = leaseMs;
      }
    }
  }

  void adopt(std::vector<ClaimedMessage> messages) override {
    std::map<Dispatcher*, std::vector<ClaimedMessage>> byLane;
    for (ClaimedMessage& m : messages) {
      byLane[find(m.lane)].push_back(std::move(m));  // reserved, so its lane is here
    }
    for (auto& [dispatcher, adopted] : byLane) {
      dispatcher->adopt(std::move(adopted));
    }
  }

  void release(const std::vector<std::string>& lanes) override {
    std::map<Dispatcher*, size_t> byLane;
    for (const std::string& lane : lanes) {
      ++byLane[find(lane)];
    }
    for (auto& [dispatcher, count] : byLane) {
      dispatcher->releaseHandOff(count);
    }
  }

 private:
  Dispatcher* find(const std::string& lane) const {
    auto it = lanes_.find(lane);
    return it == lanes_.end() ? nullptr : it->second;
  }

  std::string owner_;
  std::map<std::string, Dispatcher*> lanes_;  // fixed at start-up, like the dispatchers
};

}  // namespace notify::core
