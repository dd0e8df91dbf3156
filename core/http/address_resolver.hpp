// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace notify::core {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
};

// Host names to addresses, IPv4 first (a provider's stand-in often listens on 127.0.0.1 only
// while "localhost" also names ::1), cached for a minute so a send does not wait for DNS.
// getaddrinfo blocks: call it from the thread that submits, never from the I/O loop.
// Thread-safe.
class AddressResolver {
 public:
  static constexpr int64_t kCacheMs = 60'000;

  // Empty with a reason in error when the name does not resolve.
  std::vector<SocketAddress> resolve(const std::string& host, uint16_t port, std::string& error);
  // A connection to this host failed: look it up afresh next time.
  void forget(const std::string& host, uint16_t port);

 private:
  struct Entry {
    std::vector<SocketAddress> addresses;
    int64_t expiresMs = 0;
  };
  std::mutex mutex_;
  std::map<std::string, Entry> cache_;
};

}  // namespace notify::core
