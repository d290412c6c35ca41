// `tarn` as a user runs it: the real binary, real files, exact messages and exit codes.
#include <filesystem>
#include <fstream>

#include "status_matchers.h"
#include "subprocess.h"

namespace tarn::testing {
namespace {

using ::testing::HasSubstr;

class CliTest : public ::testing::Test {
 protected:
  ProcessResult Tarn(std::vector<std::string> args,
                     const std::map<std::string, std::string>& env = {{"TARN_CONFIG", ""}}) {
    args.insert(args.begin(), TARN_BINARY);
    return RunProcess(args, dir_.path(), env);
  }
  std::string Path(const std::string& name) { return dir_.path() + "/" + name; }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(Path(name)) << text;
  }
  TempDir dir_;
};

TEST_F(CliTest, HelpListsCommandsWithExamples) {
  ProcessResult help = Tarn({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("init"));
  EXPECT_THAT(help.out, HasSubstr("Examples:"));
  for (const char* command : {"init", "info", "version"}) {
    ProcessResult sub = Tarn({command, "--help"});
    EXPECT_EQ(sub.exit_code, 0) << command;
    EXPECT_THAT(sub.out, HasSubstr("tarn " + std::string(command))) << command;
  }
}

TEST_F(CliTest, VersionPrintsTheVersion) {
  ProcessResult version = Tarn({"version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.out, HasSubstr(std::string("tarn ") + TARN_VERSION));
}

TEST_F(CliTest, UnknownCommandIsAUsageError) {
  ProcessResult bad = Tarn({"frobnicate"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("tarn: error: "));
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
}

TEST_F(CliTest, InitCreatesALakeThatInfoFinds) {
  ProcessResult init = Tarn({"init"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_THAT(init.out, HasSubstr("Initialized lake "));
  EXPECT_THAT(init.out, HasSubstr("sqlite:" + Path("lake/tarn.db") + " (schema version 2)"));
  for (const char* made : {"tarn.yaml", "lake/tarn.db", "lake/tarn-lake.json", "lake/warehouse",
                           "lake/landing", "lake/inbox/purge", "lake/reports"}) {
    EXPECT_TRUE(std::filesystem::exists(Path(made))) << made;
  }
  ProcessResult info = Tarn({"info"});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_THAT(info.out, HasSubstr("root      file://" + Path("lake/") + " (reachable)"));
  EXPECT_THAT(info.out, HasSubstr("catalog   tarn: 0 namespaces, 0 tables"));
  // The lake id is the same in the marker, the database and both outputs.
  std::string id = init.out.substr(std::string("Initialized lake ").size(), 36);
  EXPECT_THAT(info.out, HasSubstr("lake      " + id));
}

TEST_F(CliTest, ConfigIsFoundByFlagAndByEnvironment) {
  ASSERT_EQ(Tarn({"--config", Path("etc/lake.yaml"), "init", Path("data/lake")}).exit_code, 0);
  EXPECT_TRUE(std::filesystem::exists(Path("etc/lake.yaml")));
  EXPECT_EQ(Tarn({"--config", Path("etc/lake.yaml"), "info"}).exit_code, 0);
  EXPECT_EQ(Tarn({"info"}, {{"TARN_CONFIG", Path("etc/lake.yaml")}}).exit_code, 0);
  ProcessResult none = Tarn({"info"});
  EXPECT_EQ(none.exit_code, 3);
  EXPECT_EQ(none.err, "tarn: error: no config file at '" + Path("tarn.yaml") +
                          "': run 'tarn init' to create a lake, or pass --config / set "
                          "TARN_CONFIG\n");
}

TEST_F(CliTest, InitRefusesToOverwriteUnlessForced) {
  ASSERT_EQ(Tarn({"init"}).exit_code, 0);
  ProcessResult again = Tarn({"init"});
  EXPECT_EQ(again.exit_code, 4);
  EXPECT_EQ(again.err, "tarn: error: '" + Path("tarn.yaml") +
                           "' already exists; pass --force to replace it, or --config to write "
                           "another file\n");
  ProcessResult forced = Tarn({"init", "--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
}

TEST_F(CliTest, DatabaseOfAnotherLakeIsRefused) {
  ASSERT_EQ(Tarn({"init", "one"}).exit_code, 0);
  ProcessResult two =
      Tarn({"--config", "two.yaml", "init", "two", "--metadata", "sqlite:one/tarn.db"});
  EXPECT_EQ(two.exit_code, 5);
  EXPECT_EQ(two.err, "tarn: error: metadata database 'sqlite:" + Path("one/tarn.db") +
                         "' already belongs to the lake at '" + Path("one") + "'\n");
  EXPECT_FALSE(std::filesystem::exists(Path("two.yaml")));
}

TEST_F(CliTest, MalformedConfigNamesFileLineAndColumn) {
  Write("tarn.yaml", "lake:\n  root: lake\n  rooot: typo\nmetadata:\n  uri: sqlite:x.db\n");
  ProcessResult unknown = Tarn({"info"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err, "tarn: error: " + Path("tarn.yaml") +
                             ":3:3: unknown key 'rooot' in 'lake' (expected one of: root, "
                             "catalog_name)\n");

  Write("tarn.yaml", "lake:\n  root: [unclosed\n");
  ProcessResult syntax = Tarn({"info"});
  EXPECT_EQ(syntax.exit_code, 2);
  EXPECT_THAT(syntax.err, HasSubstr("tarn: error: " + Path("tarn.yaml") + ":"));

  Write("tarn.yaml", "lake:\n  root: lake\nmetadata:\n  uri: mysql://x\n");
  EXPECT_EQ(
      Tarn({"info"}).err,
      "tarn: error: " + Path("tarn.yaml") +
          ":4:8: 'metadata.uri': expected sqlite:PATH or postgresql://user@host:port/database\n");

  Write("tarn.yaml", "lake:\n  root: lake\n");
  EXPECT_EQ(Tarn({"info"}).err,
            "tarn: error: " + Path("tarn.yaml") + ":1:1: missing required key 'metadata'\n");
}

TEST_F(CliTest, LiteralPasswordInConfigIsRefusedWithoutBeingEchoed) {
  Write(
      "tarn.yaml",
      "lake:\n  root: lake\nmetadata:\n  uri: postgresql://u@127.0.0.1/db\n  password: hunter2\n");
  ProcessResult result = Tarn({"info"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "tarn: error: " + Path("tarn.yaml") +
                            ":5:13: 'metadata.password': a literal secret is not accepted; write "
                            "env:NAME or file:PATH so that no secret sits in a config file\n");
}

TEST_F(CliTest, BadLogLevelIsAUsageError) {
  ProcessResult result = Tarn({"--log-level", "loud", "version"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err,
            "tarn: error: log level 'loud' is not one of trace, debug, info, warn, error, off\n");
}

}  // namespace
}  // namespace tarn::testing
