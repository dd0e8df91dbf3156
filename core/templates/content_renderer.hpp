// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

#include "core/common/result.hpp"
#include "core/config/daemon_config.hpp"
#include "core/templates/renderer.hpp"

namespace notify::core {

// A template's content for one channel, rendered: what is stored and handed to the plugin.
struct RenderedContent {
  std::string subject;
  std::string body;
  KeyValues attrs;
};

// Checks the request's variables against the template's declarations: an undeclared variable
// is "unknown_variable", a missing required one "missing_variable", a value breaking its rule
// "invalid_variable" — each with field "vars.NAME".
Result<void> checkTemplateVars(const TemplateConfig& tpl, const KeyValues& vars);

// Renders every text of the content, escaping values for where they go: html with HTML escaping
// (attrs.html_body), card with JSON escaping (attrs.card), attrs as plain text. markdown becomes
// the body with msg_type "markdown"; a card sets msg_type "card" unless attrs name one. SMS
// parts become attrs: template_id@PROVIDER per provider, params (comma-separated), sign_name.
Result<RenderedContent> renderContent(const TemplateConfig& tpl, const TemplateContent& content,
                                      const KeyValues& vars);

// The attrs one provider sees: "KEY@PROVIDER" becomes KEY for that provider (overriding a plain
// KEY) and is dropped for every other provider.
KeyValues attrsForProvider(const KeyValues& attrs, const std::string& provider);

}  // namespace notify::core
