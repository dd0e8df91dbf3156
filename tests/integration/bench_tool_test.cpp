// SPDX-License-Identifier: Apache-2.0
// notify-bench is how the throughput and latency figures in docs/benchmarks.md are produced, so
// its lifecycle mode is checked end to end: every accepted message must reach its sink, with a
// latency, and a slow sink must hold each answer back without losing one.
#include <gtest/gtest.h>

#include "support/daemon_process.hpp"
#include "support/run_command.hpp"
#include "support/test_config.hpp"

namespace notify::test {
namespace {

class BenchToolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = freeLoopbackPort();
    sinkPort_ = freeLoopbackPort();
    std::string sinkUrl = "http://127.0.0.1:" + std::to_string(sinkPort_) + "/hook";
    daemon_ = std::make_unique<DaemonProcess>(writeDaemonConfig(dir_, port_, sinkUrl),
                                              endpointFor(port_));
    daemon_->start();
  }

  CommandResult bench(const std::string& args) const {
    return runCommand((buildDir() / "bin" / "notify-bench").string() + " --endpoint " +
                      endpointFor(port_) + " --app test --token test-token --template greeting" +
                      " --to-kind user --channel hooks --sink-port " + std::to_string(sinkPort_) +
                      " --sink-wait-s 20 " + args);
  }

  TempDir dir_;
  int port_ = 0;
  int sinkPort_ = 0;
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(BenchToolTest, LifecycleRunSeesEveryAcceptedMessageDelivered) {
  CommandResult run = bench("--count 2000 --clients 4 --window 8");
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("accepted:   2000 messages"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("delivered:  2000 of 2000 accepted messages"), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("end-to-end latency (us): p50"), std::string::npos) << run.output;
}

TEST_F(BenchToolTest, ASlowSinkStillReceivesEveryMessage) {
  CommandResult run = bench("--count 200 --clients 2 --window 8 --sink-delay-ms 50");
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("delivered:  200 of 200 accepted messages"), std::string::npos)
      << run.output;
}

}  // namespace
}  // namespace notify::test
