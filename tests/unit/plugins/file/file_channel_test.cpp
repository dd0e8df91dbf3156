// SPDX-License-Identifier: Apache-2.0
// The built channel_file.so, loaded and driven the way notifyd runs it: what lands in the file.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/json_object.hpp"
#include "unit/plugins/plugin_support.hpp"

namespace notify::test {
namespace {

namespace fs = std::filesystem;
using Poco::JSON::Object;

constexpr int64_t kNowMs = 1700000000123;

std::vector<std::string> readLines(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

class FileChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "notify-file-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = dir_ / "out.jsonl";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<core::ChannelInstance> create(core::KeyValues config) {
    auto created = createInstance(library_, std::move(config), kNowMs);
    EXPECT_TRUE(created.ok()) << created.error().message;
    return created.ok() ? std::move(created).value() : nullptr;
  }

  std::shared_ptr<const core::PluginLibrary> library_ = loadPlugin(NOTIFY_FILE_PLUGIN_PATH);
  fs::path dir_;
  fs::path path_;
};

TEST_F(FileChannelTest, DescriptorNamesTheLibraryAndAllowsConcurrentSends) {
  EXPECT_EQ(library_->info().name, "file");
  EXPECT_NE(library_->info().flags & NOTIFY_CHANNEL_THREADSAFE_SEND, 0U);
}

TEST_F(FileChannelTest, UnopenablePathFailsCreateAsBadConfig) {
  { std::ofstream(dir_ / "plain") << "not a directory\n"; }
  auto created =
      createInstance(library_, {{"path", (dir_ / "plain" / "out.jsonl").string()}}, kNowMs);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, "bad_config");
  EXPECT_NE(created.error().message.find("path"), std::string::npos);
}

TEST_F(FileChannelTest, CreatesMissingParentDirectories) {
  const fs::path nested = dir_ / "var" / "spool" / "out.jsonl";
  auto channel = create({{"path", nested.string()}});
  ASSERT_NE(channel, nullptr);
  EXPECT_EQ(channel->send(sampleMessage()).status, NOTIFY_DELIVERED);
  EXPECT_EQ(readLines(nested).size(), 1U);
}

TEST_F(FileChannelTest, EachSendAppendsExactlyOneParseableLine) {
  { std::ofstream(path_) << "{\"earlier\":true}\n"; }
  auto channel = create({{"path", path_.string()}});
  ASSERT_NE(channel, nullptr);

  core::OutboundMessage first = sampleMessage();
  first.id = "m-1";
  first.body = "multi\nline \"body\"";
  core::OutboundMessage second = sampleMessage();
  second.id = "m-2";
  second.attempt = 4;

  const core::SendOutcome outcome = channel->send(first);
  EXPECT_EQ(outcome.status, NOTIFY_DELIVERED);
  EXPECT_EQ(outcome.detail, "appended to " + path_.string());
  ASSERT_EQ(readLines(path_).size(), 2U);
  EXPECT_EQ(channel->send(second).status, NOTIFY_DELIVERED);

  const auto lines = readLines(path_);
  ASSERT_EQ(lines.size(), 3U);
  EXPECT_EQ(lines[0], "{\"earlier\":true}");
  const Object::Ptr one = parseJson(lines[1]);
  EXPECT_EQ(one->getValue<std::string>("message_id"), "m-1");
  EXPECT_EQ(one->getValue<std::string>("body"), first.body);
  EXPECT_EQ(one->getValue<std::string>("delivered_at"), "2023-11-14T22:13:20.123Z");
  const Object::Ptr two = parseJson(lines[2]);
  EXPECT_EQ(two->getValue<std::string>("message_id"), "m-2");
  EXPECT_EQ(two->getValue<int>("attempt"), 4);
  EXPECT_EQ(two->getObject("to")->getValue<std::string>("user"), "u-42");
}

TEST_F(FileChannelTest, FsyncModeAppendsToo) {
  auto channel = create({{"path", path_.string()}, {"fsync", "true"}});
  ASSERT_NE(channel, nullptr);
  EXPECT_EQ(channel->send(sampleMessage()).status, NOTIFY_DELIVERED);
  EXPECT_EQ(readLines(path_).size(), 1U);
}

TEST_F(FileChannelTest, RecreatesARemovedFile) {
  auto channel = create({{"path", path_.string()}});
  ASSERT_NE(channel, nullptr);
  fs::remove(path_);  // as log rotation would
  EXPECT_EQ(channel->send(sampleMessage()).status, NOTIFY_DELIVERED);
  EXPECT_EQ(readLines(path_).size(), 1U);
}

TEST_F(FileChannelTest, WriteErrorIsRetried) {
  if (!fs::exists("/dev/full")) {
    GTEST_SKIP() << "no /dev/full to make writes fail";
  }
  auto channel = create({{"path", "/dev/full"}});
  ASSERT_NE(channel, nullptr);
  const core::SendOutcome outcome = channel->send(sampleMessage());
  EXPECT_EQ(outcome.status, NOTIFY_RETRY);
  EXPECT_NE(outcome.detail.find("/dev/full"), std::string::npos);
}

TEST_F(FileChannelTest, ConcurrentSendsNeverInterleave) {
  auto channel = create({{"path", path_.string()}});
  ASSERT_NE(channel, nullptr);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 100;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&channel, t] {
      for (int i = 0; i < kPerThread; ++i) {
        core::OutboundMessage message = sampleMessage();
        message.id = std::to_string(t) + "-" + std::to_string(i);
        message.body = std::string(2000, static_cast<char>('a' + t));  // big enough to matter
        channel->send(message);
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  std::set<std::string> ids;
  for (const std::string& line : readLines(path_)) {
    ids.insert(parseJson(line)->getValue<std::string>("message_id"));
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace notify::test
