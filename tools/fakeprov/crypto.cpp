// SPDX-License-Identifier: Apache-2.0
#include "tools/fakeprov/crypto.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/HMACEngine.h>
#include <Poco/SHA1Engine.h>
#include <Poco/SHA2Engine.h>

#include <sstream>
#include <stdexcept>

namespace notify::fakeprov {
namespace {

class Sha256Engine : public Poco::SHA2Engine {
 public:
  enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
  Sha256Engine() : Poco::SHA2Engine(SHA_256) {}
};

std::string bytesOf(const Poco::DigestEngine::Digest& digest) {
  return std::string(digest.begin(), digest.end());
}

}  // namespace

std::string hmacSha256(std::string_view key, std::string_view data) {
  Poco::HMACEngine<Sha256Engine> engine{std::string(key)};
  engine.update(data.data(), data.size());
  return bytesOf(engine.digest());
}

std::string hmacSha1(std::string_view key, std::string_view data) {
  Poco::HMACEngine<Poco::SHA1Engine> engine{std::string(key)};
  engine.update(data.data(), data.size());
  return bytesOf(engine.digest());
}

std::string sha256(std::string_view data) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(data.data(), data.size());
  return bytesOf(engine.digest());
}

std::string sha1(std::string_view data) {
  Poco::SHA1Engine engine;
  engine.update(data.data(), data.size());
  return bytesOf(engine.digest());
}

std::string hex(std::string_view bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
  }
  return out;
}

std::string base64(std::string_view bytes) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  encoder.close();
  return out.str();
}

std::string base64Decode(std::string_view text) {
  std::istringstream in{std::string(text)};
  Poco::Base64Decoder decoder(in);
  std::string out((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
  if (decoder.bad()) {
    throw std::runtime_error("invalid base64");
  }
  return out;
}

std::string percentEncode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

}  // namespace notify::fakeprov
