#include "tools/notifyctl/audience_push.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <iostream>
#include <optional>
#include <zmq.hpp>

#include "core/schedule/csv_reader.hpp"
#include "tools/client/dealer_client.hpp"
#include "tools/client/replies.hpp"

namespace notify::tools::ctl {
namespace {

using client::UsageError;

// Which CSV columns are addresses and which are variables: "to.KIND" columns are addresses of
// that kind; with --recipient KIND the column named KIND is one too (the layout of a cron
// job's CSV file, so the same file serves both). Every other column is a variable.
struct ColumnRoles {
  std::vector<std::string> names;  // the key in "to" or "vars"
  std::vector<bool> isAddress;
};

ColumnRoles rolesOf(const std::vector<std::string>& header, const std::string& recipient) {
  ColumnRoles roles;
  bool anyAddress = false;
  for (const std::string& column : header) {
    bool prefixed = column.rfind("to.", 0) == 0 && column.size() > 3;
    bool address = prefixed || (!recipient.empty() && column == recipient);
    roles.names.push_back(prefixed ? column.substr(3) : column);
    roles.isAddress.push_back(address);
    anyAddress = anyAddress || address;
  }
  if (!anyAddress) {
    throw UsageError("the CSV header has no address column: name one to.KIND (to.phone, "
                     "to.email, …) or pass --recipient with the column that holds the address");
  }
  return roles;
}

Poco::JSON::Object::Ptr rowOf(const ColumnRoles& roles, const std::vector<std::string>& fields) {
  Poco::JSON::Object::Ptr to = new Poco::JSON::Object;
  Poco::JSON::Object::Ptr vars = new Poco::JSON::Object;
  for (size_t i = 0; i < fields.size(); ++i) {
    (roles.isAddress[i] ? to : vars)->set(roles.names[i], fields[i]);
  }
  Poco::JSON::Object::Ptr row = new Poco::JSON::Object;
  row->set("to", to);
  row->set("vars", vars);
  return row;
}

std::unique_ptr<core::CsvReader> openCsv(const std::string& path) {
  auto reader = core::CsvReader::open(path);
  if (!reader) {
    throw UsageError(reader.error().message);
  }
  return std::move(reader).value();
}

// Reads the whole file once without sending anything, so that a file with a bad row is refused
// before the list is touched. Prints each bad row; returns the number of good rows, or nullopt.
std::optional<size_t> checkFile(const std::string& path) {
  auto reader = openCsv(path);
  size_t good = 0;
  size_t bad = 0;
  while (auto record = reader->next()) {
    if (*record) {
      ++good;
    } else {
      ++bad;
      std::cerr << path << ": " << record->error().message << '\n';
    }
  }
  if (bad > 0) {
    std::cerr << "notifyctl: " << bad << " bad row(s); nothing was pushed\n";
    return std::nullopt;
  }
  return good;
}

}  // namespace

int runAudienceCommand(const std::vector<std::string>& args, client::ConnectionOptions& options) {
  std::string file;
  std::string recipient;
  bool append = false;
  uint64_t batch = 500;
  auto specs = client::connectionOptionSpecs(options);
  specs.push_back({"file", true, [&](const std::string& v) { file = v; }});
  specs.push_back({"recipient", true, [&](const std::string& v) { recipient = v; }});
  specs.push_back({"append", false, [&](const std::string&) { append = true; }});
  specs.push_back({"batch", true, [&](const std::string& v) {
                     batch = client::parseCount(v, "batch");
                     if (batch == 0) {
                       throw UsageError("--batch must be at least 1");
                     }
                   }});
  const auto positionals = client::parseOptions(args, specs, client::Positionals::kCollect);
  if (positionals.size() != 2 || positionals[0] != "push") {
    throw UsageError("audience takes: push LIST --file FILE.csv");
  }
  if (file.empty()) {
    throw UsageError("audience push needs --file FILE.csv");
  }
  const std::string& list = positionals[1];
  std::optional<size_t> rows = checkFile(file);
  if (!rows) {
    return client::kExitReplyError;
  }

  auto reader = openCsv(file);
  ColumnRoles roles = rolesOf(reader->header(), recipient);
  zmq::context_t context;
  client::DealerClient dealer(context, options.endpoint, options.timeout);
  size_t pushed = 0;
  int64_t listLength = 0;
  bool first = true;
  for (;;) {
    Poco::JSON::Array::Ptr batchRows = new Poco::JSON::Array;
    while (batchRows->size() < batch) {
      auto record = reader->next();
      if (!record) {
        break;
      }
      batchRows->add(rowOf(roles, (*record)->fields));
    }
    if (batchRows->size() == 0 && !first) {
      break;
    }
    // The first batch replaces the list unless --append; an empty file empties it.
    Poco::JSON::Object::Ptr request =
        client::audiencePushRequest(options.credentials, list, first && !append, batchRows);
    const auto result = client::call(dealer, request, "notifyctl");
    if (result.reply.isNull()) {
      std::cerr << "notifyctl: " << options.endpoint << ": " << result.transportError << '\n';
      std::cerr << "notifyctl: " << pushed << " of " << *rows << " rows were pushed\n";
      return client::kExitTransport;
    }
    if (const auto error = client::replyError(*result.reply)) {
      std::cerr << "error: " << client::describe(*error) << '\n';
      std::cerr << "notifyctl: " << pushed << " of " << *rows << " rows were pushed\n";
      return client::kExitReplyError;
    }
    pushed += batchRows->size();
    listLength = result.reply->optValue<int64_t>("rows", 0);
    first = false;
    if (batchRows->size() < batch) {
      break;
    }
  }
  std::cout << "pushed " << pushed << " rows to list '" << list << "'; it now holds "
            << listLength << " rows\n";
  return client::kExitOk;
}

const char* audienceUsageText() {
  return "  audience push LIST --file FILE.csv [--recipient KIND] [--append] [--batch N]\n"
         "                     upload a CSV file as the app's pushed list LIST (for cron\n"
         "                     jobs with audience.list): columns named to.KIND are addresses\n"
         "                     (or the column --recipient names), the others variables. The\n"
         "                     file is checked first; a bad row stops it before anything is\n"
         "                     sent. Replaces the list unless --append; N rows per request\n"
         "                     (default 500, at most the daemon's max_batch)\n";
}

}  // namespace notify::tools::ctl
