// SPDX-License-Identifier: Apache-2.0
// Adds delivery reports to a channel class: receipts() hands the request body to the plugin's
// pure parse function. For providers whose reports carry no signature of their own (the host
// checks the provider's receipt_token).
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <string>
#include <string_view>

#include "notify/channel.hpp"

namespace notify::plugin::common {

template <typename Base, auto parseReports>
class ReceiptsChannel : public Base {
 public:
  using Base::Base;

  sdk::Receipts receipts(const sdk::InboundRequest& request) const {
    return parseReports(request.body());
  }
};

// The objects of a JSON report body: an array of objects, or one object.
inline std::vector<Poco::JSON::Object::Ptr> reportObjects(std::string_view body) {
  Poco::Dynamic::Var parsed;
  try {
    parsed = Poco::JSON::Parser().parse(std::string(body));
  } catch (const std::exception&) {
    throw sdk::ReceiptError("the report is not JSON");
  }
  std::vector<Poco::JSON::Object::Ptr> out;
  if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) {
    out.push_back(parsed.extract<Poco::JSON::Object::Ptr>());
  } else if (parsed.type() == typeid(Poco::JSON::Array::Ptr)) {
    auto array = parsed.extract<Poco::JSON::Array::Ptr>();
    for (size_t i = 0; i < array->size(); ++i) {
      auto item = array->getObject(static_cast<unsigned>(i));
      if (!item) {
        throw sdk::ReceiptError("report " + std::to_string(i) + " is not an object");
      }
      out.push_back(item);
    }
  } else {
    throw sdk::ReceiptError("the report is neither an object nor an array");
  }
  return out;
}

// A field of a report as text ("" when absent); required fields throw naming the field.
inline std::string reportField(const Poco::JSON::Object::Ptr& report, const std::string& name,
                               bool required = false) {
  if (!report->has(name) || report->get(name).isEmpty()) {
    if (required) {
      throw sdk::ReceiptError("a report has no " + name);
    }
    return "";
  }
  return report->get(name).convert<std::string>();
}

}  // namespace notify::plugin::common
