// Command-line parsing: Jamulus spellings, validation and the --maxservers bound.
#include "directory/options.h"

#include <gtest/gtest.h>

namespace jamfleet::directory {
namespace {

base::Result<Options, std::string> parse(std::vector<std::string> args) {
    return parse_options(args);
}

TEST(Options, DefaultsFollowJamulus) {
    const auto o = parse({});
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o->port, 22124);
    EXPECT_EQ(o->max_servers, 150u);
    EXPECT_EQ(o->db_path, "var/directory.sqlite");
    EXPECT_FALSE(o->jsonrpc_port);
}

TEST(Options, ParsesShortAndLongForms) {
    const auto o = parse({"-p",
                          "23000",
                          "--serverbindip=127.0.0.1",
                          "-f",
                          "[3.8.0];10.0.0.0/8",
                          "-o",
                          "My Dir;Köln;DE",
                          "--serverpublicip",
                          "192.0.2.2",
                          "--maxservers",
                          "20",
                          "--db",
                          "/tmp/x.sqlite",
                          "--jsonrpcport",
                          "8765",
                          "--jsonrpcsecretfile",
                          "/tmp/s",
                          "--trusted",
                          "192.0.2.0/24;10.1.1.1",
                          "--relay-socket",
                          "/run/jf/relay.sock"});
    ASSERT_TRUE(o.ok()) << o.error();
    EXPECT_EQ(o->relay_socket, "/run/jf/relay.sock");
    EXPECT_EQ(o->port, 23000);
    EXPECT_EQ(o->bind_ip, 0x7f000001u);
    EXPECT_EQ(o->list_filter.min_version, "3.8.0");
    EXPECT_EQ(o->self.name, "My Dir");
    EXPECT_EQ(o->self.city, "Köln");
    EXPECT_EQ(o->self.country, 82); // Germany, Qt 5 code
    EXPECT_EQ(o->public_ip, 0xc0000202u);
    EXPECT_EQ(o->max_servers, 20u);
    EXPECT_EQ(o->jsonrpc_port, 8765);
    ASSERT_EQ(o->trusted.size(), 2u);
    EXPECT_EQ(o->trusted[1], (Cidr{0x0a010101, 32}));
}

TEST(Options, RefusesBadValuesWithTheOptionNamed) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
        {{"--port", "70000"}, "--port"},
        {{"--bogus"}, "--bogus"},
        {{"-p"}, "--port"},
        {{"--serverbindip", "localhost"}, "--serverbindip"},
        {{"-o", "only;two"}, "--serverinfo"},
        {{"-o", "a;b;zz"}, "unknown country"},
        {{"--jsonrpcport", "8765"}, "--jsonrpcsecretfile"},
        {{"--maxservers", "1"}, "--maxservers"},
        {{"--trusted", "10.0.0.0/8;nonsense"}, "nonsense"}};
    for (const auto& [args, expected] : cases) {
        const auto o = parse(args);
        ASSERT_FALSE(o.ok()) << args[0];
        EXPECT_NE(o.error().find(expected), std::string::npos) << o.error();
    }
}

TEST(Options, MaxServersAboveWhatADatagramCanCarryIsRefused) {
    const SelfInfo self{"MyDir", "Town", 0};
    const std::size_t limit = max_servers_limit(self);
    // (19991 - own 25 bytes) / 16 bytes per empty entry, plus the own entry.
    EXPECT_EQ(limit, 1 + (19991u - 25u) / 16u);
    EXPECT_TRUE(parse({"-o", "MyDir;Town;0", "--maxservers", std::to_string(limit)}).ok());
    EXPECT_FALSE(parse({"-o", "MyDir;Town;0", "--maxservers", std::to_string(limit + 1)}).ok());
    // With maximal names and cities only this many always fit: fewer than Jamulus's 150.
    EXPECT_EQ(max_servers_worst_case(self), 1 + (19991u - 25u) / 136u);
    EXPECT_LT(max_servers_worst_case(self), 150u);
}

TEST(Options, HelpIsRecognised) {
    EXPECT_TRUE(parse({"--help"})->help);
    EXPECT_NE(usage_text().find("--import-directoryfile"), std::string::npos);
}

// A Jamulus directory's unit file line, with the binary name changed.
TEST(Options, AcceptsAJamulusDirectoryLineAsItIs) {
    const auto o = parse({"-s", "-n", "-e", "localhost", "-p", "22224", "-o", "Dir;Town;de", "-f",
                          "203.0.113.0/24", "--directoryfile", "/var/lib/jamulus/list",
                          "--serverpublicip", "192.0.2.2", "-u", "10", "-T", "-t"});
    ASSERT_TRUE(o.ok()) << o.error();
    EXPECT_EQ(o->port, 22224);
    EXPECT_EQ(o->directory_file, "/var/lib/jamulus/list");
    EXPECT_EQ(o->public_ip, 0xc0000202u);
    // -u and -T are a room's options: said once each; -s, -n, -t silently.
    ASSERT_EQ(o->warnings.size(), 2u);
    EXPECT_NE(o->warnings[0].find("-u is ignored"), std::string::npos);
}

TEST(Options, RefusesToRegisterWithAnotherDirectory) {
    const auto o = parse({"-e", "anygenre1.jamulus.io"});
    ASSERT_FALSE(o.ok());
    EXPECT_NE(o.error().find("does not register"), std::string::npos);
    EXPECT_TRUE(parse({"--directoryaddress=127.0.0.1"}).ok());
}

TEST(Options, VersionLogLevelAnd40Spellings) {
    EXPECT_TRUE(parse({"--version"})->version);
    EXPECT_EQ(parse({"--log-level=warn"})->log_level, "warn");
    EXPECT_FALSE(parse({"--log-level", "x"}).ok());
    const auto o = parse({"--serverbindip4", "127.0.0.1", "--noipv6", "--noraw"});
    ASSERT_TRUE(o.ok()) << o.error();
    EXPECT_EQ(o->bind_ip, 0x7f000001u);
    EXPECT_EQ(parse({"--jsonrpcbindip", "10.0.0.1"})->jsonrpc_bind_ip, 0x0a000001u);
    EXPECT_FALSE(parse({"--jsonrpcbindip", "localhost"}).ok());
}

} // namespace
} // namespace jamfleet::directory
