// SPDX-License-Identifier: Apache-2.0
#include "core/http/tls_client.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <stdexcept>

namespace notify::core {
namespace {

std::string drainErrors() {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    if (!text.empty()) {
      text += "; ";
    }
    text += buffer;
  }
  return text;
}

bool isIpLiteral(const std::string& host) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, host.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

}  // namespace

TlsClientContext::TlsClientContext(const std::string& caFile) {
  ctx_ = SSL_CTX_new(TLS_client_method());
  if (ctx_ == nullptr) {
    throw std::runtime_error("TLS: cannot create a client context: " + drainErrors());
  }
  SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
  // Writes may be partial and resumed from a moved buffer: the connection owns the bytes.
  SSL_CTX_set_mode(ctx_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  const int loaded = caFile.empty() ? SSL_CTX_set_default_verify_paths(ctx_)
                                    : SSL_CTX_load_verify_locations(ctx_, caFile.c_str(), nullptr);
  if (loaded != 1) {
    std::string reason = drainErrors();
    SSL_CTX_free(ctx_);
    throw std::runtime_error("TLS: cannot load CA certificates" +
                             (caFile.empty() ? std::string() : " from " + caFile) + ": " + reason);
  }
}

TlsClientContext::~TlsClientContext() {
  SSL_CTX_free(ctx_);
}

SSL* TlsClientContext::open(int fd, const std::string& host, std::string& error) const {
  SSL* ssl = SSL_new(ctx_);
  if (ssl == nullptr) {
    error = "TLS: " + drainErrors();
    return nullptr;
  }
  bool ok = SSL_set_fd(ssl, fd) == 1;
  if (isIpLiteral(host)) {
    ok = ok && X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1;
  } else {
    ok = ok && SSL_set_tlsext_host_name(ssl, host.c_str()) == 1 &&
         SSL_set1_host(ssl, host.c_str()) == 1;
  }
  if (!ok) {
    error = "TLS: cannot set up the session for " + host + ": " + drainErrors();
    SSL_free(ssl);
    return nullptr;
  }
  SSL_set_connect_state(ssl);
  return ssl;
}

std::string tlsErrorText(SSL* ssl, int result) {
  const int reason = SSL_get_error(ssl, result);
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) {
    return std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
  }
  std::string queued = drainErrors();
  if (!queued.empty()) {
    return queued;
  }
  return reason == SSL_ERROR_SYSCALL ? "connection closed during TLS"
                                     : "TLS error " + std::to_string(reason);
}

}  // namespace notify::core
