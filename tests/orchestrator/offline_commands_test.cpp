// `jamfleet check` and `jamfleet srv`: exit codes, error output and SRV golden files.
#include "orchestrator/offline_commands.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace jamfleet::orchestrator {
namespace {

const std::string kRoot = JAMFLEET_SOURCE_DIR;

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

class ExampleFile : public testing::TestWithParam<const char*> {};

TEST(ExampleFiles, DemoAndEventPassCheckWithTheirWarnings) {
    for (const char* name : {"fleet", "event"}) {
        std::ostringstream out;
        std::ostringstream err;
        const std::string file = kRoot + "/examples/" + name + ".yaml";
        EXPECT_EQ(command_check(file, out, err), kExitOk) << err.str();
        std::istringstream lines(err.str());
        for (std::string line; std::getline(lines, line);) {
            EXPECT_TRUE(line.starts_with(file + ": warning: ")) << line;
        }
        EXPECT_NE(out.str().find(file + ": ok\n"), std::string::npos);
    }
}

// The school's files live on its server: here the check says what a start would
// trip on (the directory would crash-loop on its secret, and musicians would read the
// welcome file's name), not that the file is fine.
TEST(ExampleFiles, SchoolFailsForItsMissingFiles) {
    std::ostringstream out;
    std::ostringstream err;
    const std::string file = kRoot + "/examples/school.yaml";
    ASSERT_FALSE(std::ifstream("/etc/jamfleet/rpc-secret"))
        << "this machine has the school's files";
    EXPECT_EQ(command_check(file, out, err), kExitUsage);
    EXPECT_NE(err.str().find(file + ": /directory/jsonrpc_secret_file: /etc/jamfleet/rpc-secret: "
                                    "cannot read"),
              std::string::npos)
        << err.str();
    EXPECT_NE(err.str().find(file + ": /servers/Orchestra/welcome: /etc/jamfleet/welcome.html "
                                    "cannot be read"),
              std::string::npos)
        << err.str();
    EXPECT_NE(err.str().find("; nothing started\n"), std::string::npos);
    // The report still comes (CheckGolden has it whole), without the closing "ok".
    EXPECT_NE(out.str().find("bandwidth at full occupancy"), std::string::npos);
    EXPECT_EQ(out.str().find(": ok\n"), std::string::npos);
}

TEST_P(ExampleFile, SrvOutputMatchesGoldenFile) {
    std::ostringstream out;
    std::ostringstream err;
    const std::string name = GetParam();
    ASSERT_EQ(command_srv(kRoot + "/examples/" + name + ".yaml", out, err), kExitOk) << err.str();
    const std::string golden = read_text(kRoot + "/tests/orchestrator/golden/" + name + ".srv");
    ASSERT_FALSE(golden.empty());
    EXPECT_EQ(out.str(), golden);
}

INSTANTIATE_TEST_SUITE_P(Examples, ExampleFile,
                         testing::Values("fleet", "school", "event", "home-nat", "regions"));

// The whole `check` output, network report and bandwidth plan included, for a host
// whose routed address is 192.168.1.20 (a LAN behind a NAT router).
class CheckGolden : public testing::TestWithParam<const char*> {};

TEST_P(CheckGolden, OutputMatchesGoldenFile) {
    std::ostringstream out;
    std::ostringstream err;
    const std::string name = GetParam();
    const std::string file = "examples/" + name + ".yaml";
    // The school's welcome and secret files live on its server, so its check fails here
    // (StartChecks, offline_commands_test) but still prints the whole report.
    const int expected = name == "school" ? kExitUsage : kExitOk;
    ASSERT_EQ(command_check(kRoot + "/" + file, out, err, HostNetwork{0xc0a80114}), expected)
        << err.str();
    std::string text = out.str();
    // The file name in the last line is absolute; the golden file names it from the root.
    if (const auto at = text.rfind(kRoot + "/"); at != std::string::npos) {
        text.replace(at, kRoot.size() + 1, "");
    }
    const std::string golden = read_text(kRoot + "/tests/orchestrator/golden/" + name + ".check");
    ASSERT_FALSE(golden.empty());
    EXPECT_EQ(text, golden);
}

// regions: a fleet over four hosts with its recorded placement (docs/many-hosts.md); the
// check shows every room's host and port and, the placement being complete, changes nothing.
INSTANTIATE_TEST_SUITE_P(Examples, CheckGolden, testing::Values("school", "home-nat", "regions"));

TEST(CheckCommand, WarnsWhenAPrivateHostHasNoPublicIp) {
    std::ostringstream out;
    std::ostringstream err;
    const std::string file = kRoot + "/examples/home-nat.yaml";
    ASSERT_EQ(command_check(file, out, err, HostNetwork{0xc0a80114}), kExitOk);
    EXPECT_NE(out.str().find("warning: fleet.public_ip is not set and this host's address "
                             "192.168.1.20 is private"),
              std::string::npos);
    std::ostringstream public_out;
    ASSERT_EQ(command_check(file, public_out, err, HostNetwork{0xcb007105}), kExitOk);
    EXPECT_EQ(public_out.str().find("fleet.public_ip is not set"), std::string::npos);
}

TEST(CheckCommand, BadFilePrintsEveryErrorAndExitsTwo) {
    std::ostringstream out;
    std::ostringstream err;
    const std::string file = kRoot + "/tests/config/bad/duplicate_port.yaml";
    EXPECT_EQ(command_check(file, out, err), kExitUsage);
    EXPECT_EQ(out.str(), "");
    EXPECT_EQ(err.str(), file + ":10:11: /servers/1/port: 22300 already used by /servers/0\n" +
                             file + ":12:11: /servers/2/port: 22200 already used by /directory\n" +
                             "2 errors; nothing started\n");
}

TEST(CheckCommand, PrintsAssignedPortsAndSrvRecords) {
    std::ostringstream out;
    std::ostringstream err;
    ASSERT_EQ(command_check(kRoot + "/examples/fleet.yaml", out, err), kExitOk);
    EXPECT_NE(out.str().find("\"Jazz Room\" port 22125"), std::string::npos) << out.str();
    EXPECT_NE(out.str().find("directory port 22123"), std::string::npos);
    EXPECT_NE(out.str().find("srv _jamulus._udp.folk.example.org. 300 IN SRV 0 5 22126 "
                             "jam.example.org."),
              std::string::npos);
}

TEST(SrvCommand, BadFileExitsTwoAndPrintsNoRecords) {
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(command_srv(kRoot + "/tests/config/bad/bad_dns.yaml", out, err), kExitUsage);
    EXPECT_EQ(out.str(), "");
    EXPECT_NE(err.str().find("5 errors"), std::string::npos);
}

} // namespace
} // namespace jamfleet::orchestrator
