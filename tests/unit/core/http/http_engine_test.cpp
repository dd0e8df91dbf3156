// SPDX-License-Identifier: Apache-2.0
// The host's HTTP client against real loopback servers: framing, kept-alive reuse, servers
// that drop connections, timeouts, many slow exchanges on one thread, a connection cap, and
// TLS with certificate and host-name verification.
#include "core/http/http_engine.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "notify/channel_abi.h"
#include "scripted_http_server.hpp"
#include "support/test_env.hpp"

namespace notify::core {
namespace {

using test::ScriptedHttpServer;

HttpCall post(const std::string& url, uint32_t timeoutMs = 2000) {
  return HttpCall{"POST", url, {{"Content-Type", "application/json"}}, "{\"n\":1}", timeoutMs};
}

// Collects asynchronous outcomes.
class Outcomes {
 public:
  HttpEngine::Completion collector() {
    return [this](HttpOutcome&& outcome) {
      std::lock_guard lock(mutex_);
      outcomes_.push_back(std::move(outcome));
      changed_.notify_all();
    };
  }
  std::vector<HttpOutcome> waitFor(size_t count) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(20), [&] { return outcomes_.size() >= count; });
    return outcomes_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<HttpOutcome> outcomes_;
};

TEST(HttpEngine, ReadsChunkedAndCloseDelimitedAnswersAndSendsTheRequestAsWritten) {
  ScriptedHttpServer server({
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: "
       "chunked\r\n\r\n3\r\n{\"e\r\n7\r\nrr\":0}\n\r\n0\r\n\r\n"},
      {"HTTP/1.1 503 Busy\r\nRetry-After: 2\r\n\r\nslow down", 0, true},
  });
  HttpEngine engine;
  HttpOutcome first = engine.send(post(server.url("/a?x=1")));
  ASSERT_EQ(first.code, NOTIFY_HOST_OK) << first.error;
  EXPECT_EQ(first.reply.status, 200);
  EXPECT_EQ(first.reply.body, "{\"err\":0}\n");
  HttpOutcome second = engine.send(post(server.url("/b")));
  ASSERT_EQ(second.code, NOTIFY_HOST_OK) << second.error;
  EXPECT_EQ(second.reply.status, 503);
  EXPECT_EQ(second.reply.body, "slow down");
  ASSERT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(server.requests()[0].rfind("POST /a?x=1 HTTP/1.1\r\nHost: 127.0.0.1:", 0), 0u);
  EXPECT_NE(server.requests()[0].find("Content-Length: 7\r\n\r\n{\"n\":1}"), std::string::npos);
  EXPECT_EQ(server.connectionsAccepted(), 1u);  // the chunked answer kept the connection
  EXPECT_EQ(engine.idleConnections(), 0u);      // the close-delimited one ended it
}

TEST(HttpEngine, AConnectionTheServerDroppedSilentlyIsReplacedWithoutFailingTheSend) {
  // Every answer claims keep-alive, then the server closes the connection.
  ScriptedHttpServer server({{ScriptedHttpServer::ok("ok").bytes, 0, true}});
  HttpEngine engine;
  for (int i = 0; i < 10; ++i) {
    HttpOutcome outcome = engine.send(post(server.url()));
    ASSERT_EQ(outcome.code, NOTIFY_HOST_OK) << i << ": " << outcome.error;
    EXPECT_EQ(outcome.reply.body, "ok");
  }
  EXPECT_EQ(server.requestsSeen(), 10u);
  EXPECT_EQ(server.connectionsAccepted(), 10u);
}

TEST(HttpEngine, ATimeoutEndsTheExchangeAndItsConnection) {
  ScriptedHttpServer server({
      {"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part", 0, false},  // then stalls
      ScriptedHttpServer::ok("fine"),
  });
  HttpEngine engine;
  HttpOutcome stalled = engine.send(post(server.url(), 300));
  EXPECT_EQ(stalled.code, NOTIFY_HOST_TIMEOUT);
  EXPECT_NE(stalled.error.find("300 ms"), std::string::npos);
  HttpOutcome next = engine.send(post(server.url()));
  ASSERT_EQ(next.code, NOTIFY_HOST_OK) << next.error;
  EXPECT_EQ(next.reply.body, "fine");
  EXPECT_EQ(server.connectionsAccepted(), 2u);  // the stalled connection was not reused
}

TEST(HttpEngine, HundredsOfSlowExchangesWaitTogetherOnOneThread) {
  ScriptedHttpServer server({ScriptedHttpServer::ok("ok", 200)});
  HttpEngine engine;
  Outcomes outcomes;
  constexpr size_t kExchanges = 400;
  for (size_t i = 0; i < kExchanges; ++i) {
    std::string error;
    ASSERT_EQ(engine.start(post(server.url(), 10000), outcomes.collector(), error), NOTIFY_HOST_OK)
        << error;
  }
  std::vector<HttpOutcome> done = outcomes.waitFor(kExchanges);
  ASSERT_EQ(done.size(), kExchanges);
  for (const HttpOutcome& outcome : done) {
    EXPECT_EQ(outcome.code, NOTIFY_HOST_OK) << outcome.error;
  }
  // Every request was at the server before the first answer left it.
  EXPECT_EQ(server.mostPending(), kExchanges);
  EXPECT_EQ(engine.idleConnections(), kExchanges);
}

TEST(HttpEngine, ExchangesBeyondTheConnectionCapQueueForAFreeConnection) {
  ScriptedHttpServer server({ScriptedHttpServer::ok("ok", 20)});
  HttpEngine::Options options;
  options.maxConnectionsPerOrigin = 4;
  HttpEngine engine(options);
  Outcomes outcomes;
  for (int i = 0; i < 40; ++i) {
    std::string error;
    ASSERT_EQ(engine.start(post(server.url(), 10000), outcomes.collector(), error), NOTIFY_HOST_OK);
  }
  std::vector<HttpOutcome> done = outcomes.waitFor(40);
  ASSERT_EQ(done.size(), 40u);
  for (const HttpOutcome& outcome : done) {
    EXPECT_EQ(outcome.code, NOTIFY_HOST_OK) << outcome.error;
  }
  EXPECT_EQ(server.connectionsAccepted(), 4u);
  EXPECT_LE(server.mostPending(), 4u);
}

TEST(HttpEngine, RefusedConnectionsUnknownHostsAndBadRequestsSayWhy) {
  std::string url;
  {
    ScriptedHttpServer gone({ScriptedHttpServer::ok("ok")});
    url = gone.url();  // nothing listens there once it is gone
  }
  ScriptedHttpServer server({ScriptedHttpServer::ok("ok")});
  HttpEngine engine;
  HttpOutcome refused = engine.send(post(url));
  EXPECT_EQ(refused.code, NOTIFY_HOST_CONNECT_FAILED);
  EXPECT_NE(refused.error.find("refused"), std::string::npos) << refused.error;
  HttpOutcome unknown = engine.send(post("http://no-such-host.invalid/"));
  EXPECT_EQ(unknown.code, NOTIFY_HOST_CONNECT_FAILED);
  EXPECT_NE(unknown.error.find("no-such-host.invalid"), std::string::npos);
  HttpCall injected = post(server.url());
  injected.headers.emplace_back("X-Bad", "a\r\nb");
  HttpOutcome bad = engine.send(injected);
  EXPECT_EQ(bad.code, NOTIFY_HOST_BAD_ARGUMENT);
  EXPECT_EQ(server.requestsSeen(), 0u);
}

// An HTTPS server with a certificate for 127.0.0.1 and localhost, made by the openssl CLI.
class TlsServer {
 public:
  explicit TlsServer(const std::filesystem::path& dir, const std::string& names) {
    cert_ = (dir / "cert.pem").string();
    std::string key = (dir / "key.pem").string();
    std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=test "
        "-addext subjectAltName=" +
        names + " -keyout '" + key + "' -out '" + cert_ + "' >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0) {
      throw std::runtime_error("openssl could not make a certificate");
    }
    Poco::Net::initializeSSL();
    Poco::Net::Context::Ptr context(new Poco::Net::Context(
        Poco::Net::Context::SERVER_USE, key, cert_, "", Poco::Net::Context::VERIFY_NONE));
    Poco::Net::SecureServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0), 64, context);
    port_ = socket.address().port();
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory, socket,
                                                      new Poco::Net::HTTPServerParams);
    server_->start();
  }
  ~TlsServer() { server_->stopAll(true); }
  std::string url(const std::string& host = "127.0.0.1") const {
    return "https://" + host + ":" + std::to_string(port_) + "/";
  }
  const std::string& cert() const { return cert_; }

 private:
  struct Handler : Poco::Net::HTTPRequestHandler {
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
      std::string body((std::istreambuf_iterator<char>(request.stream())), {});
      response.setContentLength(static_cast<std::streamsize>(body.size() + 8));
      response.send() << "secure: " << body;
    }
  };
  struct Factory : Poco::Net::HTTPRequestHandlerFactory {
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Handler;
    }
  };
  std::string cert_;
  int port_ = 0;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

TEST(HttpEngine, SpeaksTlsToAVerifiedServerOnOneConnection) {
  notify::test::TempDir dir;
  TlsServer server(dir.path(), "IP:127.0.0.1,DNS:localhost");
  HttpEngine::Options options;
  options.caFile = server.cert();
  HttpEngine engine(options);
  for (const std::string host : {"127.0.0.1", "127.0.0.1", "localhost"}) {
    HttpOutcome outcome = engine.send(post(server.url(host)));
    ASSERT_EQ(outcome.code, NOTIFY_HOST_OK) << outcome.error;
    EXPECT_EQ(outcome.reply.body, "secure: {\"n\":1}");
  }
  EXPECT_EQ(engine.openConnections(), 2u);  // one per origin: 127.0.0.1 and localhost
}

TEST(HttpEngine, RefusesAServerItCannotVerify) {
  notify::test::TempDir dir;
  TlsServer server(dir.path(), "DNS:other.example");
  HttpEngine::Options trusting;
  trusting.caFile = server.cert();
  HttpEngine wrongName(trusting);
  HttpOutcome mismatch = wrongName.send(post(server.url()));
  EXPECT_EQ(mismatch.code, NOTIFY_HOST_CONNECT_FAILED);
  EXPECT_NE(mismatch.error.find("certificate verify failed"), std::string::npos) << mismatch.error;

  HttpEngine systemStore;  // the self-signed certificate is in no system store
  HttpOutcome untrusted = systemStore.send(post(server.url()));
  EXPECT_EQ(untrusted.code, NOTIFY_HOST_CONNECT_FAILED);
  EXPECT_NE(untrusted.error.find("certificate verify failed"), std::string::npos)
      << untrusted.error;
}

}  // namespace
}  // namespace notify::core
