// jamfleet-mixer's command line: Jamulus spellings, ranges, errors.
#include "mixer-worker/options.h"

#include <cstdio>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

namespace jamfleet::mixer {
namespace {

TEST(Options, DefaultsAreJamulusDefaults) {
    auto o = parse_options({});
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o->port, 22124);
    EXPECT_EQ(o->max_channels, 10);
    EXPECT_EQ(o->qos, 128);
    EXPECT_FALSE(o->fast_update);
    EXPECT_TRUE(o->directory.empty());
}

TEST(Options, AcceptsShortAndLongJamulusSpellings) {
    auto o = parse_options({"-s",
                            "-n",
                            "-p",
                            "22300",
                            "--serverbindip",
                            "127.0.0.1",
                            "-u",
                            "3",
                            "-F",
                            "-P",
                            "-L",
                            "-Q",
                            "0",
                            "-e",
                            "dir.example:22000",
                            "-o",
                            "Jam;Berlin;de",
                            "--serverpublicip",
                            "192.0.2.1",
                            "--jsonrpcport",
                            "8765",
                            "--jsonrpcsecretfile",
                            "/tmp/s",
                            "-l",
                            "/tmp/log",
                            "--directory-relay",
                            "/run/jf/relay.sock"});
    ASSERT_TRUE(o.ok()) << o.error();
    EXPECT_EQ(o->directory_relay, "/run/jf/relay.sock");
    EXPECT_EQ(o->bind_ip6, ""); // IPv4 only unless asked
    auto v6 = parse_options({"--serverbindip6", "::"});
    ASSERT_TRUE(v6.ok()) << v6.error();
    EXPECT_EQ(v6->bind_ip6, "::");
    auto enabled = parse_options({"-6"});
    ASSERT_TRUE(enabled.ok()) << enabled.error();
    EXPECT_EQ(enabled->bind_ip6, "::"); // Jamulus 3.x: -6 turns IPv6 on
    auto off = parse_options({"--serverbindip6", "::", "-6", "--noipv6"});
    ASSERT_TRUE(off.ok()) << off.error();
    EXPECT_EQ(off->bind_ip6, ""); // Jamulus 4.0: --noipv6 wins
    auto bad = parse_options({"--serverbindip6", "1.2.3.4"});
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error(), "--serverbindip6: bad IPv6 address '1.2.3.4'");
    EXPECT_EQ(o->port, 22300);
    EXPECT_EQ(o->bind_ip, 0x7f000001u);
    EXPECT_EQ(o->max_channels, 3);
    EXPECT_TRUE(o->fast_update && o->delay_pan && o->licence);
    EXPECT_EQ(o->qos, 0);
    EXPECT_EQ(o->directory, "dir.example:22000");
    ASSERT_TRUE(o->server_info);
    EXPECT_EQ(o->server_info->country, 82);
    EXPECT_EQ(o->server_public_ip, 0xc0000201u);
    EXPECT_EQ(o->jsonrpc_port, 8765);
    EXPECT_EQ(o->log_file, "/tmp/log");
    auto l = parse_options({"--port", "1", "--numchannels", "150", "--fastupdate",
                            "--directoryaddress", "x", "--welcomemessage", "hi"});
    ASSERT_TRUE(l.ok()) << l.error();
    EXPECT_EQ(l->welcome_message, "hi");
}

TEST(Options, WelcomeMessageNamingAFileUsesItsContent) {
    const std::string path = ::testing::TempDir() + "/welcome.html";
    std::ofstream(path) << "<b>from file</b>";
    auto o = parse_options({"-w", path});
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o->welcome_message, "<b>from file</b>");
    std::remove(path.c_str());
}

TEST(Options, RejectsUnknownOptionsAndBadValuesWithAClearMessage) {
    auto a = parse_options({"--frobnicate"});
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.error(), "unknown option --frobnicate");
    auto b = parse_options({"-u", "151"});
    ASSERT_FALSE(b.ok());
    EXPECT_EQ(b.error(), "-u: \"151\" is not a number in 1…150");
    EXPECT_FALSE(parse_options({"-p"}).ok());
    EXPECT_FALSE(parse_options({"--serverbindip", "localhost"}).ok());
    EXPECT_FALSE(parse_options({"-o", "Jam;Berlin;zz"}).ok());
    EXPECT_FALSE(parse_options({"--jsonrpcport", "8000"}).ok()); // needs a secret file
    EXPECT_FALSE(parse_options({"-e", "localhost"}).ok());       // would be a directory
    EXPECT_FALSE(parse_options({"--max-seats-per-ip", "0"}).ok());
}

TEST(Options, MaxSeatsPerIpIsUnsetUnlessGiven) {
    EXPECT_FALSE(parse_options({})->max_seats_per_ip.has_value());
    EXPECT_EQ(parse_options({"--max-seats-per-ip", "30"})->max_seats_per_ip, 30);
}

TEST(Options, HelpListsEveryOption) {
    auto o = parse_options({"--help"});
    ASSERT_TRUE(o.ok());
    EXPECT_TRUE(o->help);
    const std::string text = usage_text();
    for (const char* opt :
         {"--port", "--serverbindip", "--numchannels", "--welcomemessage", "--directoryserver",
          "--directoryaddress", "--serverinfo", "--serverpublicip", "--delaypan", "--fastupdate",
          "--licence", "--qos", "--jsonrpcport", "--jsonrpcsecretfile", "--log", "--control-socket",
          "--threads", "--max-seats-per-ip"}) {
        EXPECT_NE(text.find(opt), std::string::npos) << opt;
    }
}

TEST(Options, JsonRpcBindIpAsJamulus310) {
    EXPECT_EQ(parse_options({})->jsonrpc_bind_ip, 0x7f000001u);
    EXPECT_EQ(parse_options({"--jsonrpcbindip", "10.1.2.3"})->jsonrpc_bind_ip, 0x0a010203u);
    EXPECT_FALSE(parse_options({"--jsonrpcbindip", "not-an-ip"}).ok());
}

TEST(Options, NorawAsJamulus40) {
    EXPECT_FALSE(parse_options({})->no_raw);
    EXPECT_TRUE(parse_options({"--noraw"})->no_raw);
    EXPECT_NE(usage_text().find("--noraw"), std::string::npos);
}

TEST(Options, RecordingDirectoryAndNoRecord) {
    auto o = parse_options({"-R", "/var/rec", "--norecord"});
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o->recording_dir, "/var/rec");
    EXPECT_TRUE(o->no_record);
    auto l = parse_options({"--recording", "rec"});
    ASSERT_TRUE(l.ok());
    EXPECT_EQ(l->recording_dir, "rec");
    EXPECT_FALSE(l->no_record);
    auto missing = parse_options({"-R"});
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error(), "-R: missing value");
    EXPECT_NE(usage_text().find("--recording"), std::string::npos);
}

TEST(Options, ThreadsAndSharedEncodes) {
    auto d = parse_options({});
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->threads, std::thread::hardware_concurrency() >= 2 ? 2 : 1);
    EXPECT_TRUE(d->shared_encodes);
    EXPECT_FALSE(d->always_parallel_ticks);
    auto o = parse_options({"--threads", "1", "--no-shared-encodes"});
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o->threads, 1);
    EXPECT_FALSE(o->shared_encodes);
    auto p = parse_options({"--threads", "2", "--parallel-ticks"});
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->threads, 2);
    EXPECT_TRUE(p->always_parallel_ticks);
    auto zero = parse_options({"--threads", "0"});
    ASSERT_FALSE(zero.ok());
    EXPECT_EQ(zero.error(), "--threads: \"0\" is not a number in 1…8");
    // Benchmark and test switches, not user options.
    EXPECT_EQ(usage_text().find("--no-shared-encodes"), std::string::npos);
    EXPECT_EQ(usage_text().find("--parallel-ticks"), std::string::npos);
}

TEST(Options, ModerationOptionsRepeatAndRejectBadRanges) {
    auto o = parse_options({"--bans-file", "/run/x/bans.json", "--ban", "192.0.2.0/24", "--ban",
                            "198.51.100.7", "--allow", "10.0.0.0/8"});
    ASSERT_TRUE(o.ok()) << o.error();
    EXPECT_EQ(o->bans_file, "/run/x/bans.json");
    ASSERT_EQ(o->static_bans.size(), 2u);
    EXPECT_EQ(o->static_bans[1].to_string(), "198.51.100.7/32");
    ASSERT_EQ(o->allow.size(), 1u);
    EXPECT_EQ(o->allow[0].to_string(), "10.0.0.0/8");
    EXPECT_FALSE(parse_options({"--ban", "10.0.0.1/33"}).ok());
    EXPECT_FALSE(parse_options({"--allow"}).ok());
    auto supervised = parse_options({"--control-socket", "/run/jf/server-22124.sock"});
    ASSERT_TRUE(supervised.ok());
    EXPECT_EQ(supervised->bans_file, "/run/jf/server-22124.bans.json");
    EXPECT_TRUE(parse_options({})->bans_file.empty()) << "a plain mixer keeps bans in memory";
}

// An existing Jamulus 3.9–3.12 unit file's ExecStart, with the binary name changed.
TEST(Options, AcceptsAHeadlessJamulusServerLineAsItIs) {
    auto o = parse_options({"-s",
                            "-n",
                            "-T",
                            "-d",
                            "-t",
                            "-z",
                            "-p",
                            "22130",
                            "-u",
                            "12",
                            "-m",
                            "/var/www/status.html",
                            "--jsonrpcbindip",
                            "127.0.0.2",
                            "--jsonrpcport=8765",
                            "--jsonrpcsecretfile=/etc/jamulus/secret",
                            "-o",
                            "Room;Town;de",
                            "-e",
                            "anygenre1.jamulus.io",
                            "-6",
                            "--serverpublicip=192.0.2.7",
                            "-l",
                            "/var/log/jamulus.log"});
    ASSERT_TRUE(o.ok()) << o.error();
    EXPECT_EQ(o->port, 22130);
    EXPECT_EQ(o->max_channels, 12);
    EXPECT_EQ(o->jsonrpc_port, 8765);
    EXPECT_EQ(o->jsonrpc_secret_file, "/etc/jamulus/secret");
    EXPECT_EQ(o->jsonrpc_bind_ip, 0x7f000002u);
    EXPECT_EQ(o->server_public_ip, 0xc0000207u);
    EXPECT_EQ(o->log_file, "/var/log/jamulus.log");
    EXPECT_EQ(o->bind_ip6, "::"); // -6: IPv6 clients too, as Jamulus 3.x
    ASSERT_EQ(o->warnings.size(), 1u);
    // -m says what to use instead.
    EXPECT_NE(o->warnings[0].find("-m /var/www/status.html is ignored"), std::string::npos);
    EXPECT_NE(o->warnings[0].find("JSON-RPC"), std::string::npos);
}

TEST(Options, AcceptsJamulus40Spellings) {
    auto o = parse_options({"-s", "-n", "--noipv6", "--noraw", "--serverbindip4", "10.0.0.5",
                            "--htmlstatus=/tmp/x.html", "--serverbindip6", "::1"});
    ASSERT_TRUE(o.ok()) << o.error();
    EXPECT_EQ(o->bind_ip, 0x0a000005u);
    EXPECT_TRUE(o->no_raw);
    EXPECT_EQ(o->bind_ip6, "");        // --noipv6 wins over --serverbindip6
    ASSERT_EQ(o->warnings.size(), 1u); // --htmlstatus
    auto v6 = parse_options({"--serverbindip6=::1"});
    ASSERT_TRUE(v6.ok()) << v6.error();
    EXPECT_EQ(v6->bind_ip6, "::1");
}

TEST(Options, DirectoryOnlyAndGuiOptionsAreIgnoredWithAWarning) {
    auto o = parse_options({"-i", "x.ini", "-f", "1.2.3.4", "--directoryfile", "/tmp/list"});
    ASSERT_TRUE(o.ok()) << o.error();
    EXPECT_EQ(o->warnings.size(), 3u);
}

TEST(Options, VersionLogLevelAndStillUnknownOptions) {
    EXPECT_TRUE(parse_options({"--version"})->version);
    EXPECT_TRUE(parse_options({"-v"})->version);
    EXPECT_EQ(parse_options({"--log-level", "debug"})->log_level, "debug");
    EXPECT_FALSE(parse_options({"--log-level", "loud"}).ok());
    EXPECT_FALSE(parse_options({"--mutestream"}).ok());
    EXPECT_FALSE(parse_options({"-m"}).ok()); // a value is still required
    EXPECT_FALSE(parse_options({"--jsonrpcbindip", "localhost"}).ok());
    // "=" splits only long options; a value may itself contain "=".
    auto w = parse_options({"--welcomemessage=a=b"});
    ASSERT_TRUE(w.ok());
    EXPECT_EQ(w->welcome_message, "a=b");
}

} // namespace
} // namespace jamfleet::mixer
