// SPDX-License-Identifier: Apache-2.0
#include "support/fakeprov_process.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support/test_env.hpp"

namespace notify::test {
namespace {

std::string exchange(int port, const std::string& method, const std::string& path,
                     const std::string& body) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
  session.setTimeout(Poco::Timespan(10, 0));
  Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  request.setContentType("application/json");
  request.setContentLength(static_cast<std::streamsize>(body.size()));
  session.sendRequest(request) << body;
  Poco::Net::HTTPResponse response;
  std::string text;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), text);
  if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK) {
    throw std::runtime_error("fakeprov " + path + ": " + std::to_string(response.getStatus()) +
                             " " + text);
  }
  return text;
}

}  // namespace

FakeProvProcess::FakeProvProcess(const std::filesystem::path& config,
                                 const std::vector<std::string>& args) {
  int out[2];
  if (pipe(out) != 0) {
    throw std::runtime_error("pipe failed");
  }
  std::string binary = (buildDir() / "bin" / "notify-fakeprov").string();
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], 1);
    close(out[0]);
    std::vector<std::string> words = {binary};
    if (!config.empty()) {
      words.insert(words.end(), {"--config", config.string()});
    }
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& word : words) {
      argv.push_back(word.data());
    }
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(out[1]);
  // The first line is "listening on http://127.0.0.1:PORT".
  std::string line;
  char c;
  while (read(out[0], &c, 1) == 1 && c != '\n') {
    line.push_back(c);
  }
  close(out[0]);
  size_t colon = line.rfind(':');
  if (line.rfind("listening on", 0) != 0 || colon == std::string::npos) {
    throw std::runtime_error("notify-fakeprov did not start: '" + line + "'");
  }
  port_ = std::stoi(line.substr(colon + 1));
}

FakeProvProcess::~FakeProvProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

std::string FakeProvProcess::url(const std::string& provider) const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/" + provider;
}

std::string FakeProvProcess::get(const std::string& pathAndQuery) const {
  return exchange(port_, "GET", pathAndQuery, "");
}

Poco::JSON::Array::Ptr FakeProvProcess::requests(const std::string& provider) const {
  Poco::JSON::Parser parser;
  return parser.parse(get("/_fake/requests?provider=" + provider))
      .extract<Poco::JSON::Array::Ptr>();
}

bool FakeProvProcess::waitForRequests(const std::string& provider, size_t count,
                                      int timeoutMs) const {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  while (std::chrono::steady_clock::now() < deadline) {
    if (requests(provider)->size() >= count) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void FakeProvProcess::control(const std::string& what, const std::string& json) const {
  exchange(port_, "POST", "/_fake/" + what, json);
}

int FakeProvProcess::tokensIssued(const std::string& provider) const {
  Poco::JSON::Parser parser;
  auto reply =
      parser.parse(get("/_fake/tokens?provider=" + provider)).extract<Poco::JSON::Object::Ptr>();
  return reply->getValue<int>("issued");
}

}  // namespace notify::test
