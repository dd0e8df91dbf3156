// notifyctl audience push: uploads a CSV file as an app's pushed audience list (the
// audience_push op), for cron jobs with `audience.list`.
#pragma once

#include <string>
#include <vector>

#include "tools/client/cli.hpp"

namespace notify::tools::ctl {

// Runs "audience push LIST --file F [--recipient KIND] [--append] [--batch N]" (args start
// after "audience"). Returns the process exit status; throws client::UsageError.
int runAudienceCommand(const std::vector<std::string>& args, client::ConnectionOptions& options);

// The usage lines of the audience command.
const char* audienceUsageText();

}  // namespace notify::tools::ctl
