// SPDX-License-Identifier: Apache-2.0
// Checks on a cron job's runs as the cron_runs op lists them.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace notify::test {

// Each fire time is one run without duplicate messages, and each of planned (UTC, as the op
// prints it) is among them. Returns how many runs are done.
inline int expectEachFireTimeOnce(const Poco::JSON::Array::Ptr& runs,
                                  const std::vector<std::string>& planned) {
  std::set<std::string> seen;
  int done = 0;
  for (size_t i = 0; i < runs->size(); ++i) {
    Poco::JSON::Object::Ptr run = runs->getObject(static_cast<unsigned>(i));
    EXPECT_TRUE(seen.insert(run->getValue<std::string>("planned_at")).second);
    EXPECT_EQ(run->getValue<int>("duplicates"), 0);
    done += run->getValue<std::string>("state") == "done" ? 1 : 0;
  }
  for (const std::string& minute : planned) {
    EXPECT_EQ(seen.count(minute), 1u) << minute;
  }
  return done;
}

}  // namespace notify::test
