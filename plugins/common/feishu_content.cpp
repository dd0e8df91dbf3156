// SPDX-License-Identifier: Apache-2.0
#include "plugins/common/feishu_content.hpp"

#include "plugins/common/json_writer.hpp"
#include "plugins/common/message_text.hpp"
#include "plugins/common/provider_response.hpp"

namespace notify::plugin::common::feishu {
namespace {

std::string textContent(const sdk::Message& message) {
  return JsonWriter().beginObject().field("text", chatText(message, false)).endObject().take();
}

std::string postContent(const sdk::Message& message) {
  const std::string_view title =
      message.attr("title").empty() ? message.subject() : message.attr("title");
  const std::string_view locale = message.attr("locale").empty() ? "zh_cn" : message.attr("locale");
  JsonWriter json;
  json.beginObject().beginObject(locale).field("title", title).beginArray("content");
  std::string_view body = message.body();
  for (size_t start = 0; start <= body.size();) {
    size_t end = body.find('\n', start);
    end = end == std::string_view::npos ? body.size() : end;
    std::string_view line = body.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    json.beginArray().beginObject().field("tag", "text").field("text", line).endObject().endArray();
    start = end + 1;
  }
  return json.endArray().endObject().endObject().take();
}

}  // namespace

Content buildContent(const sdk::Message& message) {
  const std::string_view type = message.attr("msg_type");
  if (type.empty() || type == "text") {
    return {"text", textContent(message), {}};
  }
  if (type == "post") {
    return {"post", postContent(message), {}};
  }
  if (type == "interactive" || type == "card") {
    const std::string_view card =
        message.attr("card").empty() ? message.body() : message.attr("card");
    if (!isJsonObject(card)) {
      return {"interactive", {}, "the card (attr card, or the body) is not one JSON object"};
    }
    return {"interactive", std::string(card), {}};
  }
  return {std::string(type),
          {},
          "msg_type '" + std::string(type) + "' is not one of text, post, interactive"};
}

int64_t rateLimitResetMs(const sdk::HttpResponse& response, int64_t fallbackMs) {
  const std::string reset = response.header("x-ogw-ratelimit-reset");
  const int64_t ms = deltaSecondsToMs(reset);
  return reset.empty() || (ms == 0 && reset != "0") ? fallbackMs : ms;
}

}  // namespace notify::plugin::common::feishu
