// SPDX-License-Identifier: Apache-2.0
#include "core/store/message_store.hpp"

namespace notify::core {
namespace {

Error unsupported(const char* what) {
  return makeError("unsupported", std::string("this store does not support ") + what);
}

}  // namespace

Result<std::vector<MessageRecord>> MessageStore::findMessages(const MessageQuery&) {
  return unsupported("send-log queries");
}

Result<std::vector<SendStats>> MessageStore::sendStats(int64_t, int64_t) {
  return unsupported("send statistics");
}

Result<StoreGauges> MessageStore::gauges(int64_t) {
  return unsupported("backlog gauges");
}

Result<void> MessageStore::recordAlert(const AlertEvent&) {
  return unsupported("alert history");
}

Result<std::vector<AlertEvent>> MessageStore::alertHistory(int64_t, size_t) {
  return unsupported("alert history");
}

Result<size_t> MessageStore::prune(const PruneRequest&) {
  return unsupported("retention pruning");
}

Result<int64_t> MessageStore::countGuardMarks(const std::string&, int64_t) {
  return unsupported("guard mark counts");
}

Result<ReceiptApplied> MessageStore::applyReceipt(const std::string&, const std::string&, MessageState,
                                        const MessageEvent&) {
  return unsupported("delivery receipts");
}

}  // namespace notify::core
