// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <functional>
#include <memory>

#include "core/config/daemon_config.hpp"
#include "core/ops/ops_server.hpp"
#include "core/plugin/provider_set.hpp"
#include "core/store/message_store.hpp"

namespace notify::core {

// POST /receipts/PROVIDER: a provider's delivery reports. The provider's plugin parses the
// request (and checks the provider's own signature where there is one); when the provider has
// receipt_token, the request must also carry ?token=<it>. Each report moves the message sent
// under that provider message id from provider_accepted to delivered or failed, with the
// carrier's code. The answer is the body the provider expects.
OpsHandler receiptEndpoint(std::shared_ptr<const DaemonConfig> config,
                           std::shared_ptr<const ProviderSet> providers, MessageStore& store,
                           std::function<int64_t()> clock);

}  // namespace notify::core
