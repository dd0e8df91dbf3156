// SPDX-License-Identifier: Apache-2.0
// The pure parts of the host's HTTP client: URLs, request bytes, and responses read in any
// split.
#include <gtest/gtest.h>

#include "core/http/http_request_writer.hpp"
#include "core/http/http_response_parser.hpp"
#include "core/http/http_url.hpp"

namespace notify::core {
namespace {

using State = HttpResponseParser::State;

TEST(HttpUrl, SplitsWhatARequestNeeds) {
  Result<HttpUrl> url = parseHttpUrl("https://SMS.TencentCloudAPI.com/v1/send?x=1#frag");
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_TRUE(url->tls);
  EXPECT_EQ(url->host, "sms.tencentcloudapi.com");
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->target, "/v1/send?x=1");
  EXPECT_EQ(url->hostHeader, "sms.tencentcloudapi.com");
  EXPECT_EQ(url->origin(), "https://sms.tencentcloudapi.com:443");

  Result<HttpUrl> local = parseHttpUrl("http://127.0.0.1:8900");
  ASSERT_TRUE(local);
  EXPECT_EQ(local->port, 8900);
  EXPECT_EQ(local->target, "/");
  EXPECT_EQ(local->hostHeader, "127.0.0.1:8900");

  Result<HttpUrl> v6 = parseHttpUrl("http://[::1]:81/a");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->hostHeader, "[::1]:81");
  EXPECT_EQ(v6->origin(), "http://[::1]:81");

  Result<HttpUrl> query = parseHttpUrl("http://h?a=b");
  ASSERT_TRUE(query);
  EXPECT_EQ(query->target, "/?a=b");
}

TEST(HttpUrl, RefusesWhatItCannotSendAndSaysWhy) {
  struct Case {
    const char* url;
    const char* words;
  };
  for (const Case& c :
       {Case{"ftp://h/", "scheme"}, Case{"h/path", "absolute"}, Case{"http:///x", "no host"},
        Case{"http://h:0/", "port"}, Case{"http://h:99999/", "port"}, Case{"http://h:8x/", "port"},
        Case{"http://u:p@h/", "user information"}, Case{"http://h/a b", "space"},
        Case{"http://[::1/", "IPv6"}}) {
    Result<HttpUrl> url = parseHttpUrl(c.url);
    ASSERT_FALSE(url) << c.url;
    EXPECT_NE(url.error().message.find(c.words), std::string::npos)
        << c.url << ": " << url.error().message;
  }
}

TEST(HttpRequestWriter, FramesTheRequestItself) {
  HttpCall call{"POST", "http://127.0.0.1:8900/send", {}, "{\"a\":1}", 1000};
  call.headers = {{"Content-Type", "application/json"},
                  {"content-length", "999"},
                  {"Connection", "close"},
                  {"Transfer-Encoding", "chunked"},
                  {"X-Sig", "abc"}};
  Result<std::string> bytes = writeHttpRequest(call, *parseHttpUrl(call.url));
  ASSERT_TRUE(bytes);
  EXPECT_EQ(*bytes,
            "POST /send HTTP/1.1\r\nHost: 127.0.0.1:8900\r\nContent-Type: application/json\r\n"
            "X-Sig: abc\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
}

TEST(HttpRequestWriter, KeepsTheCallersHostAndSendsNoLengthOnABodilessGet) {
  HttpCall call{"GET", "http://127.0.0.1:1/t?x=1", {{"Host", "api.example.com"}}, "", 1000};
  Result<std::string> bytes = writeHttpRequest(call, *parseHttpUrl(call.url));
  ASSERT_TRUE(bytes);
  EXPECT_EQ(*bytes, "GET /t?x=1 HTTP/1.1\r\nHost: api.example.com\r\n\r\n");
}

TEST(HttpRequestWriter, RefusesHeaderInjection) {
  HttpUrl url = *parseHttpUrl("http://h/");
  Result<std::string> injected =
      writeHttpRequest({"GET", "http://h/", {{"X-A", "1\r\nX-Evil: 2"}}, "", 1}, url);
  ASSERT_FALSE(injected);
  EXPECT_NE(injected.error().message.find("X-A"), std::string::npos);
  EXPECT_FALSE(writeHttpRequest({"GET", "http://h/", {{"Bad Name", "1"}}, "", 1}, url));
  EXPECT_FALSE(writeHttpRequest({"GE T", "http://h/", {}, "", 1}, url));
}

// Feeds text to a parser in pieces of the given size.
State feedInPieces(HttpResponseParser& parser, const std::string& text, size_t piece) {
  State state = State::kNeedMore;
  for (size_t i = 0; i < text.size() && state == State::kNeedMore; i += piece) {
    std::string chunk = text.substr(i, piece);
    state = parser.feed(chunk.data(), chunk.size());
  }
  return state;
}

TEST(HttpResponseParser, ReadsContentLengthChunkedAndInterimResponsesInAnySplit) {
  const std::string lengthBody =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
      "{\"code\":0}\n";
  const std::string chunked =
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n"
      "X-Id: 7\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Trailer: t\r\n\r\n";
  for (size_t piece : {1u, 2u, 3u, 7u, 1000u}) {
    HttpResponseParser parser;
    parser.reset(false);
    ASSERT_EQ(feedInPieces(parser, lengthBody, piece), State::kComplete) << piece;
    EXPECT_EQ(parser.reply().status, 200);
    EXPECT_EQ(parser.reply().body, "{\"code\":0}\n");
    EXPECT_EQ(parser.reply().headers[0].first, "content-type");
    EXPECT_TRUE(parser.keepAlive());

    parser.reset(false);
    ASSERT_EQ(feedInPieces(parser, chunked, piece), State::kComplete) << parser.error();
    EXPECT_EQ(parser.reply().status, 201);
    EXPECT_EQ(parser.reply().body, "Wikipedia");
    EXPECT_TRUE(parser.keepAlive());
  }
}

TEST(HttpResponseParser, ABodyWithoutLengthRunsToTheClose) {
  HttpResponseParser parser;
  parser.reset(false);
  std::string text = "HTTP/1.1 200 OK\r\n\r\npartial";
  EXPECT_EQ(parser.feed(text.data(), text.size()), State::kNeedMore);
  EXPECT_EQ(parser.closed(), State::kComplete);
  EXPECT_EQ(parser.reply().body, "partial");
  EXPECT_FALSE(parser.keepAlive());
}

TEST(HttpResponseParser, KnowsWhenTheConnectionEnds) {
  HttpResponseParser parser;
  for (const std::string text :
       {"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxEXTRA"}) {
    parser.reset(false);
    EXPECT_EQ(parser.feed(text.data(), text.size()), State::kComplete);
    EXPECT_FALSE(parser.keepAlive()) << text;
  }
  std::string keep = "HTTP/1.0 204 No Content\r\nConnection: Keep-Alive\r\n\r\n";
  parser.reset(false);
  EXPECT_EQ(parser.feed(keep.data(), keep.size()), State::kComplete);
  EXPECT_TRUE(parser.keepAlive());
}

TEST(HttpResponseParser, AHeadAnswerHasNoBody) {
  HttpResponseParser parser;
  parser.reset(true);
  std::string text = "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n";
  EXPECT_EQ(parser.feed(text.data(), text.size()), State::kComplete);
  EXPECT_TRUE(parser.reply().body.empty());
}

TEST(HttpResponseParser, RefusesMalformedAndOversizedAnswers) {
  for (const std::string text :
       {"SMTP ready\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n"}) {
    HttpResponseParser parser;
    parser.reset(false);
    EXPECT_EQ(parser.feed(text.data(), text.size()), State::kError) << text;
    EXPECT_FALSE(parser.error().empty());
  }
  HttpResponseParser parser;
  parser.reset(false);
  std::string huge = "HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n";
  huge += std::string(HttpResponseParser::kMaxBodyBytes + 1, 'x');
  EXPECT_EQ(parser.feed(huge.data(), huge.size()), State::kError);
  EXPECT_NE(parser.error().find("MiB"), std::string::npos);

  parser.reset(false);
  std::string endless = "HTTP/1.1 200 OK\r\n" + std::string(70 * 1024, 'h');
  EXPECT_EQ(parser.feed(endless.data(), endless.size()), State::kError);
}

TEST(HttpResponseParser, ACloseBeforeTheEndIsAnErrorThatSaysWhetherAnythingCame) {
  HttpResponseParser parser;
  parser.reset(false);
  EXPECT_EQ(parser.closed(), State::kError);
  EXPECT_FALSE(parser.receivedAny());
  parser.reset(false);
  std::string text = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
  parser.feed(text.data(), text.size());
  EXPECT_EQ(parser.closed(), State::kError);
  EXPECT_TRUE(parser.receivedAny());
  EXPECT_NE(parser.error().find("mid-response"), std::string::npos);
}

}  // namespace
}  // namespace notify::core
