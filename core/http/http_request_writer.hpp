// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

#include "core/common/result.hpp"
#include "core/http/http_types.hpp"
#include "core/http/http_url.hpp"

namespace notify::core {

// Pure: the bytes of an HTTP/1.1 request for a kept-alive connection. The framing headers
// (Content-Length, Transfer-Encoding, Connection) are the writer's; the caller's copies are
// dropped so a plugin cannot desynchronise a shared connection. A caller's Host replaces the
// URL's (signing schemes sign the Host they send). Refuses a method or header name that is
// not a token and a header value with CR, LF or NUL, naming the header.
Result<std::string> writeHttpRequest(const HttpCall& call, const HttpUrl& url);

}  // namespace notify::core
