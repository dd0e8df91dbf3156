// SPDX-License-Identifier: Apache-2.0
#include "core/config/param_validator.hpp"

#include <algorithm>
#include <filesystem>

namespace notify::core {
namespace {

// Converts one TOML value to the ABI's text form, or returns false when its type is wrong.
bool toText(const toml::node& node, notify_param_type type, std::string& out) {
  switch (type) {
    case NOTIFY_PARAM_STRING:
    case NOTIFY_PARAM_SECRET:
    case NOTIFY_PARAM_PATH:
      if (const auto* s = node.as_string()) {
        out = s->get();
        return true;
      }
      return false;
    case NOTIFY_PARAM_INT:
      if (const auto* i = node.as_integer()) {
        out = std::to_string(i->get());
        return true;
      }
      return false;
    case NOTIFY_PARAM_BOOL:
      if (const auto* b = node.as_boolean()) {
        out = b->get() ? "true" : "false";
        return true;
      }
      return false;
    case NOTIFY_PARAM_LIST:
      if (const auto* array = node.as_array()) {
        out.clear();
        for (size_t i = 0; i < array->size(); ++i) {
          const auto* item = (*array)[i].as_string();
          if (item == nullptr) {
            return false;
          }
          out += (i == 0 ? "" : "\n") + item->get();
        }
        return true;
      }
      return false;
  }
  return false;
}

const char* tomlTypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "a date/time";
  }
}

}  // namespace

KeyValues validateParams(const toml::table& table, const std::string& path,
                         const std::vector<ParamSpec>& params,
                         const std::vector<std::string>& reservedKeys,
                         const SecretResolver& secrets, ConfigErrors& errors) {
  std::vector<std::string> allowed = reservedKeys;
  for (const auto& p : params) {
    allowed.push_back(p.name);
  }
  checkKnownKeys(table, path, allowed, errors);

  KeyValues config;
  for (const auto& p : params) {
    const toml::node* node = table.get(p.name);
    std::string key = path + "." + p.name;
    if (node == nullptr) {
      if (p.hasDefault) {
        config.emplace_back(p.name, p.defaultValue);
      } else if (p.required) {
        errors.add(table.source(), key,
                   std::string("missing required ") + paramTypeName(p.type) +
                       (p.help.empty() ? "" : " (" + p.help + ")"));
      }
      continue;
    }
    std::string text;
    if (!toText(*node, p.type, text)) {
      errors.add(node->source(), key,
                 std::string("must be ") +
                     (p.type == NOTIFY_PARAM_SECRET ? "a secret reference string"
                                                    : paramTypeName(p.type)) +
                     ", not " + tomlTypeName(*node));
      continue;
    }
    if (p.type == NOTIFY_PARAM_SECRET) {
      Result<std::string> resolved = secrets.resolve(text);
      if (!resolved) {
        errors.add(node->source(), key, resolved.error().message);
        continue;
      }
      text = std::move(resolved).value();
    } else if (p.type == NOTIFY_PARAM_PATH && !text.empty()) {
      text = std::filesystem::absolute(secrets.baseDir() / text).lexically_normal().string();
    }
    config.emplace_back(p.name, std::move(text));
  }
  return config;
}

}  // namespace notify::core
