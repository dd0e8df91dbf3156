// notifyctl's commands: from command-line words to the request each one sends.
#pragma once

#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

#include "tools/client/cli.hpp"

namespace notify::tools::ctl {

enum class CommandKind {
  kSend,
  kStatus,
  kPing,
  kPlugins,
  kDlqList,
  kDlqReplay,
  kRouteExplain,
  kReload,
  kCancel,
  kCronList,
  kCronRuns,
  kCronControl,  // run-now, pause, resume, cancel
};

struct Command {
  CommandKind kind;
  Poco::JSON::Object::Ptr request;  // without req_id; the caller sets it
};

// Parses "<command> [arguments]"; connection options may also follow the command, so they are
// applied to `options`. Throws client::UsageError.
Command parseCommand(const std::vector<std::string>& args, client::ConnectionOptions& options);

// The full usage text, printed for --help and after every usage error.
std::string usageText();

}  // namespace notify::tools::ctl
