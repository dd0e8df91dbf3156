// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <vector>

#include "core/common/result.hpp"
#include "core/config/daemon_config.hpp"
#include "core/protocol/request.hpp"

namespace notify::core {

// Where one message goes and why.
struct RouteDecision {
  std::string rule;  // the matching rule's name; empty: no rule matched
  std::string channel;
  std::vector<std::string> providers;  // in the order attempts use them
  std::vector<std::string> trace;      // one line per rule considered, then the outcome
};

// The routing policy, a pure function: the first [[routes]] rule whose criteria all match the
// request (app, template, lane, tags, recipient kinds) and whose channel the template has content
// for (and that the request named, if it named one) decides the channel and provider chain.
// Without a match: the requested channel, else the template's default channel, else its only
// channel, with the channel's providers. draw in [0, 1) picks a weighted provider.
Result<RouteDecision> routeMessage(const DaemonConfig& config, const TemplateConfig& tpl,
                                   const std::string& app, const SendRequest& request, double draw);

// A stable draw in [0, 1) from a message id, so a split is reproducible per message.
double drawOf(const std::string& messageId);

}  // namespace notify::core
