// SPDX-License-Identifier: Apache-2.0
// The ABI checks, against fixture plugins that each carry one defect.
#include "core/plugin/plugin_library.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/plugin/plugin_catalog.hpp"
#include "support/test_env.hpp"

namespace notify::core {
namespace {

std::filesystem::path fixture(const std::string& name) {
  return test::buildDir() / "test_plugins" / ("channel_" + name + ".so");
}

std::string refusal(const std::string& name) {
  Result<std::shared_ptr<const PluginLibrary>> library = PluginLibrary::load(fixture(name));
  EXPECT_FALSE(library.ok()) << name << " was accepted";
  return library ? "" : library.error().message;
}

TEST(PluginLibrary, LoadsAValidPluginAndReadsItsDescriptor) {
  auto library = PluginLibrary::load(fixture("fixture_ok"));
  ASSERT_TRUE(library.ok()) << library.error().message;
  const PluginInfo& info = library.value()->info();
  EXPECT_EQ(info.name, "fixture_ok");
  EXPECT_EQ(info.abiMinor, static_cast<uint32_t>(NOTIFY_ABI_MINOR));
  ASSERT_EQ(info.params.size(), 5u);
  EXPECT_EQ(info.params[0].name, "target");
  EXPECT_TRUE(info.params[0].required);
  EXPECT_EQ(info.params[1].type, NOTIFY_PARAM_INT);
  EXPECT_TRUE(info.params[1].hasDefault);
  EXPECT_EQ(info.params[1].defaultValue, "3");
}

TEST(PluginLibrary, RefusesADifferentMajorVersion) {
  std::string reason = refusal("fixture_wrong_major");
  EXPECT_NE(reason.find("plugin ABI 2."), std::string::npos) << reason;
  EXPECT_NE(reason.find("rebuild the plugin"), std::string::npos) << reason;
}

TEST(PluginLibrary, RefusesANewerMinorVersion) {
  std::string reason = refusal("fixture_newer_minor");
  EXPECT_NE(reason.find("newer than this notifyd"), std::string::npos) << reason;
}

TEST(PluginLibrary, RefusesAMissingMandatoryHook) {
  EXPECT_NE(refusal("fixture_missing_send").find("'send' is missing"), std::string::npos);
}

TEST(PluginLibrary, RefusesHalfASplitSend) {
  std::string reason = refusal("fixture_half_split");
  EXPECT_NE(reason.find("'prepare' is set without 'complete'"), std::string::npos) << reason;
}

TEST(PluginLibrary, RefusesADescriptorSmallerThanV1) {
  EXPECT_NE(refusal("fixture_small_struct").find("smaller than the v1 layout"), std::string::npos);
}

TEST(PluginLibrary, RefusesAnInvalidName) {
  EXPECT_NE(refusal("fixture_bad_name").find("'Bad-Name'"), std::string::npos);
}

TEST(PluginLibrary, RefusesALibraryWithoutTheEntrySymbol) {
  EXPECT_NE(refusal("fixture_no_entry").find("does not export notify_channel_entry"),
            std::string::npos);
}

TEST(PluginLibrary, RefusesAFileWhoseNameDoesNotMatchThePlugin) {
  test::TempDir dir;
  std::filesystem::copy_file(fixture("fixture_ok"), dir / "channel_other.so");
  Result<std::shared_ptr<const PluginLibrary>> library =
      PluginLibrary::load(dir / "channel_other.so");
  ASSERT_FALSE(library.ok());
  EXPECT_NE(library.error().message.find("expected channel_fixture_ok.so"), std::string::npos);
}

TEST(PluginLibrary, RefusesAFileThatIsNotALibrary) {
  test::TempDir dir;
  auto path = dir.write("channel_junk.so", "not an ELF file");
  Result<std::shared_ptr<const PluginLibrary>> library = PluginLibrary::load(path);
  ASSERT_FALSE(library.ok());
  EXPECT_EQ(library.error().code, "plugin_load");
}

TEST(PluginCatalog, ListsLoadedAndRefusedPluginsWithReasons) {
  PluginCatalog catalog = PluginCatalog::scan(test::buildDir() / "test_plugins");
  EXPECT_NE(catalog.find("fixture_ok"), nullptr);
  EXPECT_NE(catalog.find("fixture_throwing"), nullptr);
  EXPECT_EQ(catalog.find("fixture_wrong_major"), nullptr);
  std::map<std::string, std::string> refused;
  for (const auto& r : catalog.refused()) {
    refused[std::filesystem::path(r.path).filename().string()] = r.reason;
  }
  EXPECT_EQ(refused.size(), 7u);
  EXPECT_NE(refused["channel_fixture_newer_minor.so"].find("newer"), std::string::npos);
  EXPECT_NE(refused["channel_fixture_missing_send.so"].find("send"), std::string::npos);
}

TEST(PluginCatalog, ReportsAMissingDirectory) {
  PluginCatalog catalog = PluginCatalog::scan("/nonexistent/notify/plugins");
  EXPECT_TRUE(catalog.loaded().empty());
  ASSERT_EQ(catalog.refused().size(), 1u);
  EXPECT_NE(catalog.refused()[0].reason.find("cannot read plugin directory"), std::string::npos);
}

}  // namespace
}  // namespace notify::core
