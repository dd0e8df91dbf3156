// Command-line plumbing shared by notifyctl and notify-bench: option tables, value parsers,
// the connection options both accept, and the exit codes both promise.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "tools/client/requests.hpp"

namespace notify::client {

inline constexpr int kExitOk = 0;
inline constexpr int kExitReplyError = 1;
inline constexpr int kExitTransport = 2;
inline constexpr int kExitUsage = 64;  // EX_USAGE from sysexits.h

inline constexpr const char* kDefaultEndpoint = "tcp://127.0.0.1:5560";

// A malformed command line; main() answers it with the usage text and kExitUsage.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct OptionSpec {
  std::string name;  // without the leading "--"
  bool takesValue = true;
  std::function<void(const std::string&)> apply;
};

enum class Positionals {
  kCollect,  // keep going after a positional argument and return them all
  kStop,     // stop at the first positional argument and return it with everything after it
};

// Applies "--name value", "--name=value" and bare "--flag" options from args; returns the
// positional arguments (see Positionals). A lone "--" ends option parsing.
std::vector<std::string> parseOptions(const std::vector<std::string>& args,
                                      const std::vector<OptionSpec>& specs, Positionals mode);

// "KEY=VALUE" → {KEY, VALUE}; `what` names the option in the error message.
std::pair<std::string, std::string> splitKeyValue(const std::string& text, const std::string& what);

std::uint64_t parseCount(const std::string& text, const std::string& option);
double parseNonNegative(const std::string& text, const std::string& option);

struct ConnectionOptions {
  std::string endpoint = kDefaultEndpoint;
  Credentials credentials;  // defaults from NOTIFY_APP and NOTIFY_TOKEN
  std::chrono::milliseconds timeout{5000};
  bool json = false;  // print raw JSON instead of human-readable text
};

ConnectionOptions connectionDefaults();

// --endpoint, --app, --token, --timeout-ms and --json, writing into `options`.
std::vector<OptionSpec> connectionOptionSpecs(ConnectionOptions& options);

// One line per connection option, for the usage texts.
const char* connectionUsage();

}  // namespace notify::client
