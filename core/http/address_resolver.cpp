// SPDX-License-Identifier: Apache-2.0
#include "core/http/address_resolver.hpp"

#include <netdb.h>

#include <algorithm>
#include <chrono>
#include <cstring>

namespace notify::core {
namespace {

int64_t steadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string keyOf(const std::string& host, uint16_t port) {
  return host + "|" + std::to_string(port);
}

}  // namespace

std::vector<SocketAddress> AddressResolver::resolve(const std::string& host, uint16_t port,
                                                    std::string& error) {
  const std::string key = keyOf(host, port);
  const int64_t now = steadyMs();
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.expiresMs > now) {
      return it->second.addresses;
    }
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
  if (rc == EAI_ADDRFAMILY || rc == EAI_NONAME) {
    hints.ai_flags = AI_NUMERICSERV;  // AI_ADDRCONFIG hides loopback on a host with no network
    rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
  }
  if (rc != 0) {
    error = "host not found: " + host + " (" + gai_strerror(rc) + ")";
    return {};
  }
  std::vector<SocketAddress> addresses;
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_addrlen > sizeof(sockaddr_storage)) {
      continue;
    }
    SocketAddress address;
    std::memcpy(&address.storage, ai->ai_addr, ai->ai_addrlen);
    address.length = static_cast<socklen_t>(ai->ai_addrlen);
    addresses.push_back(address);
  }
  freeaddrinfo(found);
  std::stable_partition(addresses.begin(), addresses.end(),
                        [](const SocketAddress& a) { return a.storage.ss_family == AF_INET; });
  if (addresses.empty()) {
    error = "host not found: " + host;
    return {};
  }
  std::lock_guard lock(mutex_);
  cache_[key] = Entry{addresses, now + kCacheMs};
  return addresses;
}

void AddressResolver::forget(const std::string& host, uint16_t port) {
  std::lock_guard lock(mutex_);
  cache_.erase(keyOf(host, port));
}

}  // namespace notify::core
