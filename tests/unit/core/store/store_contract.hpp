// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/store/message_store.hpp"
#include "support/test_env.hpp"

namespace notify::test {

// How the contract obtains a store. open() is called with a scratch directory owned by the test;
// calling it again with the same directory must give a new store object over the same data
// (a restart). A networked store (PostgreSQL) derives its database or schema from the
// directory's name and drops it in cleanup().
struct StoreFactory {
  std::string name;  // a gtest name: letters, digits, underscores
  std::function<std::unique_ptr<core::MessageStore>(const std::filesystem::path& scratch)> open;
  std::function<void(const std::filesystem::path& scratch)> cleanup = [](const auto&) {};
};

inline std::string storeFactoryName(const ::testing::TestParamInfo<StoreFactory>& info) {
  return info.param.name;
}

// The behaviour every MessageStore must have. Instantiate it once per implementation:
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContract, ::testing::Values(sqliteFactory()),
//                            storeFactoryName);
class StoreContract : public ::testing::TestWithParam<StoreFactory> {
 protected:
  static constexpr int64_t kT0 = 1800000000000;  // a fixed "now"; stores take time as input

  void SetUp() override;
  void TearDown() override;

  // Drops the current store object and opens a new one over the same data.
  void reopen();

  // A valid message created at createdMs; idempotency key and send_at as given.
  core::NewMessage message(int64_t createdMs, const std::string& key = "", int64_t sendAtMs = 0,
                           const std::string& app = "demo") const;

  std::vector<core::InsertOutcome> insert(std::vector<core::NewMessage> messages);
  std::vector<core::ClaimedMessage> claim(int64_t nowMs, size_t limit = 100, int64_t leaseMs = 1000,
                                          const std::string& owner = "worker-1");
  void apply(core::Transition transition);
  core::MessageRecord record(const std::string& id);
  std::optional<int64_t> nextReady();

  // A final or retrying verdict on a claimed attempt.
  static core::Transition verdict(const core::ClaimedMessage& claimed, core::MessageState state,
                                  int64_t atMs, std::optional<int64_t> readyMs = std::nullopt);

  TempDir dir_;
  std::unique_ptr<core::MessageStore> store_;
};

}  // namespace notify::test
