// SPDX-License-Identifier: Apache-2.0
#include "core/config/template_reader.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/config/toml_reader.hpp"
#include "core/templates/renderer.hpp"

namespace notify::core {
namespace {

void readLimit(TomlReader& r, const char* key, std::optional<int64_t>& out, int64_t min,
               int64_t max) {
  int64_t value = INT64_MIN;
  r.integer(key, value, min, max);
  if (value != INT64_MIN) {
    out = value;
  }
}

VarSpec readVarSpec(const std::string& name, const toml::table& t, const std::string& path,
                    ConfigErrors& errors) {
  checkKnownKeys(
      t, path, {"type", "required", "min_length", "max_length", "min", "max", "values", "pattern"},
      errors);
  VarSpec spec;
  spec.name = name;
  TomlReader r(t, path, errors);
  std::string type = "string";
  r.string("type", type);
  if (auto parsed = parseVarType(type)) {
    spec.type = *parsed;
  } else {
    errors.add(t.source(), path + ".type",
               "unknown type '" + type + "'; valid: string, digits, int, enum, email, phone, url");
  }
  r.boolean("required", spec.required);
  readLimit(r, "min_length", spec.minLength, 0, 1 << 20);
  readLimit(r, "max_length", spec.maxLength, 0, 1 << 20);
  readLimit(r, "min", spec.minValue, INT64_MIN + 1, INT64_MAX);
  readLimit(r, "max", spec.maxValue, INT64_MIN + 1, INT64_MAX);
  r.strings("values", spec.values);
  r.regex("pattern", spec.pattern, spec.regex);
  if (spec.type == VarType::kEnum && spec.values.empty()) {
    errors.add(t.source(), path + ".values", "an enum needs at least one value");
  }
  if ((spec.minValue || spec.maxValue) && spec.type != VarType::kInt) {
    errors.add(t.source(), path, "min and max apply to type int only; use min_length/max_length");
  }
  return spec;
}

// vars = ["a", "b"] (plain strings) or vars.NAME = { type = ..., ... }.
void readVars(const toml::table& t, const std::string& path, TemplateConfig& tpl,
              ConfigErrors& errors) {
  const toml::node* node = t.get("vars");
  if (node == nullptr) {
    return;
  }
  if (node->is_array()) {
    TomlReader(t, path, errors).strings("vars", tpl.vars);
    for (const auto& name : tpl.vars) {
      VarSpec spec;
      spec.name = name;
      tpl.varSpecs.push_back(std::move(spec));
    }
    return;
  }
  if (!node->is_table()) {
    errors.add(node->source(), path + ".vars",
               "must be an array of names or a table of variable declarations");
    return;
  }
  for (const auto& [key, value] : *node->as_table()) {
    std::string name(key.str());
    std::string varPath = path + ".vars." + name;
    if (!value.is_table()) {
      errors.add(value.source(), varPath, "must be a table such as { type = \"digits\" }");
      continue;
    }
    tpl.vars.push_back(name);
    tpl.varSpecs.push_back(readVarSpec(name, *value.as_table(), varPath, errors));
  }
}

void readPairs(const toml::table& c, const char* key, const std::string& path,
               std::vector<std::pair<std::string, std::string>>& out, ConfigErrors& errors) {
  const toml::table* table = TomlReader(c, path, errors).table(key);
  if (table == nullptr) {
    return;
  }
  for (const auto& [k, value] : *table) {
    if (const auto* s = value.as_string()) {
      out.emplace_back(std::string(k.str()), s->get());
    } else {
      errors.add(value.source(), path + "." + key + "." + std::string(k.str()), "must be a string");
    }
  }
}

bool declared(const TemplateConfig& tpl, const std::string& name) {
  return std::find(tpl.vars.begin(), tpl.vars.end(), name) != tpl.vars.end();
}

void readContent(const std::string& channel, const toml::table& c, const std::string& full,
                 TemplateConfig& tpl, const DaemonConfig& config, ConfigErrors& errors) {
  checkKnownKeys(c, full,
                 {"subject", "body", "html", "markdown", "card", "provider_templates", "params",
                  "signature", "attrs"},
                 errors);
  TemplateContent content;
  TomlReader cr(c, full, errors);
  cr.string("subject", content.subject);
  cr.string("body", content.body);
  cr.string("html", content.html);
  cr.string("markdown", content.markdown);
  cr.string("card", content.card);
  cr.strings("params", content.params);
  cr.string("signature", content.signature);
  readPairs(c, "provider_templates", full, content.providerTemplates, errors);
  readPairs(c, "attrs", full, content.attrs, errors);
  if (content.body.empty() && content.html.empty() && content.markdown.empty() &&
      content.card.empty() && content.providerTemplates.empty()) {
    errors.add(c.source(), full,
               "needs body, html, markdown, card or provider_templates (nothing to send)");
  }
  std::vector<const std::string*> texts = {&content.subject, &content.body, &content.html,
                                           &content.markdown, &content.card};
  for (const auto& attr : content.attrs) {
    texts.push_back(&attr.second);
  }
  for (const std::string* text : texts) {
    for (const auto& name : placeholdersOf(*text)) {
      if (!declared(tpl, name)) {
        errors.add(c.source(), full, "uses {{" + name + "}} but vars does not declare it");
      }
    }
  }
  for (const auto& name : content.params) {
    if (!declared(tpl, name)) {
      errors.add(c.source(), full + ".params", "names '" + name + "', which vars does not declare");
    }
  }
  for (const auto& [provider, id] : content.providerTemplates) {
    if (config.providers.count(provider) == 0) {
      errors.add(c.source(), full + ".provider_templates", "unknown provider '" + provider + "'");
    }
  }
  if (config.channels.count(channel) == 0) {
    errors.add(c.source(), full, "unknown channel '" + channel + "'");
  }
  tpl.content.emplace(channel, std::move(content));
}

void readTemplate(const std::string& name, const toml::table& t, const std::string& path,
                  DaemonConfig& config, ConfigErrors& errors) {
  checkKnownKeys(t, path,
                 {"vars", "default_channel", "lane", "content", "owner", "business_line", "enabled",
                  "dedup_window_s"},
                 errors);
  TemplateConfig tpl;
  tpl.name = name;
  TomlReader r(t, path, errors);
  r.string("lane", tpl.lane);
  if (config.lanes.count(tpl.lane) == 0) {
    errors.add(t.source(), path + ".lane", "unknown lane '" + tpl.lane + "'");
  }
  r.string("owner", tpl.owner);
  r.string("business_line", tpl.businessLine);
  r.boolean("enabled", tpl.enabled);
  int64_t dedupSeconds = -1;
  r.integer("dedup_window_s", dedupSeconds, 0, 30 * 86400);
  tpl.dedupWindowMs = dedupSeconds < 0 ? -1 : dedupSeconds * 1000;
  readVars(t, path, tpl, errors);
  r.string("default_channel", tpl.defaultChannel);
  eachNamed(t, "content", errors,
            [&](const std::string& channel, const toml::table& c, const std::string& contentPath) {
              readContent(channel, c, path + "." + contentPath, tpl, config, errors);
            });
  if (tpl.content.empty()) {
    errors.add(t.source(), path + ".content", "needs content for at least one channel");
  }
  if (!tpl.defaultChannel.empty() && tpl.content.count(tpl.defaultChannel) == 0) {
    errors.add(t.source(), path + ".default_channel",
               "has no content for channel '" + tpl.defaultChannel + "'");
  }
  if (config.templates.count(name) != 0) {
    errors.add(t.source(), path, "template '" + name + "' is defined twice");
    return;
  }
  config.templates.emplace(name, std::move(tpl));
}

void readTemplateFile(const std::filesystem::path& file, DaemonConfig& config,
                      ConfigErrors& errors) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  toml::table root;
  try {
    root = toml::parse(text.str(), file.string());
  } catch (const toml::parse_error& e) {
    errors.add(e.source(), "", e.description());
    return;
  }
  for (const auto& [key, value] : root) {
    std::string name(key.str());
    if (!value.is_table()) {
      errors.add(value.source(), name, "must be a table: one [NAME] table per template");
      continue;
    }
    readTemplate(name, *value.as_table(), "templates." + name, config, errors);
  }
}

void readTemplateDir(const toml::node& dirNode, DaemonConfig& config, ConfigErrors& errors) {
  const auto* dir = dirNode.as_string();
  if (dir == nullptr) {
    errors.add(dirNode.source(), "templates.dir", "must be a string");
    return;
  }
  config.templateDir = dir->get();
  if (config.templateDir.is_relative()) {
    config.templateDir = config.baseDir / config.templateDir;
  }
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(config.templateDir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".toml") {
      files.push_back(entry.path());
    }
  }
  if (ec) {
    errors.add(dirNode.source(), "templates.dir",
               "cannot read " + config.templateDir.string() + ": " + ec.message());
    return;
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    readTemplateFile(file, config, errors);
  }
}

}  // namespace

void readTemplates(const toml::table& root, DaemonConfig& config, ConfigErrors& errors) {
  const toml::node* node = root.get("templates");
  if (node == nullptr) {
    return;
  }
  if (!node->is_table()) {
    errors.add(node->source(), "templates", "must be a table of named entries");
    return;
  }
  for (const auto& [key, value] : *node->as_table()) {
    std::string name(key.str());
    if (name == "dir" && !value.is_table()) {
      readTemplateDir(value, config, errors);
      continue;
    }
    std::string path = "templates." + name;
    if (!value.is_table()) {
      errors.add(value.source(), path, "must be a table");
      continue;
    }
    readTemplate(name, *value.as_table(), path, config, errors);
  }
}

}  // namespace notify::core
