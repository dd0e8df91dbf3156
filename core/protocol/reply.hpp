// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <vector>

#include "core/common/json_writer.hpp"
#include "core/common/result.hpp"
#include "core/store/message.hpp"

namespace notify::core {

// The answer to one accepted message: queued, scheduled, duplicate or suppressed.
struct Accepted {
  std::string messageId{};
  std::string status{};
  std::string duplicateOf{};
  std::string reason{};  // duplicate, suppressed: why
};

// Starts a reply object with "ok" and the echoed req_id; the caller adds fields and closes it.
JsonWriter beginReply(const std::string& reqIdJson, bool ok);

std::string encodeError(const std::string& reqIdJson, const Error& error);
std::string encodeAccepted(const std::string& reqIdJson, const Accepted& accepted);
std::string encodeBatch(const std::string& reqIdJson, const std::vector<Result<Accepted>>& items);
std::string encodeStatus(const std::string& reqIdJson, const MessageRecord& record);
// The fields of a message object as status shows them (id, state, attempts, events, ...), for
// other views of a message (the ops send-log API) to extend.
void writeMessageFields(JsonWriter& w, const MessageRecord& record);
std::string encodeDeadLetters(const std::string& reqIdJson, const std::vector<DeadLetter>& letters);
std::string encodeReplayed(const std::string& reqIdJson, size_t count);
// cancel of one message: "canceled", or "too_late" with the state it is in.
std::string encodeCancel(const std::string& reqIdJson, const CancelOutcome& outcome);
// cancel by tag: how many scheduled messages were canceled.
std::string encodeRecalled(const std::string& reqIdJson, size_t count);
std::string encodePong(const std::string& reqIdJson, const std::string& version);

}  // namespace notify::core
