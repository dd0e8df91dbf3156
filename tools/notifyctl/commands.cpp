#include "tools/notifyctl/commands.hpp"

#include <algorithm>

#include "tools/client/requests.hpp"
#include "tools/notifyctl/audience_push.hpp"

namespace notify::tools::ctl {
namespace {

using client::OptionSpec;
using client::UsageError;

// The command's own options, then the connection options, in one table.
std::vector<std::string> parseWith(std::vector<OptionSpec> specs,
                                   const std::vector<std::string>& args,
                                   client::ConnectionOptions& options) {
  auto connection = client::connectionOptionSpecs(options);
  specs.insert(specs.end(), connection.begin(), connection.end());
  return client::parseOptions(args, specs, client::Positionals::kCollect);
}

void expectPositionals(const std::vector<std::string>& positionals, std::size_t count,
                       const std::string& command) {
  if (positionals.size() != count) {
    throw UsageError(command + " takes " + std::to_string(count) + " argument(s), got " +
                     std::to_string(positionals.size()));
  }
}

// The options that describe one message, shared by send and route --explain.
std::vector<OptionSpec> messageOptions(client::MessageSpec& message) {
  return {
      {"template", true, [&](const std::string& v) { message.templateName = v; }},
      {"to", true,
       [&](const std::string& v) { message.to.push_back(client::splitKeyValue(v, "--to")); }},
      {"var", true,
       [&](const std::string& v) { message.vars.push_back(client::splitKeyValue(v, "--var")); }},
      {"channel", true, [&](const std::string& v) { message.channel = v; }},
      {"idempotency-key", true, [&](const std::string& v) { message.idempotencyKey = v; }},
      {"send-at", true, [&](const std::string& v) { message.sendAt = v; }},
      {"tag", true, [&](const std::string& v) { message.tags.push_back(v); }},
  };
}

Command parseSend(const std::vector<std::string>& args, client::ConnectionOptions& options) {
  client::MessageSpec message;
  const auto positionals = parseWith(messageOptions(message), args, options);
  expectPositionals(positionals, 0, "send");
  if (message.templateName.empty() || message.to.empty()) {
    throw UsageError("send needs --template and at least one --to");
  }
  return {CommandKind::kSend, client::sendRequest(options.credentials, message)};
}

// route --explain takes the options of a send and shows where that message would go.
Command parseRoute(const std::vector<std::string>& args, client::ConnectionOptions& options) {
  client::MessageSpec message;
  bool explain = false;
  auto specs = messageOptions(message);
  specs.push_back({"explain", false, [&](const std::string&) { explain = true; }});
  const auto positionals = parseWith(std::move(specs), args, options);
  expectPositionals(positionals, 0, "route");
  if (!explain || message.templateName.empty()) {
    throw UsageError("route needs --explain and --template");
  }
  auto request = client::sendRequest(options.credentials, message);
  request->set("op", "route_explain");
  return {CommandKind::kRouteExplain, request};
}

Command parseStatus(const std::vector<std::string>& args, client::ConnectionOptions& options) {
  const auto positionals = parseWith({}, args, options);
  expectPositionals(positionals, 1, "status");
  return {CommandKind::kStatus, client::statusRequest(options.credentials, positionals[0])};
}

Command parseBare(CommandKind kind, const std::string& name, const std::vector<std::string>& args,
                  client::ConnectionOptions& options) {
  expectPositionals(parseWith({}, args, options), 0, name);
  if (kind == CommandKind::kPing) {
    return {kind, client::pingRequest()};
  }
  return {kind, client::bareRequest(kind == CommandKind::kReload ? "reload" : "plugins",
                                    options.credentials)};
}

// dlq list|replay [--id ID] [--template T] [--since T] [--until T] [--limit N]
Command parseDlq(const std::vector<std::string>& args, client::ConnectionOptions& options) {
  client::DeadLetterSpec spec;
  const auto positionals = parseWith(
      {
          {"id", true, [&](const std::string& v) { spec.messageId = v; }},
          {"template", true, [&](const std::string& v) { spec.templateName = v; }},
          {"since", true, [&](const std::string& v) { spec.since = v; }},
          {"until", true, [&](const std::string& v) { spec.until = v; }},
          {"limit", true, [&](const std::string& v) { spec.limit = std::stoi(v); }},
      },
      args, options);
  expectPositionals(positionals, 1, "dlq");
  if (positionals[0] == "list") {
    return {CommandKind::kDlqList,
            client::deadLetterRequest("dlq_list", options.credentials, spec)};
  }
  if (positionals[0] == "replay") {
    return {CommandKind::kDlqReplay,
            client::deadLetterRequest("dlq_replay", options.credentials, spec)};
  }
  throw UsageError("dlq takes list or replay, got '" + positionals[0] + "'");
}

// cancel MESSAGE_ID | cancel --idempotency-key K | cancel --tag T
Command parseCancel(const std::vector<std::string>& args, client::ConnectionOptions& options) {
  client::CancelSpec spec;
  const auto positionals = parseWith(
      {
          {"idempotency-key", true, [&](const std::string& v) { spec.idempotencyKey = v; }},
          {"tag", true, [&](const std::string& v) { spec.tag = v; }},
      },
      args, options);
  if (positionals.size() > 1) {
    throw UsageError("cancel takes at most one message id");
  }
  if (!positionals.empty()) {
    spec.messageId = positionals[0];
  }
  if (static_cast<int>(spec.messageId.has_value()) + spec.idempotencyKey.has_value() +
          spec.tag.has_value() !=
      1) {
    throw UsageError("cancel needs exactly one of MESSAGE_ID, --idempotency-key or --tag");
  }
  return {CommandKind::kCancel, client::cancelRequest(options.credentials, spec)};
}

// cron list | cron runs NAME [--limit N] | cron run-now|pause|resume|cancel NAME
Command parseCron(const std::vector<std::string>& args, client::ConnectionOptions& options) {
  std::optional<int> limit;
  const auto positionals = parseWith(
      {{"limit", true,
        [&](const std::string& v) { limit = static_cast<int>(client::parseCount(v, "limit")); }}},
      args, options);
  if (positionals.empty()) {
    throw UsageError("cron takes list, runs, run-now, pause, resume or cancel");
  }
  const std::string& action = positionals[0];
  if (action == "list") {
    expectPositionals(positionals, 1, "cron list");
    return {CommandKind::kCronList, client::cronRequest("cron_list", options.credentials, "")};
  }
  static const std::vector<std::pair<std::string, std::string>> kOps = {{"runs", "cron_runs"},
                                                                        {"run-now", "cron_run_now"},
                                                                        {"pause", "cron_pause"},
                                                                        {"resume", "cron_resume"},
                                                                        {"cancel", "cron_cancel"}};
  auto op =
      std::find_if(kOps.begin(), kOps.end(), [&](const auto& p) { return p.first == action; });
  if (op == kOps.end()) {
    throw UsageError("cron takes list, runs, run-now, pause, resume or cancel, got '" + action +
                     "'");
  }
  expectPositionals(positionals, 2, "cron " + action);
  return {action == "runs" ? CommandKind::kCronRuns : CommandKind::kCronControl,
          client::cronRequest(op->second, options.credentials, positionals[1], limit)};
}

}  // namespace

Command parseCommand(const std::vector<std::string>& args, client::ConnectionOptions& options) {
  if (args.empty()) {
    throw UsageError("no command given");
  }
  const std::string& name = args.front();
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (name == "send") {
    return parseSend(rest, options);
  }
  if (name == "status") {
    return parseStatus(rest, options);
  }
  if (name == "ping") {
    return parseBare(CommandKind::kPing, name, rest, options);
  }
  if (name == "plugins") {
    return parseBare(CommandKind::kPlugins, name, rest, options);
  }
  if (name == "dlq") {
    return parseDlq(rest, options);
  }
  if (name == "route") {
    return parseRoute(rest, options);
  }
  if (name == "reload") {
    return parseBare(CommandKind::kReload, name, rest, options);
  }
  if (name == "cancel") {
    return parseCancel(rest, options);
  }
  if (name == "cron") {
    return parseCron(rest, options);
  }
  throw UsageError("unknown command '" + name + "'");
}

std::string usageText() {
  return std::string(
             "usage: notifyctl [options] <command> [arguments]\n"
             "\n"
             "commands:\n"
             "  send --template NAME --to KIND=ADDR [--to ...] [--var K=V ...] [--channel C]\n"
             "       [--idempotency-key K] [--send-at RFC3339] [--tag T ...]\n"
             "                     submit one message; prints its status and id\n"
             "  status MESSAGE_ID  a message's state and its event timeline\n"
             "  cancel MESSAGE_ID | cancel --idempotency-key K | cancel --tag T\n"
             "                     cancel a waiting message (answers canceled, or too_late with\n"
             "                     its state); --tag recalls every scheduled message so tagged\n"
             "  cron list          the app's cron jobs: schedule, zone, next fire, last run\n"
             "  cron runs NAME [--limit N]\n"
             "                     a job's runs: planned and actual time, counts, errors\n"
             "  cron run-now|pause|resume|cancel NAME\n"
             "                     run a job now; stop or restart its schedule (and a run in\n"
             "                     progress); cancel its pending or running run\n"
             ) + audienceUsageText() + std::string(
             "  ping               is the daemon there, and which version\n"
             "  plugins            loaded and refused plugins, configured providers\n"
             "  dlq list|replay [--id ID] [--template T] [--since RFC3339] [--until RFC3339]\n"
             "       [--limit N]   failed messages with their last error; replay puts them back\n"
             "                     in the queue with fresh attempts (needs a filter)\n"
             "  route --explain --template NAME [--to KIND=ADDR ...] [--channel C] [--tag T ...]\n"
             "                     which routing rule a message would take, and why\n"
             "  reload             re-read the daemon's configuration (admin apps only)\n"
             "\n"
             "options (before or after the command):\n") +
         client::connectionUsage() +
         "\n"
         "exit status: 0 ok, 1 the daemon refused the request, 2 no reply (transport),\n"
         "64 usage error\n";
}

}  // namespace notify::tools::ctl
