// SPDX-License-Identifier: Apache-2.0
#include "support/test_config.hpp"

namespace notify::test {

std::filesystem::path writeDaemonConfig(const TempDir& dir, int port, const std::string& webhookUrl,
                                        const std::string& extra, const std::string& storeTable) {
  dir.write("test.token", "test-token\n");
  dir.write("webhook.secret", std::string(kWebhookSecret) + "\n");
  std::string text = R"(
[server]
listen = "tcp://127.0.0.1:)" +
                     std::to_string(port) + R"("

[store]
)" + storeTable + R"(

[dispatch]
workers = 4
max_in_flight = 8
lease_ms = 5000
send_timeout_ms = 2000
max_attempts = 3
backoff_base_ms = 50
backoff_max_ms = 200

[plugins]
dir = ")" + (buildDir() / "plugins").string() +
                     R"("

[apps.test]
token = "file:test.token"
owner = "tests"

[providers.hook]
plugin = "webhook"
url = ")" + webhookUrl +
                     R"("
secret = "file:webhook.secret"

[channels.hooks]
providers = ["hook"]

[templates.greeting]
vars = ["name"]

[templates.greeting.content.hooks]
subject = "Hi {{name}}"
body = "Hello {{name}}"
)" + extra;
  return dir.write("notifyd.toml", text);
}

std::string accountWideProvider(const std::string& url) {
  return R"(
[providers.account]
plugin = "webhook"
url = ")" +
         url + R"("
secret = "file:webhook.secret"
throttle_pause_ms = 1000

[channels.account]
providers = ["account"]

[templates.bill]
vars = ["name"]
default_channel = "account"

[templates.bill.content.account]
body = "{{name}}"
)";
}

}  // namespace notify::test
