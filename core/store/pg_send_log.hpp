// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/store/message.hpp"
#include "core/store/pg_array_param.hpp"

namespace notify::core {

// The message_recipients rows of an ingest batch, as two parallel columns for unnest(): each
// address of a message's "to", normalised (normalizeAddress) so the send log finds it exactly.
struct RecipientColumns {
  PgArrayParam addresses{PgArrayParam::Element::kText};
  PgArrayParam messageIds{PgArrayParam::Element::kText};
};
RecipientColumns recipientColumns(const std::vector<const NewMessage*>& messages);

}  // namespace notify::core
