// SPDX-License-Identifier: Apache-2.0
#include "core/templates/content_renderer.hpp"

#include <algorithm>

namespace notify::core {
namespace {

bool hasKey(const KeyValues& pairs, const std::string& key) {
  return std::any_of(pairs.begin(), pairs.end(), [&](const auto& kv) { return kv.first == key; });
}

// Renders text into out when it is not empty; false (with error set) on failure.
bool renderInto(const std::string& text, const KeyValues& vars, const std::string& name,
                Escape escape, std::string& out, Error& error) {
  if (text.empty()) {
    return true;
  }
  Result<std::string> rendered = renderText(text, vars, name, escape);
  if (!rendered) {
    error = rendered.error();
    return false;
  }
  out = std::move(rendered).value();
  return true;
}

}  // namespace

Result<void> checkTemplateVars(const TemplateConfig& tpl, const KeyValues& vars) {
  for (const auto& [name, value] : vars) {
    if (std::find(tpl.vars.begin(), tpl.vars.end(), name) == tpl.vars.end()) {
      return makeError("unknown_variable",
                       "template '" + tpl.name + "' does not declare variable '" + name + "'",
                       "vars." + name);
    }
  }
  for (const VarSpec& spec : tpl.varSpecs) {
    auto it = std::find_if(vars.begin(), vars.end(),
                           [&](const auto& kv) { return kv.first == spec.name; });
    if (it == vars.end()) {
      if (spec.required) {
        return makeError("missing_variable",
                         "template '" + tpl.name + "' needs variable '" + spec.name + "'",
                         "vars." + spec.name);
      }
      continue;
    }
    if (Result<void> checked = checkVar(spec, it->second); !checked) {
      return checked;
    }
  }
  return {};
}

Result<RenderedContent> renderContent(const TemplateConfig& tpl, const TemplateContent& content,
                                      const KeyValues& vars) {
  // Optional variables that were not given render as empty text.
  KeyValues all = vars;
  for (const VarSpec& spec : tpl.varSpecs) {
    if (!hasKey(all, spec.name)) {
      all.emplace_back(spec.name, "");
    }
  }
  RenderedContent out;
  Error error;
  std::string html;
  std::string card;
  const std::string& bodyText = content.body.empty() ? content.markdown : content.body;
  if (!renderInto(content.subject, all, tpl.name, Escape::kNone, out.subject, error) ||
      !renderInto(bodyText, all, tpl.name, Escape::kNone, out.body, error) ||
      !renderInto(content.html, all, tpl.name, Escape::kHtml, html, error) ||
      !renderInto(content.card, all, tpl.name, Escape::kJson, card, error)) {
    return error;
  }
  for (const auto& [key, text] : content.attrs) {
    std::string value;
    if (!renderInto(text, all, tpl.name, Escape::kNone, value, error)) {
      return error;
    }
    out.attrs.emplace_back(key, std::move(value));
  }
  auto addAttr = [&](const std::string& key, std::string value) {
    if (!value.empty() && !hasKey(out.attrs, key)) {
      out.attrs.emplace_back(key, std::move(value));
    }
  };
  addAttr("html_body", std::move(html));
  addAttr("card", std::move(card));
  if (!content.card.empty()) {
    addAttr("msg_type", "card");
  } else if (content.body.empty() && !content.markdown.empty()) {
    addAttr("msg_type", "markdown");
  }
  for (const auto& [provider, id] : content.providerTemplates) {
    addAttr("template_id@" + provider, id);
  }
  std::string params;
  for (const auto& name : content.params) {
    params += (params.empty() ? "" : ",") + name;
  }
  addAttr("params", std::move(params));
  addAttr("sign_name", content.signature);
  return out;
}

KeyValues attrsForProvider(const KeyValues& attrs, const std::string& provider) {
  KeyValues out;
  KeyValues overrides;
  for (const auto& [key, value] : attrs) {
    size_t at = key.rfind('@');
    if (at == std::string::npos) {
      out.emplace_back(key, value);
    } else if (key.compare(at + 1, std::string::npos, provider) == 0) {
      overrides.emplace_back(key.substr(0, at), value);
    }
  }
  for (auto& [key, value] : overrides) {
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& kv) { return kv.first == key; });
    if (it != out.end()) {
      it->second = std::move(value);
    } else {
      out.emplace_back(std::move(key), std::move(value));
    }
  }
  return out;
}

}  // namespace notify::core
