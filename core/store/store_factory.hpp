// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <string>

#include "core/config/daemon_config.hpp"
#include "core/store/message_store.hpp"

namespace notify::core {

// The store named by [store] kind, not yet migrated.
std::unique_ptr<MessageStore> makeStore(const StoreConfig& config);

// One line for the log: which store, where, how durable. Never contains a password.
std::string describeStore(const StoreConfig& config);

}  // namespace notify::core
