#include "tools/notifyctl/ops_commands.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <iomanip>
#include <iostream>
#include <sstream>

#include "tools/client/cli.hpp"

namespace notify::tools::ctl {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr const char* kDefaultOps = "http://127.0.0.1:9560";

struct Fetched {
  int status = 0;
  std::string body;
};

Fetched get(const Poco::URI& uri) {
  Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
  session.setTimeout(Poco::Timespan(10, 0));
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, uri.getPathAndQuery(),
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  Fetched out;
  out.status = static_cast<int>(response.getStatus());
  Poco::StreamCopier::copyToString(in, out.body);
  return out;
}

std::string text(const Object::Ptr& o, const std::string& key) {
  return o->optValue<std::string>(key, "");
}

void renderTrace(const Object::Ptr& reply, std::ostream& out) {
  Array::Ptr messages = reply->getArray("messages");
  if (!messages || messages->size() == 0) {
    out << "no messages\n";
    return;
  }
  for (size_t i = 0; i < messages->size(); ++i) {
    Object::Ptr m = messages->getObject(static_cast<unsigned>(i));
    out << text(m, "message_id") << "  " << text(m, "state") << "  app=" << text(m, "app")
        << " template=" << text(m, "template") << " channel=" << text(m, "channel");
    if (!text(m, "provider").empty()) {
      out << " provider=" << text(m, "provider");
    }
    out << "\n  to:";
    if (Object::Ptr to = m->getObject("to")) {
      for (const auto& [kind, address] : *to) {
        out << " " << kind << "=" << address.toString();
      }
    }
    for (const char* key : {"owner", "business_line"}) {
      if (!text(m, key).empty()) {
        out << "  " << key << "=" << text(m, key);
      }
    }
    if (m->has("req_id")) {
      out << "  req_id=" << m->get("req_id").toString();
    }
    out << "\n";
    Array::Ptr events = m->getArray("events");
    for (size_t k = 0; events && k < events->size(); ++k) {
      Object::Ptr e = events->getObject(static_cast<unsigned>(k));
      out << "    " << text(e, "at") << "  " << std::left << std::setw(17) << text(e, "state")
          << " " << text(e, "actor");
      if (!text(e, "provider").empty()) {
        out << " " << text(e, "provider");
      }
      if (!text(e, "code").empty()) {
        out << " code=" << text(e, "code");
      }
      if (!text(e, "detail").empty()) {
        out << "  " << text(e, "detail");
      }
      out << "\n";
    }
  }
}

std::string percent(int64_t part, int64_t whole) {
  if (whole == 0) {
    return "-";
  }
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << 100.0 * static_cast<double>(part) / whole << "%";
  return s.str();
}

void renderStats(const Object::Ptr& reply, std::ostream& out) {
  out << "since " << text(reply, "since") << " until " << text(reply, "until") << "\n";
  out << std::left << std::setw(16) << "app" << std::setw(16) << "channel" << std::setw(16)
      << "provider" << std::right
      << std::setw(8) << "total" << std::setw(11) << "delivered" << std::setw(8) << "failed"
      << std::setw(9) << "pending" << std::setw(10) << "success" << std::setw(10) << "failure"
      << std::setw(14) << "rate_limited" << "\n";
  Array::Ptr rows = reply->getArray("rows");
  int64_t total = 0, delivered = 0, failed = 0, pending = 0, limited = 0;
  auto line = [&](const std::string& app, const std::string& channel,
                  const std::string& provider, int64_t t, int64_t d, int64_t f, int64_t p,
                  int64_t r) {
    out << std::left << std::setw(16) << app << std::setw(16) << channel << std::setw(16)
        << (provider.empty() ? "-" : provider) << std::right
        << std::setw(8) << t << std::setw(11) << d << std::setw(8) << f << std::setw(9) << p
        << std::setw(10) << percent(d, d + f) << std::setw(10) << percent(f, d + f)
        << std::setw(14) << r << "\n";
  };
  for (size_t i = 0; rows && i < rows->size(); ++i) {
    Object::Ptr r = rows->getObject(static_cast<unsigned>(i));
    int64_t t = r->getValue<int64_t>("total"), d = r->getValue<int64_t>("delivered"),
            f = r->getValue<int64_t>("failed"), p = r->getValue<int64_t>("pending"),
            l = r->getValue<int64_t>("rate_limited");
    line(text(r, "app"), text(r, "channel"), text(r, "provider"), t, d, f, p, l);
    total += t, delivered += d, failed += f, pending += p, limited += l;
  }
  line("(all)", "", "", total, delivered, failed, pending, limited);
}

void renderAlerts(const Object::Ptr& reply, std::ostream& out) {
  Array::Ptr alerts = reply->getArray("alerts");
  if (!alerts || alerts->size() == 0) {
    out << "no alerts\n";
    return;
  }
  for (size_t i = 0; i < alerts->size(); ++i) {
    Object::Ptr a = alerts->getObject(static_cast<unsigned>(i));
    out << text(a, "at") << "  " << std::left << std::setw(9) << text(a, "state") << " "
        << text(a, "rule") << "  " << text(a, "detail") << "\n";
  }
}

}  // namespace

bool isOpsCommand(const std::string& name) {
  return name == "trace" || name == "stats" || name == "alerts";
}

int runOpsCommand(const std::vector<std::string>& args, bool json) {
  const std::string& name = args.front();
  std::string base = kDefaultOps;
  std::vector<std::pair<std::string, std::string>> query;
  auto param = [&](const std::string& key) {
    return [&query, key](const std::string& v) { query.emplace_back(key, v); };
  };
  std::vector<client::OptionSpec> specs = {
      {"ops", true, [&](const std::string& v) { base = v; }},
      {"since", true, param("since")},
      {"until", true, param("until")},
      {"limit", true, param("limit")},
      {"json", false, [&](const std::string&) { json = true; }},
  };
  std::string path = name == "trace" ? "/api/messages" : "/api/" + name;
  if (name == "trace") {
    for (const char* key : {"to", "id", "app", "template", "channel", "provider", "status"}) {
      specs.push_back({key, true, param(key)});
    }
    specs.push_back({"reveal", false, [&](const std::string&) { query.emplace_back("reveal", "1"); }});
  }
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (!client::parseOptions(rest, specs, client::Positionals::kCollect).empty()) {
    throw client::UsageError(name + " takes no arguments, only options");
  }
  bool hasSince = false;
  for (const auto& [key, value] : query) {
    hasSince |= key == "since";
  }
  if (!hasSince) {
    query.emplace_back("since", name == "stats" ? "1h" : "24h");
  }
  Poco::URI uri(base + path);
  for (const auto& [key, value] : query) {
    uri.addQueryParameter(key, value);
  }
  Fetched fetched;
  try {
    fetched = get(uri);
  } catch (const std::exception& e) {
    std::cerr << "notifyctl: " << base << ": " << e.what() << '\n';
    return client::kExitTransport;
  }
  Object::Ptr reply;
  try {
    reply = Poco::JSON::Parser().parse(fetched.body).extract<Object::Ptr>();
  } catch (const std::exception&) {
    std::cerr << "notifyctl: " << base << ": HTTP " << fetched.status << ", not JSON\n";
    return client::kExitTransport;
  }
  if (json) {
    reply->stringify(std::cout, 2);
    std::cout << '\n';
  }
  if (!reply->optValue<bool>("ok", false)) {
    Object::Ptr error = reply->getObject("error");
    std::cerr << "error: " << (error ? text(error, "code") + ": " + text(error, "message") : "")
              << '\n';
    return client::kExitReplyError;
  }
  if (!json) {
    if (name == "trace") {
      renderTrace(reply, std::cout);
    } else if (name == "stats") {
      renderStats(reply, std::cout);
    } else {
      renderAlerts(reply, std::cout);
    }
  }
  return client::kExitOk;
}

std::string opsUsageText() {
  return "operator commands (read the ops HTTP API; options go after the command):\n"
         "  trace [--to ADDR] [--id ID] [--app A] [--template T] [--channel C] [--provider P]\n"
         "        [--status S] [--since 24h|RFC3339] [--until ..] [--limit N] [--reveal]\n"
         "                     messages with their timeline and the providers' answers;\n"
         "                     recipients masked unless --reveal\n"
         "  stats [--since 1h]  totals, success/failure rates, rate-limited per app, channel\n"
         "                     and provider\n"
         "  alerts [--since 24h] alert history (firing and resolved)\n"
         "  --ops URL          the ops server (default http://127.0.0.1:9560)\n";
}

}  // namespace notify::tools::ctl
