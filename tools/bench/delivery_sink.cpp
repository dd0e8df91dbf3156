#include "tools/bench/delivery_sink.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <queue>
#include <stdexcept>
#include <string>

namespace notify::tools::bench {
namespace {

constexpr std::string_view kAnswer =
    "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n";

// The value of Content-Length in a request head (0 when absent), or -1 when it is malformed.
long contentLength(std::string_view head) {
  constexpr std::string_view kName = "content-length:";
  size_t lineStart = 0;
  while (lineStart < head.size()) {
    size_t lineEnd = head.find("\r\n", lineStart);
    if (lineEnd == std::string_view::npos) {
      lineEnd = head.size();
    }
    std::string_view line = head.substr(lineStart, lineEnd - lineStart);
    if (line.size() > kName.size() &&
        std::equal(kName.begin(), kName.end(), line.begin(),
                   [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
      std::string_view value = line.substr(kName.size());
      while (!value.empty() && value.front() == ' ') {
        value.remove_prefix(1);
      }
      long length = 0;
      auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), length);
      return error == std::errc() && length >= 0 ? length : -1;
    }
    lineStart = lineEnd + 2;
  }
  return 0;
}

}  // namespace

struct DeliverySink::Connection {
  int fd = -1;
  std::string in;
  std::string out;
};

std::int64_t monotonicNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

DeliverySink::DeliverySink(unsigned short port, int delayMs) : delayMs_(delayMs) {
  listenFd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listenFd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listenFd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listenFd_, 1024) != 0) {
    std::string why = std::strerror(errno);
    ::close(listenFd_);
    throw std::runtime_error("sink: cannot listen on 127.0.0.1:" + std::to_string(port) + ": " +
                             why);
  }
  epollFd_ = ::epoll_create1(EPOLL_CLOEXEC);
  stopFd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = listenFd_;
  ::epoll_ctl(epollFd_, EPOLL_CTL_ADD, listenFd_, &event);
  event.data.fd = stopFd_;
  ::epoll_ctl(epollFd_, EPOLL_CTL_ADD, stopFd_, &event);
  thread_ = std::thread([this] { run(); });
}

DeliverySink::~DeliverySink() {
  uint64_t one = 1;
  [[maybe_unused]] ssize_t written = ::write(stopFd_, &one, sizeof one);
  thread_.join();
  ::close(stopFd_);
  ::close(epollFd_);
  ::close(listenFd_);
}

void DeliverySink::run() {
  std::map<int, std::unique_ptr<Connection>> connections;
  // Answers held back by the configured delay: (due, fd), earliest first.
  using Due = std::pair<std::int64_t, int>;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> delayed;
  auto closeConnection = [&](int fd) {
    ::close(fd);
    connections.erase(fd);
  };
  auto flush = [&](Connection& c) {
    while (!c.out.empty()) {
      ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
      if (n <= 0) {
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
      }
      c.out.erase(0, static_cast<size_t>(n));
    }
    return true;
  };
  epoll_event events[128];
  char buffer[65536];
  for (;;) {
    int timeoutMs = -1;
    if (!delayed.empty()) {
      timeoutMs = static_cast<int>(
          std::max<std::int64_t>(0, (delayed.top().first - monotonicNs()) / 1000000 + 1));
    }
    int ready = ::epoll_wait(epollFd_, events, 128, timeoutMs);
    const std::int64_t now = monotonicNs();
    for (int i = 0; i < ready; ++i) {
      int fd = events[i].data.fd;
      if (fd == stopFd_) {
        for (auto& [open, connection] : connections) {
          ::close(open);
        }
        return;
      }
      if (fd == listenFd_) {
        for (int client; (client = ::accept4(listenFd_, nullptr, nullptr,
                                             SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0;) {
          int one = 1;
          ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          auto connection = std::make_unique<Connection>();
          connection->fd = client;
          epoll_event event{};
          event.events = EPOLLIN | EPOLLRDHUP;
          event.data.fd = client;
          ::epoll_ctl(epollFd_, EPOLL_CTL_ADD, client, &event);
          connections.emplace(client, std::move(connection));
        }
        continue;
      }
      auto it = connections.find(fd);
      if (it == connections.end()) {
        continue;
      }
      Connection& c = *it->second;
      bool open = true;
      for (;;) {
        ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n > 0) {
          c.in.append(buffer, static_cast<size_t>(n));
          continue;
        }
        open = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
        break;
      }
      size_t answers = c.out.size();
      open = open && serve(c, now);
      if (!open) {
        closeConnection(fd);
        continue;
      }
      if (delayMs_ > 0) {
        // Hold the answers back: queue one due time per answer and send them when due.
        for (size_t k = answers; k < c.out.size(); k += kAnswer.size()) {
          delayed.emplace(now + std::int64_t{delayMs_} * 1000000, fd);
        }
        continue;
      }
      if (!flush(c)) {
        closeConnection(fd);
      }
    }
    while (!delayed.empty() && delayed.top().first <= monotonicNs()) {
      int fd = delayed.top().second;
      delayed.pop();
      auto it = connections.find(fd);
      if (it == connections.end()) {
        continue;
      }
      // One answer is due: send exactly one, in request order.
      Connection& c = *it->second;
      ssize_t n = ::send(fd, c.out.data(), std::min(c.out.size(), kAnswer.size()), MSG_NOSIGNAL);
      if (n != static_cast<ssize_t>(kAnswer.size())) {
        closeConnection(fd);
        continue;
      }
      c.out.erase(0, kAnswer.size());
    }
  }
}

bool DeliverySink::serve(Connection& c, std::int64_t nowNs) {
  size_t consumed = 0;
  for (;;) {
    std::string_view rest(c.in.data() + consumed, c.in.size() - consumed);
    size_t headEnd = rest.find("\r\n\r\n");
    if (headEnd == std::string_view::npos) {
      break;
    }
    long length = contentLength(rest.substr(0, headEnd));
    if (length < 0) {
      return false;
    }
    size_t total = headEnd + 4 + static_cast<size_t>(length);
    if (rest.size() < total) {
      break;
    }
    record(rest.substr(headEnd + 4, static_cast<size_t>(length)), nowNs);
    c.out.append(kAnswer);
    consumed += total;
  }
  c.in.erase(0, consumed);
  return true;
}

void DeliverySink::record(std::string_view body, std::int64_t nowNs) {
  std::int64_t sentNs = -1;
  const auto at = body.find("bench-t");
  if (at != std::string_view::npos) {
    const char* first = body.data() + at + 7;
    std::from_chars(first, body.data() + body.size(), sentNs);
  }
  std::lock_guard lock(mutex_);
  if (firstNs_ == 0) {
    firstNs_ = nowNs;
  }
  lastNs_ = nowNs;
  latenciesUs_.push_back(sentNs > 0 ? (nowNs - sentNs) / 1000 : -1);
}

std::uint64_t DeliverySink::received() const {
  std::lock_guard lock(mutex_);
  return latenciesUs_.size();
}

SinkStats DeliverySink::stats() const {
  std::lock_guard lock(mutex_);
  SinkStats stats;
  stats.received = latenciesUs_.size();
  for (auto us : latenciesUs_) {
    if (us >= 0) {
      stats.latenciesUs.push_back(us);
    }
  }
  std::sort(stats.latenciesUs.begin(), stats.latenciesUs.end());
  stats.spanS = static_cast<double>(lastNs_ - firstNs_) / 1e9;
  return stats;
}

}  // namespace notify::tools::bench
