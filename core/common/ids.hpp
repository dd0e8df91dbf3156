// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>

namespace notify::core {

// A new UUIDv7 (RFC 9562) in canonical text form. Ids from one process sort by creation time,
// even within one millisecond (a counter fills rand_a). Thread-safe.
std::string newMessageId();

// The Unix milliseconds embedded in a UUIDv7, or -1 when the text is not one.
int64_t messageIdTimestampMs(const std::string& id);

bool isMessageId(const std::string& id);

}  // namespace notify::core
