// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <functional>
#include <memory>

#include "core/daemon/runtime.hpp"
#include "core/metrics/delivery_metrics.hpp"
#include "core/ops/ops_server.hpp"
#include "core/store/message_store.hpp"

namespace notify::core {

// POST /receipts/PROVIDER: a provider's delivery reports. The provider's plugin parses the
// request (and checks the provider's own signature where there is one); when the provider has
// receipt_token, the request must also carry ?token=<it>. Each report moves the message sent
// under that provider message id from provider_accepted to delivered or failed, with the
// carrier's code, and counts it in metrics (when set) like a send outcome. The answer is the
// body the provider expects. Providers and tokens are those of the current runtime, so a
// reload adds, changes and removes receipt providers.
OpsHandler receiptEndpoint(const RuntimeHolder& runtime, MessageStore& store,
                           DeliveryMetrics* metrics, std::function<int64_t()> clock);

}  // namespace notify::core
