// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "support/test_env.hpp"

namespace notify::test {

// One message the SMTP server accepted.
struct ReceivedMail {
  std::string mailFrom;
  std::vector<std::string> rcptTos;
  std::vector<std::string> mailOptions;  // e.g. "SIZE=1234"
  bool tls = false;                      // received over TLS
  std::string authUser;                  // "" without AUTH
  std::string queueId;                   // what the server named in its 250
  std::string data;                      // the message bytes, dot-unstuffed
};

// A real SMTP server (tests/support/smtp_server.py on aiosmtpd, run by /usr/bin/python3 or
// $NOTIFY_TEST_PYTHON) on a free loopback port. It generates its own self-signed certificate
// for 127.0.0.1/localhost; pass caFile() to the plugin so verification stays on. Magic
// recipients (reject..., defer..., defer-once..., slow-once...) are documented in the script.
class SmtpServerProcess {
 public:
  struct Options {
    bool tls = true;           // offer and require STARTTLS
    bool implicitTls = false;  // TLS from the first byte instead (needs tls)
    std::string certificateNames = "IP:127.0.0.1,DNS:localhost";  // its subjectAltName
    std::string user;  // non-empty: AUTH PLAIN/LOGIN required with user/password
    std::string password;
    double slowSeconds = 3.0;  // how long a slow-once recipient delays the final 250
  };

  explicit SmtpServerProcess(Options options);
  ~SmtpServerProcess();
  SmtpServerProcess(const SmtpServerProcess&) = delete;
  SmtpServerProcess& operator=(const SmtpServerProcess&) = delete;

  int port() const { return port_; }
  // The server certificate (self-signed, so also its CA); empty without TLS.
  std::string caFile() const;
  // Accepted messages, in the order the server accepted them.
  std::vector<ReceivedMail> messages() const;
  bool waitForMessages(size_t count, int timeoutMs) const;

  // A self-signed certificate for 127.0.0.1 that no server uses: a CA that must not verify.
  static std::filesystem::path makeUnrelatedCa(const std::filesystem::path& dir);

 private:
  void start(const Options& options);

  std::unique_ptr<TempDir> dir_;
  pid_t pid_ = -1;
  int stdinFd_ = -1;  // closing it stops the server even if this process dies
  int port_ = 0;
  bool tls_ = false;
};

}  // namespace notify::test
