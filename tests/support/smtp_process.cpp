// SPDX-License-Identifier: Apache-2.0
#include "support/smtp_process.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace notify::test {
namespace {

std::vector<std::string> strings(const Poco::JSON::Array::Ptr& array) {
  std::vector<std::string> out;
  for (size_t i = 0; array && i < array->size(); ++i) {
    out.push_back(array->getElement<std::string>(static_cast<unsigned>(i)));
  }
  return out;
}

std::string python() {
  const char* override = std::getenv("NOTIFY_TEST_PYTHON");
  return override != nullptr ? override : "/usr/bin/python3";  // Debian's, with aiosmtpd
}

}  // namespace

SmtpServerProcess::SmtpServerProcess(Options options) : dir_(std::make_unique<TempDir>()) {
  std::filesystem::create_directories(dir_->path() / "mail");
  // A port found free may be taken before the server binds it: try a few.
  for (int attempt = 0;; ++attempt) {
    try {
      start(options);
      return;
    } catch (const std::exception&) {
      if (attempt == 2) {
        throw;
      }
    }
  }
}

void SmtpServerProcess::start(const Options& options) {
  port_ = freeLoopbackPort();
  tls_ = options.tls;
  std::vector<std::string> args = {
      python(),         (sourceDir() / "tests" / "support" / "smtp_server.py").string(),
      "--port",         std::to_string(port_),
      "--dir",          (dir_->path() / "mail").string(),
      "--slow-seconds", std::to_string(options.slowSeconds)};
  if (options.tls) {
    args.insert(args.end(), {"--tls-dir", (dir_->path() / "tls").string(), "--tls-san",
                             options.certificateNames});
  }
  if (options.implicitTls) {
    args.emplace_back("--implicit-tls");
  }
  if (!options.user.empty()) {
    args.insert(args.end(), {"--user", options.user, "--password", options.password});
  }
  int in[2];
  int out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  const std::string log = (dir_->path() / "server.log").string();
  pid_ = fork();
  if (pid_ == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 2);
    std::vector<char*> argv;
    for (auto& arg : args) {
      argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  stdinFd_ = in[1];  // close-on-exec: daemons started later must not keep it open
  std::string line;
  char c;
  while (read(out[0], &c, 1) == 1 && c != '\n') {
    line.push_back(c);
  }
  close(out[0]);
  if (line.rfind("ready ", 0) != 0) {
    close(stdinFd_);
    stdinFd_ = -1;
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    throw std::runtime_error("smtp_server.py did not start: " + readFile(log));
  }
}

SmtpServerProcess::~SmtpServerProcess() {
  if (stdinFd_ >= 0) {
    close(stdinFd_);
  }
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

std::string SmtpServerProcess::caFile() const {
  return tls_ ? (dir_->path() / "tls" / "cert.pem").string() : std::string();
}

std::vector<ReceivedMail> SmtpServerProcess::messages() const {
  std::vector<ReceivedMail> mails;
  for (int n = 1;; ++n) {
    const std::filesystem::path base = dir_->path() / "mail" / std::to_string(n);
    std::filesystem::path meta = base;
    meta += ".json";
    if (!std::filesystem::exists(meta)) {
      return mails;
    }
    auto object = Poco::JSON::Parser().parse(readFile(meta)).extract<Poco::JSON::Object::Ptr>();
    ReceivedMail mail;
    mail.mailFrom = object->getValue<std::string>("mail_from");
    mail.rcptTos = strings(object->getArray("rcpt_tos"));
    mail.mailOptions = strings(object->getArray("mail_options"));
    mail.tls = object->getValue<bool>("tls");
    mail.authUser = object->getValue<std::string>("auth_user");
    mail.queueId = object->getValue<std::string>("queue_id");
    std::filesystem::path eml = base;
    eml += ".eml";
    mail.data = readFile(eml);
    mails.push_back(std::move(mail));
  }
}

bool SmtpServerProcess::waitForMessages(size_t count, int timeoutMs) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  while (std::chrono::steady_clock::now() < deadline) {
    if (messages().size() >= count) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return messages().size() >= count;
}

std::filesystem::path SmtpServerProcess::makeUnrelatedCa(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const std::filesystem::path cert = dir / "unrelated-ca.pem";
  const std::string command =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost"
      " -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout '" +
      (dir / "unrelated-key.pem").string() + "' -out '" + cert.string() + "' >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0) {
    throw std::runtime_error("openssl could not make a certificate");
  }
  return cert;
}

}  // namespace notify::test
