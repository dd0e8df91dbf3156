// SPDX-License-Identifier: Apache-2.0
#include "scripted_http_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

namespace notify::core::test {
namespace {

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The length of the first complete request in buffer, or 0 when it is not all there.
size_t completeRequest(const std::string& buffer) {
  size_t headEnd = buffer.find("\r\n\r\n");
  if (headEnd == std::string::npos) {
    return 0;
  }
  size_t length = 0;
  size_t at = buffer.find("Content-Length: ");
  if (at != std::string::npos && at < headEnd) {
    length = std::stoul(buffer.substr(at + 16));
  }
  size_t total = headEnd + 4 + length;
  return buffer.size() >= total ? total : 0;
}

}  // namespace

struct ScriptedHttpServer::Client {
  int fd = -1;
  std::string in;
  bool waiting = false;  // a request is waiting for its answer
  int64_t answerAtMs = 0;
  Answer answer;
};

ScriptedHttpServer::Answer ScriptedHttpServer::ok(const std::string& body, int delayMs) {
  return Answer{
      "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body,
      delayMs, false, false};
}

ScriptedHttpServer::ScriptedHttpServer(std::vector<Answer> script) : script_(std::move(script)) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(listener_, 1024) != 0 ||
      getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
      pipe2(stopPipe_, O_CLOEXEC) != 0) {
    throw std::runtime_error("scripted HTTP server: cannot listen");
  }
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { run(); });
}

ScriptedHttpServer::~ScriptedHttpServer() {
  [[maybe_unused]] ssize_t n = ::write(stopPipe_[1], "x", 1);
  thread_.join();
  ::close(listener_);
  ::close(stopPipe_[0]);
  ::close(stopPipe_[1]);
}

std::string ScriptedHttpServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<std::string> ScriptedHttpServer::requests() const {
  std::lock_guard lock(mutex_);
  return seen_;
}

void ScriptedHttpServer::run() {
  std::vector<Client> clients;
  for (;;) {
    std::vector<pollfd> fds = {{stopPipe_[0], POLLIN, 0}, {listener_, POLLIN, 0}};
    int64_t now = nowMs();
    int timeout = -1;
    size_t pending = 0;
    for (const Client& client : clients) {
      fds.push_back({client.fd, static_cast<short>(client.waiting ? 0 : POLLIN), 0});
      if (client.waiting && !client.answer.silent) {
        int wait = static_cast<int>(std::max<int64_t>(client.answerAtMs - now, 0));
        timeout = timeout < 0 ? wait : std::min(timeout, wait);
      }
      pending += client.waiting ? 1 : 0;
    }
    mostPending_ = std::max(mostPending_.load(), pending);
    ::poll(fds.data(), fds.size(), timeout);
    if (fds[0].revents != 0) {
      break;
    }
    if (fds[1].revents & POLLIN) {
      int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) {
        clients.push_back(Client{fd, {}, false, 0, {}});
        ++accepted_;
      }
    }
    now = nowMs();
    for (size_t i = 0; i < clients.size(); ++i) {
      Client& client = clients[i];
      short revents = i + 2 < fds.size() && fds[i + 2].fd == client.fd ? fds[i + 2].revents : 0;
      bool drop = false;
      if (!client.waiting && (revents & (POLLIN | POLLHUP | POLLERR))) {
        char buffer[65536];
        ssize_t n = ::recv(client.fd, buffer, sizeof(buffer), 0);
        if (n <= 0) {
          drop = true;
        } else {
          client.in.append(buffer, static_cast<size_t>(n));
        }
      }
      if (!drop && !client.waiting) {
        if (size_t length = completeRequest(client.in); length > 0) {
          size_t index = requests_++;
          {
            std::lock_guard lock(mutex_);
            seen_.push_back(client.in.substr(0, length));
          }
          client.in.erase(0, length);
          client.answer = script_[std::min(index, script_.size() - 1)];
          client.waiting = true;
          client.answerAtMs = now + client.answer.delayMs;
        }
      }
      if (!drop && client.waiting && !client.answer.silent && client.answerAtMs <= now) {
        const std::string& bytes = client.answer.bytes;
        [[maybe_unused]] ssize_t n = ::send(client.fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        client.waiting = false;
        drop = client.answer.close;
      }
      if (drop) {
        ::close(client.fd);
        clients.erase(clients.begin() + static_cast<std::ptrdiff_t>(i));
        --i;
      }
    }
  }
  for (Client& client : clients) {
    ::close(client.fd);
  }
}

}  // namespace notify::core::test
