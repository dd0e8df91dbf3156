// notifyctl's operator commands (trace, stats, alerts): they read the daemon's ops HTTP API
// ([ops] listen), not the ZeroMQ ingress, and see every app's messages.
#pragma once

#include <string>
#include <vector>

namespace notify::tools::ctl {

bool isOpsCommand(const std::string& name);
// args: the command and its options. Returns the exit status; throws client::UsageError.
int runOpsCommand(const std::vector<std::string>& args, bool json);
std::string opsUsageText();

}  // namespace notify::tools::ctl
