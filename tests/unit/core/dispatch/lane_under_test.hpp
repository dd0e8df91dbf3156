// SPDX-License-Identifier: Apache-2.0
// One lane's dispatcher over a SQLite store and its group committer, built from configuration
// text as the daemon builds them, for tests that drive a dispatcher by hand. Nothing is started:
// a test starts the committer and the dispatcher when it is ready; both are stopped at the end.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "core/common/ids.hpp"
#include "core/common/time.hpp"
#include "core/daemon/runtime.hpp"
#include "core/dispatch/dispatcher.hpp"
#include "core/http/http_engine.hpp"
#include "core/store/sqlite_store.hpp"
#include "support/test_env.hpp"
#include "unit/core/runtime_of.hpp"

namespace notify::test {

class LaneUnderTest {
 public:
  // configToml: the file without [plugins], which names the test plugins' directory.
  explicit LaneUnderTest(const std::string& configToml) {
    EXPECT_TRUE(store.migrate().ok());
    std::filesystem::path file =
        dir.write("notifyd.toml", configToml + "\n[plugins]\ndir = \"" +
                                      (buildDir() / "test_plugins").string() + "\"\n");
    std::shared_ptr<const core::Runtime> runtime = runtimeOf(file, http);
    holder = std::make_unique<core::RuntimeHolder>(runtime);
    committer = std::make_unique<core::GroupCommitter>(store, 1000, [this] { dispatcher->wake(); });
    dispatcher = std::make_unique<core::Dispatcher>(
        runtime->config->lanes.at("default"), store, *committer, *holder, "node-a",
        [] { return core::nowUnixMs(); });
  }
  ~LaneUnderTest() {
    dispatcher->stop();
    committer->stop();
  }
  LaneUnderTest(const LaneUnderTest&) = delete;
  LaneUnderTest& operator=(const LaneUnderTest&) = delete;

  // A message of app "demo" to user u1 on channel, body "hello", created now.
  static core::NewMessage message(const std::string& channel) {
    core::NewMessage m;
    m.id = core::newMessageId();
    m.app = "demo";
    m.templateName = "welcome";
    m.channel = channel;
    m.toJson = R"({"user":"u1"})";
    m.varsJson = "{}";
    m.attrsJson = "{}";
    m.body = "hello";
    m.tagsJson = "[]";
    m.createdMs = core::nowUnixMs();
    return m;
  }

  // The message's record once it is in state, or as it is after `within`.
  std::optional<core::MessageRecord> waitFor(const std::string& id, core::MessageState state,
                                             std::chrono::milliseconds within) {
    std::optional<core::MessageRecord> record;
    auto deadline = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < deadline) {
      auto found = store.find(id);
      record = found.ok() ? *found : std::nullopt;
      if (record && record->state == state) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return record;
  }

  TempDir dir;
  core::SqliteStore store{dir.path() / "notify.db", true};
  std::shared_ptr<core::HttpEngine> http = std::make_shared<core::HttpEngine>();
  std::unique_ptr<core::RuntimeHolder> holder;
  std::unique_ptr<core::GroupCommitter> committer;
  std::unique_ptr<core::Dispatcher> dispatcher;
};

}  // namespace notify::test
