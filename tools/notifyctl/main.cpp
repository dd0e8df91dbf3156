// notifyctl: submit messages to notifyd and look at them, from a shell.
#include <iostream>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "tools/client/cli.hpp"
#include "tools/client/dealer_client.hpp"
#include "tools/client/replies.hpp"
#include "tools/client/requests.hpp"
#include "tools/notifyctl/audience_push.hpp"
#include "tools/notifyctl/commands.hpp"
#include "tools/notifyctl/ops_commands.hpp"
#include "tools/notifyctl/render.hpp"

namespace {

using namespace notify;

int run(const tools::ctl::Command& command, const client::ConnectionOptions& options) {
  zmq::context_t context;
  client::DealerClient dealer(context, options.endpoint, options.timeout);
  const auto result = client::call(dealer, command.request, "notifyctl");
  if (result.reply.isNull()) {
    std::cerr << "notifyctl: " << options.endpoint << ": " << result.transportError << '\n';
    return client::kExitTransport;
  }
  if (options.json) {
    std::cout << client::prettyJson(result.reply) << '\n';
  }
  if (const auto error = client::replyError(*result.reply)) {
    std::cerr << "error: " << client::describe(*error) << '\n';
    return client::kExitReplyError;
  }
  if (!options.json) {
    tools::ctl::renderText(command.kind, *result.reply, std::cout);
  }
  return client::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  auto options = client::connectionDefaults();
  bool help = false;
  try {
    auto specs = client::connectionOptionSpecs(options);
    specs.push_back({"help", false, [&help](const std::string&) { help = true; }});
    const auto rest = client::parseOptions(args, specs, client::Positionals::kStop);
    if (help) {
      std::cout << tools::ctl::usageText() << '\n' << tools::ctl::opsUsageText();
      return client::kExitOk;
    }
    if (!rest.empty() && rest.front() == "audience") {
      return tools::ctl::runAudienceCommand({rest.begin() + 1, rest.end()}, options);
    }
    if (!rest.empty() && tools::ctl::isOpsCommand(rest.front())) {
      return tools::ctl::runOpsCommand(rest, options.json);
    }
    return run(tools::ctl::parseCommand(rest, options), options);
  } catch (const client::UsageError& error) {
    std::cerr << "notifyctl: " << error.what() << "\n\n" << tools::ctl::usageText();
    return client::kExitUsage;
  } catch (const zmq::error_t& error) {
    std::cerr << "notifyctl: " << options.endpoint << ": " << error.what() << '\n';
    return client::kExitTransport;
  }
}
