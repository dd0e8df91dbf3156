#include "tools/notifyctl/render.hpp"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tools/client/replies.hpp"

namespace notify::tools::ctl {
namespace {

using Row = std::vector<std::string>;

// Missing values print as "-" so columns stay aligned and nothing reads as blank by accident.
std::string cell(const Poco::JSON::Object& object, const std::string& key) {
  const auto text = client::textOf(object, key);
  return text.empty() ? "-" : text;
}

// Pads every column but the last to its widest cell, two spaces apart.
void printTable(const std::vector<Row>& rows, const std::string& indent, std::ostream& out) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (std::size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  for (const auto& row : rows) {
    std::string line = indent;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) {
        line.append(widths[i] - row[i].size() + 2, ' ');
      }
    }
    out << line << '\n';
  }
}

// One row per element of the array `key`, the given members as columns.
std::vector<Row> rowsOf(const Poco::JSON::Object& object, const std::string& key,
                        const std::vector<std::string>& columns) {
  std::vector<Row> rows;
  const auto array = object.getArray(key);
  for (std::size_t i = 0; !array.isNull() && i < array->size(); ++i) {
    const auto element = array->getObject(static_cast<unsigned>(i));
    if (element.isNull()) {
      continue;
    }
    Row row;
    for (const auto& column : columns) {
      row.push_back(cell(*element, column));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

void printSection(const std::string& title, const std::vector<Row>& rows, std::ostream& out) {
  out << title << '\n';
  if (rows.empty()) {
    out << "  (none)\n";
  }
  printTable(rows, "  ", out);
}

void renderSend(const Poco::JSON::Object& reply, std::ostream& out) {
  out << cell(reply, "status") << ' ' << cell(reply, "message_id");
  const auto original = client::textOf(reply, "duplicate_of");
  if (!original.empty() && original != client::textOf(reply, "message_id")) {
    out << " (duplicate of " << original << ')';
  }
  out << '\n';
}

void renderStatus(const Poco::JSON::Object& reply, std::ostream& out) {
  const auto message = reply.getObject("message");
  if (message.isNull()) {
    out << "(the reply holds no message)\n";
    return;
  }
  std::vector<Row> summary;
  for (const auto* key :
       {"message_id", "state", "provider", "attempts", "template", "channel", "created_at"}) {
    summary.push_back({std::string(key) + ':', cell(*message, key)});
  }
  printTable(summary, "", out);
  printSection(
      "events:", rowsOf(*message, "events", {"at", "state", "actor", "provider", "code", "detail"}),
      out);
}

// The shape of notifyd's reply: {"plugins": {"loaded": [...], "refused": [...], "providers":
// [...]}}.
void renderPlugins(const Poco::JSON::Object& reply, std::ostream& out) {
  const auto plugins = reply.getObject("plugins");
  if (plugins.isNull()) {
    out << "(the reply holds no plugin list)\n";
    return;
  }
  printSection("loaded plugins:", rowsOf(*plugins, "loaded", {"name", "version", "description"}),
               out);
  printSection("refused plugins:", rowsOf(*plugins, "refused", {"file", "reason"}), out);
  printSection("providers:", rowsOf(*plugins, "providers", {"name", "plugin"}), out);
}

std::vector<std::string> stringsOf(const Poco::JSON::Object& object, const std::string& key) {
  std::vector<std::string> items;
  const auto array = object.getArray(key);
  for (std::size_t i = 0; !array.isNull() && i < array->size(); ++i) {
    items.push_back(array->getElement<std::string>(static_cast<unsigned>(i)));
  }
  return items;
}

void renderRoute(const Poco::JSON::Object& reply, std::ostream& out) {
  const auto route = reply.getObject("route");
  if (route.isNull()) {
    out << "(the reply holds no route)\n";
    return;
  }
  const auto rule = client::textOf(*route, "rule");
  out << "rule:      " << (rule.empty() ? "(none matched)" : rule) << '\n';
  out << "channel:   " << cell(*route, "channel") << '\n' << "providers:";
  for (const auto& provider : stringsOf(*route, "providers")) {
    out << ' ' << provider;
  }
  out << "\nwhy:\n";
  for (const auto& line : stringsOf(*route, "trace")) {
    out << "  " << line << '\n';
  }
}

void renderCronList(const Poco::JSON::Object& reply, std::ostream& out) {
  std::vector<Row> rows = {{"NAME", "SCHEDULE", "ZONE", "PAUSED", "NEXT FIRE", "LAST RUN"}};
  const auto jobs = reply.getArray("jobs");
  for (std::size_t i = 0; !jobs.isNull() && i < jobs->size(); ++i) {
    const auto job = jobs->getObject(static_cast<unsigned>(i));
    const auto last = job->getObject("last_run");
    rows.push_back({cell(*job, "name"), cell(*job, "schedule"), cell(*job, "time_zone"),
                    cell(*job, "paused"), cell(*job, "next_fire_at"),
                    last.isNull() ? "-" : cell(*last, "planned_at") + " " + cell(*last, "state")});
  }
  printTable(rows, "", out);
}

// The first errors of each run that had any, under the runs table.
void renderRunErrors(const Poco::JSON::Object& reply, std::ostream& out) {
  const auto runs = reply.getArray("runs");
  for (std::size_t i = 0; !runs.isNull() && i < runs->size(); ++i) {
    const auto run = runs->getObject(static_cast<unsigned>(i));
    const auto detail = client::textOf(*run, "error_detail");
    if (detail.empty()) {
      continue;
    }
    out << "run " << cell(*run, "planned_at") << ":\n";
    std::size_t start = 0;
    while (start <= detail.size()) {
      std::size_t end = std::min(detail.find('\n', start), detail.size());
      out << "  " << detail.substr(start, end - start) << '\n';
      start = end + 1;
    }
  }
}

}  // namespace

void renderText(CommandKind kind, const Poco::JSON::Object& reply, std::ostream& out) {
  switch (kind) {
    case CommandKind::kSend:
      renderSend(reply, out);
      break;
    case CommandKind::kStatus:
      renderStatus(reply, out);
      break;
    case CommandKind::kPing:
      out << "pong from notifyd " << cell(reply, "version") << '\n';
      break;
    case CommandKind::kPlugins:
      renderPlugins(reply, out);
      break;
    case CommandKind::kDlqList:
      printSection("dead letters:",
                   rowsOf(reply, "dead_letters",
                          {"message_id", "failed_at", "template", "provider", "attempts", "code",
                           "detail"}),
                   out);
      break;
    case CommandKind::kDlqReplay:
      out << "replayed " << cell(reply, "replayed") << '\n';
      break;
    case CommandKind::kRouteExplain:
      renderRoute(reply, out);
      break;
    case CommandKind::kReload:
      out << "reloaded: " << cell(reply, "reloaded") << '\n';
      break;
    case CommandKind::kCronList:
      renderCronList(reply, out);
      break;
    case CommandKind::kCronRuns:
      printSection("runs of " + cell(reply, "job") + ":",
                   rowsOf(reply, "runs",
                          {"planned_at", "trigger", "state", "started_at", "expanded", "accepted",
                           "duplicates", "errors"}),
                   out);
      renderRunErrors(reply, out);
      break;
    case CommandKind::kCronControl:
      out << "ok " << cell(reply, "job");
      for (const auto* key : {"planned_at", "paused", "canceled"}) {
        if (reply.has(key)) {
          out << ' ' << key << '=' << cell(reply, key);
        }
      }
      out << '\n';
      break;
    case CommandKind::kCancel:
      if (reply.has("canceled")) {
        out << "canceled " << cell(reply, "canceled") << " scheduled message(s)\n";
      } else {
        out << cell(reply, "status") << ' ' << cell(reply, "message_id") << " (state "
            << cell(reply, "state") << ")\n";
      }
      break;
  }
}

}  // namespace notify::tools::ctl
