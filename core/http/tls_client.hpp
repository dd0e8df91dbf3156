// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace notify::core {

// OpenSSL client settings shared by every HTTPS connection: TLS 1.2 or newer, the peer's
// certificate verified against the system's CA store (or caFile) and matched to the host name.
// Thread-safe once built.
class TlsClientContext {
 public:
  // Throws std::runtime_error when OpenSSL cannot build it (start-up only).
  explicit TlsClientContext(const std::string& caFile = {});
  ~TlsClientContext();
  TlsClientContext(const TlsClientContext&) = delete;
  TlsClientContext& operator=(const TlsClientContext&) = delete;

  // A new client session on a connected socket, with SNI and host-name verification set for
  // host (a name or an IP literal). Null with a reason in error on failure.
  SSL* open(int fd, const std::string& host, std::string& error) const;

 private:
  SSL_CTX* ctx_ = nullptr;
};

// The reason the last TLS call on ssl failed, verification failures named.
std::string tlsErrorText(SSL* ssl, int result);

}  // namespace notify::core
