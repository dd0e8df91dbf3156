#include "tools/client/cli.hpp"

#include <algorithm>
#include <cstdlib>

namespace notify::client {
namespace {

const OptionSpec& findSpec(const std::vector<OptionSpec>& specs, const std::string& name) {
  auto found = std::find_if(specs.begin(), specs.end(),
                            [&](const OptionSpec& spec) { return spec.name == name; });
  if (found == specs.end()) {
    throw UsageError("unknown option --" + name);
  }
  return *found;
}

std::string envOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::string(value) : fallback;
}

}  // namespace

std::vector<std::string> parseOptions(const std::vector<std::string>& args,
                                      const std::vector<OptionSpec>& specs, Positionals mode) {
  std::vector<std::string> positionals;
  for (auto it = args.begin(); it != args.end(); ++it) {
    const std::string& arg = *it;
    if (arg == "--") {
      positionals.insert(positionals.end(), it + 1, args.end());
      break;
    }
    if (arg.size() < 3 || !arg.starts_with("--")) {
      if (mode == Positionals::kStop) {
        positionals.insert(positionals.end(), it, args.end());
        break;
      }
      positionals.push_back(arg);
      continue;
    }
    const auto equals = arg.find('=');
    const std::string name = arg.substr(2, equals == std::string::npos ? equals : equals - 2);
    const OptionSpec& spec = findSpec(specs, name);
    if (!spec.takesValue) {
      if (equals != std::string::npos) {
        throw UsageError("option --" + name + " takes no value");
      }
      spec.apply("");
    } else if (equals != std::string::npos) {
      spec.apply(arg.substr(equals + 1));
    } else if (it + 1 != args.end()) {
      spec.apply(*++it);
    } else {
      throw UsageError("option --" + name + " needs a value");
    }
  }
  return positionals;
}

std::pair<std::string, std::string> splitKeyValue(const std::string& text,
                                                  const std::string& what) {
  const auto equals = text.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw UsageError(what + " expects KEY=VALUE, got '" + text + "'");
  }
  return {text.substr(0, equals), text.substr(equals + 1)};
}

std::uint64_t parseCount(const std::string& text, const std::string& option) {
  std::size_t used = 0;
  try {
    if (!text.empty() && text.front() != '-') {
      const auto value = std::stoull(text, &used);
      if (used == text.size()) {
        return value;
      }
    }
  } catch (const std::exception&) {
    // Falls through to the usage error below, which names the option.
  }
  throw UsageError("--" + option + " expects a whole number, got '" + text + "'");
}

double parseNonNegative(const std::string& text, const std::string& option) {
  std::size_t used = 0;
  try {
    const double value = std::stod(text, &used);
    if (used == text.size() && value >= 0) {
      return value;
    }
  } catch (const std::exception&) {
    // Falls through to the usage error below, which names the option.
  }
  throw UsageError("--" + option + " expects a number >= 0, got '" + text + "'");
}

ConnectionOptions connectionDefaults() {
  ConnectionOptions options;
  options.credentials.app = envOr("NOTIFY_APP", "");
  options.credentials.token = envOr("NOTIFY_TOKEN", "");
  return options;
}

std::vector<OptionSpec> connectionOptionSpecs(ConnectionOptions& options) {
  return {
      {"endpoint", true, [&options](const std::string& v) { options.endpoint = v; }},
      {"app", true, [&options](const std::string& v) { options.credentials.app = v; }},
      {"token", true, [&options](const std::string& v) { options.credentials.token = v; }},
      {"timeout-ms", true,
       [&options](const std::string& v) {
         options.timeout = std::chrono::milliseconds(parseCount(v, "timeout-ms"));
       }},
      {"json", false, [&options](const std::string&) { options.json = true; }},
  };
}

const char* connectionUsage() {
  return "  --endpoint URL     daemon's ROUTER endpoint (default tcp://127.0.0.1:5560)\n"
         "  --app NAME         calling application (default $NOTIFY_APP)\n"
         "  --token TOKEN      that application's token (default $NOTIFY_TOKEN)\n"
         "  --timeout-ms N     how long to wait for a reply (default 5000)\n"
         "  --json             print JSON instead of text\n";
}

}  // namespace notify::client
