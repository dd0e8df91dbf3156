// Human-readable text for notifyctl's successful replies (--json prints the reply instead).
#pragma once

#include <Poco/JSON/Object.h>

#include <ostream>

#include "tools/notifyctl/commands.hpp"

namespace notify::tools::ctl {

void renderText(CommandKind kind, const Poco::JSON::Object& reply, std::ostream& out);

}  // namespace notify::tools::ctl
