// SPDX-License-Identifier: Apache-2.0
#include "core/config/config_loader.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "support/test_env.hpp"

namespace notify::core {
namespace {

constexpr const char* kSecret = "app-secret-value-7781";

const std::string kApps = R"(
[apps.demo]
token = "file:secrets/app.token"
owner = "team"
)";

const std::string kProviders = R"(
[providers.outbox]
plugin = "file"
path = "out.jsonl"
send_timeout_ms = 500
)";

const std::string kChannels = R"(
[channels.im]
providers = ["outbox"]

[channels.email]
recipient = "email"
providers = ["outbox"]
)";

const std::string kTemplates = R"(
[templates.welcome]
vars = ["name"]
default_channel = "im"

[templates.welcome.content.im]
body = "Welcome {{name}}"

[templates.welcome.content.email]
subject = "Hi {{name}}"
body = "Hello {{ name }}"
attrs = { format = "text" }
)";

class ConfigLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("secrets/app.token", std::string(kSecret) + "\n");
    file_ = dir_.path() / "notifyd.toml";
  }

  DaemonConfig parse(const std::string& text) { return parseConfig(text, file_); }

  // The ConfigError text for a configuration that must be refused.
  std::string errorsOf(const std::string& text) {
    try {
      parseConfig(text, file_);
    } catch (const ConfigError& e) {
      return e.what();
    }
    ADD_FAILURE() << "configuration was accepted:\n" << text;
    return {};
  }

  std::string valid() const { return kApps + kProviders + kChannels + kTemplates; }

  test::TempDir dir_;
  std::filesystem::path file_;
};

// Asserts that text contains part, showing text on failure.
#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE(std::string(text).find(part), std::string::npos) << "in: " << (text)

TEST_F(ConfigLoaderTest, ValidConfigParsesEverySection) {
  DaemonConfig c = parse(R"(
[server]
max_batch = 10
[dispatch]
max_attempts = 3
)" + valid());
  EXPECT_EQ(c.server.maxBatch, 10u);
  EXPECT_EQ(c.dispatch.maxAttempts, 3);
  ASSERT_EQ(c.apps.count("demo"), 1u);
  EXPECT_EQ(c.apps.at("demo").token, kSecret);
  EXPECT_EQ(c.apps.at("demo").owner, "team");

  ASSERT_EQ(c.providers.count("outbox"), 1u);
  const ProviderConfig& p = c.providers.at("outbox");
  EXPECT_EQ(p.plugin, "file");
  EXPECT_EQ(p.sendTimeoutMs, 500);
  ASSERT_NE(p.table, nullptr);
  EXPECT_EQ(p.table->get("path")->value<std::string>(), "out.jsonl");

  ASSERT_EQ(c.channels.size(), 2u);
  EXPECT_EQ(c.channels.at("email").recipient, "email");
  EXPECT_EQ(c.channels.at("im").recipient, "");
  EXPECT_EQ(c.channels.at("im").providers, std::vector<std::string>{"outbox"});

  ASSERT_EQ(c.templates.count("welcome"), 1u);
  const TemplateConfig& t = c.templates.at("welcome");
  EXPECT_EQ(t.vars, std::vector<std::string>{"name"});
  EXPECT_EQ(t.defaultChannel, "im");
  ASSERT_EQ(t.content.size(), 2u);
  EXPECT_EQ(t.content.at("im").body, "Welcome {{name}}");
  EXPECT_EQ(t.content.at("email").subject, "Hi {{name}}");
  using Attrs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(t.content.at("email").attrs, (Attrs{{"format", "text"}}));
}

TEST_F(ConfigLoaderTest, DefaultsApplyWhenSectionsAreAbsent) {
  DaemonConfig c = parse(valid());
  EXPECT_EQ(c.server.listen, "tcp://127.0.0.1:5560");
  EXPECT_EQ(c.server.maxFrameBytes, 1u << 20);
  EXPECT_EQ(c.dispatch.leaseMs, 60000);
  EXPECT_TRUE(c.store.synchronousFull);
  EXPECT_TRUE(c.hasRole("ingress"));
  EXPECT_TRUE(c.hasRole("dispatcher"));
}

TEST_F(ConfigLoaderTest, UnknownKeySuggestsTheClosestAndListsValidKeys) {
  std::string errors =
      errorsOf("[apps.demo]\ntokn = \"env:X\"\n" + kProviders + kChannels + kTemplates);
  EXPECT_CONTAINS(errors, file_.string() + ":2:");
  EXPECT_CONTAINS(
      errors,
      "apps.demo.tokn: unknown key 'tokn' (did you mean 'token'?); valid keys: token, owner");

  std::string server = errorsOf("[server]\nmax_bach = 5\n" + valid());
  EXPECT_CONTAINS(server, "server.max_bach: unknown key 'max_bach' (did you mean 'max_batch'?)");
  EXPECT_CONTAINS(server, "valid keys: listen, max_frame_bytes, max_batch, max_pending");
}

TEST_F(ConfigLoaderTest, UnknownKeyFarFromAnyGivesNoSuggestion) {
  std::string errors = errorsOf("[store]\ncompletely_different = 1\n" + valid());
  EXPECT_CONTAINS(errors,
                  "store.completely_different: unknown key 'completely_different'; valid "
                  "keys: kind, path, synchronous, url, pool_size");
  EXPECT_EQ(errors.find("did you mean"), std::string::npos);
}

TEST_F(ConfigLoaderTest, StoreRetentionDaysPointsAtTheRetentionSection) {
  std::string errors = errorsOf("[store]\nretention_days = 30\n" + valid());
  EXPECT_CONTAINS(errors, "store.retention_days: was replaced by [retention] events_days");
  EXPECT_EQ(errors.find("unknown key"), std::string::npos);
}

TEST_F(ConfigLoaderTest, WrongTypesAreReported) {
  std::string errors = errorsOf(
      "[server]\nmax_batch = \"ten\"\nlisten = 5\n[node]\nroles = "
      "\"ingress\"\n" +
      valid());
  EXPECT_CONTAINS(errors, "server.max_batch: must be an integer");
  EXPECT_CONTAINS(errors, "server.listen: must be a string");
  EXPECT_CONTAINS(errors, "node.roles: must be an array of strings");
}

// A NUL (TOML "\u0000") in any string or key is refused where it is, with the place named.
TEST_F(ConfigLoaderTest, ANulCharacterInAnyStringIsReported) {
  std::string errors = errorsOf("[node]\nroles = [\"ingress\", \"disp\\u0000atcher\"]\n" +
                                valid() +
                                "[templates.nul]\n\"bo\\u0000dy\" = 1\n"
                                "[templates.nul.content.email]\nbody = \"Hi\\u0000there\"\n");
  EXPECT_CONTAINS(errors, "node.roles[1]: contains a NUL character (U+0000)");
  EXPECT_CONTAINS(errors, "templates.nul.content.email.body: contains a NUL character (U+0000)");
  EXPECT_CONTAINS(errors, "templates.nul.bo\\u0000dy: the key contains a NUL character");
}

TEST_F(ConfigLoaderTest, OutOfRangeIntegerIsReported) {
  EXPECT_CONTAINS(errorsOf("[dispatch]\nworkers = 0\n" + valid()),
                  "dispatch.workers: must be between 1 and 1024");
}

TEST_F(ConfigLoaderTest, MissingRequiredValuesAreAllReported) {
  std::string errors = errorsOf(R"(
[apps.demo]
owner = "team"
[providers.outbox]
path = "x"
[channels.im]
providers = ["outbox"]
[templates.welcome]
vars = ["name"]
[templates.welcome.content.im]
subject = "Hi {{name}}"
)");
  EXPECT_CONTAINS(errors, "apps.demo.token: is required");
  EXPECT_CONTAINS(errors, "providers.outbox.plugin: is required");
  EXPECT_CONTAINS(errors,
                  "templates.welcome.content.im: needs body, html, markdown, card or "
                  "provider_templates");
}

TEST_F(ConfigLoaderTest, LiteralSecretIsRefusedWithoutEchoingIt) {
  std::string errors =
      errorsOf("[apps.demo]\ntoken = \"hunter2-literal\"\n" + kProviders + kChannels + kTemplates);
  EXPECT_CONTAINS(errors, "apps.demo.token: a secret must be a reference");
  EXPECT_EQ(errors.find("hunter2-literal"), std::string::npos) << errors;
}

TEST_F(ConfigLoaderTest, UnsetEnvironmentVariableIsReported) {
  ::unsetenv("NOTIFY_UNIT_UNSET_TOKEN");
  std::string errors = errorsOf("[apps.demo]\ntoken = \"env:NOTIFY_UNIT_UNSET_TOKEN\"\n" +
                                kProviders + kChannels + kTemplates);
  EXPECT_CONTAINS(errors,
                  "apps.demo.token: environment variable NOTIFY_UNIT_UNSET_TOKEN is not set");
}

TEST_F(ConfigLoaderTest, EnvironmentSecretIsResolved) {
  ::setenv("NOTIFY_UNIT_APP_TOKEN", "from-env-31337", 1);
  DaemonConfig c = parse("[apps.demo]\ntoken = \"env:NOTIFY_UNIT_APP_TOKEN\"\n" + kProviders +
                         kChannels + kTemplates);
  EXPECT_EQ(c.apps.at("demo").token, "from-env-31337");
  ::unsetenv("NOTIFY_UNIT_APP_TOKEN");
}

TEST_F(ConfigLoaderTest, ASecretFileWithANulByteIsRefusedWithoutEchoingIt) {
  dir_.write("secrets/nul.token", std::string("abc\0def\n", 8));
  std::string errors = errorsOf("[apps.demo]\ntoken = \"file:secrets/nul.token\"\n" + kProviders +
                                kChannels + kTemplates);
  EXPECT_CONTAINS(errors, "apps.demo.token: secret file");
  EXPECT_CONTAINS(errors, "contains a NUL byte");
  EXPECT_EQ(errors.find("def"), std::string::npos);
}

TEST_F(ConfigLoaderTest, MissingSecretFileIsReported) {
  std::string errors = errorsOf("[apps.demo]\ntoken = \"file:secrets/none.token\"\n" + kProviders +
                                kChannels + kTemplates);
  EXPECT_CONTAINS(errors, "apps.demo.token: cannot read secret file");
  EXPECT_CONTAINS(errors, "none.token");
}

TEST_F(ConfigLoaderTest, ResolvedSecretNeverAppearsInErrors) {
  ::setenv("NOTIFY_UNIT_OTHER_TOKEN", "env-secret-4242", 1);
  std::string errors =
      errorsOf(kApps +
               "[apps.other]\ntoken = \"env:NOTIFY_UNIT_OTHER_TOKEN\"\n"
               "tokn = 1\n" +
               kProviders + kChannels + kTemplates + "[server]\nmax_batch = \"x\"\n");
  ::unsetenv("NOTIFY_UNIT_OTHER_TOKEN");
  EXPECT_CONTAINS(errors, "apps.other.tokn");
  EXPECT_EQ(errors.find(kSecret), std::string::npos) << errors;
  EXPECT_EQ(errors.find("env-secret-4242"), std::string::npos) << errors;
}

TEST_F(ConfigLoaderTest, EmptySecretIsRefused) {
  dir_.write("secrets/empty.token", "\n");
  EXPECT_CONTAINS(errorsOf("[apps.demo]\ntoken = \"file:secrets/empty.token\"\n" + kProviders +
                           kChannels + kTemplates),
                  "apps.demo.token: resolves to an empty token");
}

TEST_F(ConfigLoaderTest, DefaultCountryCodeIsACallingCode) {
  std::string app = "[apps.demo]\ntoken = \"file:secrets/app.token\"\n";
  DaemonConfig ok =
      parse(app + "default_country_code = \"86\"\n" + kProviders + kChannels + kTemplates);
  EXPECT_EQ(ok.apps.at("demo").defaultCountryCode, "86");
  EXPECT_CONTAINS(
      errorsOf(app + "default_country_code = \"+86\"\n" + kProviders + kChannels + kTemplates),
      "apps.demo.default_country_code: must be a country calling code");
}

TEST_F(ConfigLoaderTest, TemplateUsingUndeclaredVariableIsReported) {
  std::string errors = errorsOf(kApps + kProviders + kChannels + R"(
[templates.welcome]
vars = ["name"]
[templates.welcome.content.im]
body = "Welcome {{nmae}}"
)");
  EXPECT_CONTAINS(errors,
                  "templates.welcome.content.im: uses {{nmae}} but vars does not declare it");
}

TEST_F(ConfigLoaderTest, TemplateContentForUnknownChannelIsReported) {
  std::string errors = errorsOf(kApps + kProviders + kChannels + R"(
[templates.welcome]
[templates.welcome.content.sms]
body = "hi"
)");
  EXPECT_CONTAINS(errors, "templates.welcome.content.sms: unknown channel 'sms'");
}

TEST_F(ConfigLoaderTest, DefaultChannelWithoutContentIsReported) {
  std::string errors = errorsOf(kApps + kProviders + kChannels + R"(
[templates.welcome]
default_channel = "email"
[templates.welcome.content.im]
body = "hi"
)");
  EXPECT_CONTAINS(errors, "templates.welcome.default_channel: has no content for channel 'email'");
}

TEST_F(ConfigLoaderTest, ChannelNamingUnknownProviderIsReported) {
  std::string errors = errorsOf(kApps + kProviders + R"(
[channels.im]
providers = ["outbox", "nowhere"]
)" + R"(
[templates.welcome]
[templates.welcome.content.im]
body = "hi"
)");
  EXPECT_CONTAINS(errors, "channels.im.providers: unknown provider 'nowhere'");
  EXPECT_EQ(errors.find("unknown provider 'outbox'"), std::string::npos);
}

TEST_F(ConfigLoaderTest, TomlSyntaxErrorReportsFileLineAndColumn) {
  std::string errors = errorsOf("[server]\nmax_batch = 5\nlisten = \n");
  EXPECT_EQ(errors.rfind(file_.string() + ":3:", 0), 0u) << errors;
}

TEST_F(ConfigLoaderTest, UnknownTopLevelSectionIsReported) {
  EXPECT_CONTAINS(errorsOf("[servr]\nlisten = \"x\"\n" + valid()),
                  "servr: unknown key 'servr' (did you mean 'server'?)");
}

TEST_F(ConfigLoaderTest, RelativePathsAreTakenFromTheConfigDirectory) {
  DaemonConfig c =
      parse("[store]\npath = \"data/n.db\"\n[plugins]\ndir = \"../plugins\"\n" + valid());
  EXPECT_EQ(c.baseDir, dir_.path());
  EXPECT_EQ(c.store.path, dir_.path() / "data/n.db");
  EXPECT_EQ(c.pluginDir, dir_.path() / "../plugins");
}

TEST_F(ConfigLoaderTest, DefaultPathsAreTakenFromTheConfigDirectory) {
  DaemonConfig c = parse(valid());
  EXPECT_EQ(c.store.path, dir_.path() / "var/notify.db");
  EXPECT_EQ(c.pluginDir, dir_.path() / "plugins");
}

TEST_F(ConfigLoaderTest, AbsolutePathsStayAsGiven) {
  DaemonConfig c =
      parse("[store]\npath = \"/srv/notify/n.db\"\n[plugins]\ndir = \"/opt/p\"\n" + valid());
  EXPECT_EQ(c.store.path, std::filesystem::path("/srv/notify/n.db"));
  EXPECT_EQ(c.pluginDir, std::filesystem::path("/opt/p"));
}

TEST_F(ConfigLoaderTest, SendTimeoutMustBeShorterThanLease) {
  EXPECT_CONTAINS(errorsOf("[dispatch]\nlease_ms = 5000\nsend_timeout_ms = 5000\n" + valid()),
                  "dispatch.send_timeout_ms: must be shorter than lease_ms");
}

TEST_F(ConfigLoaderTest, LoadConfigReadsAFile) {
  std::filesystem::path file = dir_.write("conf/n.toml", valid());
  dir_.write("conf/secrets/app.token", "from-conf-dir\n");
  DaemonConfig c = loadConfig(file);
  EXPECT_EQ(c.apps.at("demo").token, "from-conf-dir");
  EXPECT_EQ(c.store.path, dir_.path() / "conf" / "var/notify.db");
  EXPECT_THROW(loadConfig(dir_.path() / "missing.toml"), ConfigError);
}

TEST(ExampleConfig, ShippedExampleParses) {
  DaemonConfig c = loadConfig(NOTIFY_EXAMPLE_CONFIG);
  EXPECT_EQ(c.apps.count("demo"), 1u);
  EXPECT_FALSE(c.apps.at("demo").token.empty());
  EXPECT_EQ(c.templates.count("welcome"), 1u);
  EXPECT_EQ(c.channels.at("email").recipient, "email");
  EXPECT_EQ(c.providers.at("local-outbox").plugin, "file");
}

TEST_F(ConfigLoaderTest, AProvidersMaxConcurrencyIsReadAndBounded) {
  DaemonConfig c = parse("[providers.slow]\nplugin = \"file\"\npath = \"s.jsonl\"\n"
                         "max_concurrency = 4\n" +
                         valid());
  EXPECT_EQ(c.providers.at("slow").maxConcurrency, 4);
  EXPECT_EQ(c.providers.at("outbox").maxConcurrency, 0) << "no cap unless configured";
  EXPECT_CONTAINS(errorsOf("[providers.slow]\nplugin = \"file\"\nmax_concurrency = -1\n" +
                           valid()),
                  "providers.slow.max_concurrency: must be between 0 and 100000");
}

TEST_F(ConfigLoaderTest, PostgresStoreTakesAUrlAndPoolSize) {
  DaemonConfig c = parse(
      "[store]\nkind = \"postgres\"\nurl = \"postgresql://notify@db1/notify\"\npool_size = 3\n" +
      valid());
  EXPECT_EQ(c.store.kind, "postgres");
  EXPECT_EQ(c.store.url, "postgresql://notify@db1/notify");
  EXPECT_EQ(c.store.poolSize, 3u);
}

TEST_F(ConfigLoaderTest, PostgresUrlMayBeASecretReference) {
  dir_.write("secrets/pg.url", "postgresql://notify:pw@db1/notify\n");
  DaemonConfig c = parse("[store]\nkind = \"postgres\"\nurl = \"file:secrets/pg.url\"\n" + valid());
  EXPECT_EQ(c.store.url, "postgresql://notify:pw@db1/notify");
  ::unsetenv("NOTIFY_UNIT_UNSET_URL");
  std::string errors =
      errorsOf("[store]\nkind = \"postgres\"\nurl = \"env:NOTIFY_UNIT_UNSET_URL\"\n" + valid());
  EXPECT_CONTAINS(errors, "store.url");
  EXPECT_CONTAINS(errors, "NOTIFY_UNIT_UNSET_URL");
}

TEST_F(ConfigLoaderTest, PostgresStoreNeedsAUrlAndUnknownKindsAreNamed) {
  EXPECT_CONTAINS(errorsOf("[store]\nkind = \"postgres\"\n" + valid()), "store.url");
  EXPECT_CONTAINS(errorsOf("[store]\nkind = \"mysql\"\n" + valid()),
                  "store.kind: unknown store 'mysql'; available: sqlite, postgres");
}

}  // namespace
}  // namespace notify::core
