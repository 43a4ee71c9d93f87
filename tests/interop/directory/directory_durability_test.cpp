// Durability of jamfleet-directory under kill -9 during a registration storm, abuse
// limits under hostile input, and start-up failures (exit codes, files untouched).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "proto/frame.h"
#include "tests/interop/directory/directory_fixture.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/wait.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kStormServers = 149; // a full Jamulus list besides the directory
const std::vector<std::string> kStormArgs{"--max-servers-per-ip", "0"};

struct StormResult {
    std::vector<std::size_t> acknowledged; // probe indexes answered "registered", in send order
    std::chrono::milliseconds elapsed{};
};

// Registers one server per probe, one after the other, each waiting for its reply;
// `sent` counts the registrations sent so far (a killer thread watches it).
// A missing reply ends the storm: `reply_timeout` is short while a kill is expected
// and generous otherwise (a loaded shared machine can stall the directory briefly).
StormResult storm(std::vector<std::unique_ptr<UdpProbe>>& probes, std::uint16_t port,
                  std::atomic<std::size_t>* sent = nullptr,
                  std::chrono::milliseconds reply_timeout = 3s) {
    StormResult result;
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < probes.size(); ++i) {
        auto& probe = *probes[i];
        probe.send_to(port,
                      register_frame(raw_registration("S" + std::to_string(i), probe.port())));
        if (sent != nullptr) {
            sent->store(i + 1);
        }
        const auto reply = await_register_reply(probe, reply_timeout);
        if (!reply) {
            break; // the directory is gone
        }
        if (*reply == 0) {
            result.acknowledged.push_back(i);
        }
    }
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    return result;
}

std::vector<std::unique_ptr<UdpProbe>> make_probes(std::size_t n) {
    std::vector<std::unique_ptr<UdpProbe>> probes;
    for (std::size_t i = 0; i < n; ++i) {
        probes.push_back(std::make_unique<UdpProbe>());
    }
    return probes;
}

TEST(DirectoryDurability, FullStormIsDurableAndFast) {
    TempDir dir("directory-storm");
    Directory directory(dir.path(), dir / "db.sqlite", kStormArgs);
    auto probes = make_probes(kStormServers);
    const auto result = storm(probes, directory.port());
    ASSERT_EQ(result.acknowledged.size(), kStormServers);
    std::cout << "149 durable registrations took " << result.elapsed.count() << " ms\n";
    EXPECT_LT(result.elapsed, 1000ms);
    // The 150th entry (the directory's own is the first) is refused with "list full".
    UdpProbe extra;
    extra.send_to(directory.port(), register_frame(raw_registration("extra", extra.port())));
    EXPECT_EQ(await_register_reply(extra, 2s), 1);
    UdpProbe client;
    const auto list = request_list(client, directory.port());
    ASSERT_TRUE(list);
    EXPECT_EQ(list->entries.size(), 150u);
}

TEST(DirectoryDurability, KillNineDuringStormLosesNoAcknowledgedRegistration) {
    std::mt19937 rng(std::random_device{}());
    for (int round = 0; round < 10; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        TempDir dir("directory-kill");
        const auto db = dir / "db.sqlite";
        // Probes first: their ephemeral binds could otherwise take the port just picked.
        auto probes = make_probes(kStormServers);
        const std::uint16_t port = free_udp_port();
        auto directory = std::make_unique<Directory>(dir.path(), db, kStormArgs, port, "first");
        // The storm takes ~10 ms, so the kill is aimed by progress, not by time: after
        // a random number of sends plus a random few microseconds, it lands anywhere
        // between receive, commit and reply of some registration.
        const std::size_t kill_at = rng() % kStormServers;
        const auto jitter = std::chrono::microseconds(rng() % 400);
        std::atomic<std::size_t> sent{0};
        std::thread killer([&, pid = directory->process().pid()] {
            const auto deadline = std::chrono::steady_clock::now() + 10s;
            while (sent.load() < kill_at && std::chrono::steady_clock::now() < deadline) {
                std::this_thread::yield();
            }
            std::this_thread::sleep_for(jitter);
            ::kill(pid, SIGKILL);
        });
        const auto result = storm(probes, port, &sent, 500ms);
        killer.join();
        ASSERT_TRUE(directory->process().wait_exit(5s));
        directory.reset();

        Directory restarted(dir.path(), db, kStormArgs, port, "restarted");
        const auto servers = restarted.servers();
        std::vector<std::string> listed;
        for (const auto& s : servers) {
            listed.push_back(s["address"]);
        }
        // Every acknowledged registration is listed, and in the order it was made.
        std::size_t previous = 0;
        for (std::size_t k = 0; k < result.acknowledged.size(); ++k) {
            const auto address =
                "127.0.0.1:" + std::to_string(probes[result.acknowledged[k]]->port());
            const auto it = std::find(listed.begin(), listed.end(), address);
            ASSERT_NE(it, listed.end()) << address << " was acknowledged but is not listed";
            const auto index = static_cast<std::size_t>(it - listed.begin());
            EXPECT_TRUE(k == 0 || index > previous) << address << " is out of order";
            previous = index;
        }
        // Nothing is listed that was never sent.
        EXPECT_LE(listed.size(), result.acknowledged.size() + 1);
        // The storm completes after the restart: old entries refresh in place.
        const auto rest = storm(probes, port);
        EXPECT_EQ(rest.acknowledged.size(), kStormServers);
        const auto final_servers = restarted.servers();
        ASSERT_EQ(final_servers.size(), kStormServers);
        for (std::size_t k = 0; k < result.acknowledged.size(); ++k) {
            EXPECT_EQ(final_servers[k]["address"],
                      "127.0.0.1:" + std::to_string(probes[result.acknowledged[k]]->port()));
        }
        std::cout << "round " << round << ": killed after send " << kill_at << " + "
                  << jitter.count() << " us, " << result.acknowledged.size() << " acknowledged, "
                  << listed.size() << " restored\n";
    }
}

TEST(DirectoryAbuse, HostileInputLeavesTheListIntactAndLimitsHold) {
    TempDir dir("directory-abuse");
    Directory directory(dir.path(), dir / "db.sqlite", {});
    UdpProbe server;
    server.send_to(directory.port(), register_frame(raw_registration("Real", server.port())));
    ASSERT_EQ(await_register_reply(server, 2s), 0);

    // Spoofed unregistration: same IP, another port.
    UdpProbe spoofer;
    spoofer.send_to(directory.port(), clm_frame(proto::MessageId::ClmUnregisterServer));
    // Over-long name (21 characters), built by hand because our encoder truncates.
    std::vector<std::uint8_t> payload{0x7c, 0x56, 82, 0, 10, 0, 21, 0};
    for (char c : std::string("abcdefghijklmnopqrstu")) {
        payload.push_back(static_cast<std::uint8_t>(c));
    }
    payload.insert(payload.end(), {0, 0, 0, 0, 2, 5, 0, '3', '.', '9', '.', '1'});
    spoofer.send_to(directory.port(),
                    proto::make_clm_frame(proto::MessageId::ClmRegisterServerEx, payload));
    // Bad CRC.
    auto bad_crc = register_frame(raw_registration("BadCrc", spoofer.port()));
    bad_crc.back() ^= 0x5a;
    spoofer.send_to(directory.port(), bad_crc);
    EXPECT_FALSE(await_register_reply(spoofer, 500ms));

    // List-request flood: 40 source ports x 25 requests each.
    const auto flood_start = std::chrono::steady_clock::now();
    std::vector<std::unique_ptr<UdpProbe>> flooders = make_probes(40);
    for (int i = 0; i < 25; ++i) {
        for (auto& f : flooders) {
            f->send_to(directory.port(), clm_frame(proto::MessageId::ClmReqServerList));
        }
    }
    std::size_t full_lists = 0;
    for (auto& f : flooders) {
        while (auto d = f->receive(100ms)) {
            const auto frame = proto::parse_frame(d->bytes);
            if (frame && frame->id == proto::to_wire(proto::MessageId::ClmServerList)) {
                ++full_lists;
            }
        }
    }
    // Per source IP: burst 6, then 2/s for as long as the flood took to process.
    const auto flood_seconds = std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::steady_clock::now() - flood_start)
                                   .count();
    const auto allowed = static_cast<std::size_t>(6 + 2 * (flood_seconds + 1));
    EXPECT_LE(full_lists, allowed);
    EXPECT_GE(full_lists, 1u);

    const auto stats = directory.stats();
    EXPECT_EQ(stats["unregisterUnknown"], 1);
    EXPECT_EQ(stats["malformed"], 1);
    EXPECT_EQ(stats["notProtocol"], 1);
    EXPECT_GE(stats["rateLimitedLists"].get<int>() + stats["listIntervalSuppressed"].get<int>(),
              static_cast<int>(1000 - allowed));
    const auto servers = directory.servers();
    ASSERT_EQ(servers.size(), 1u);
    EXPECT_EQ(servers[0]["name"], "Real");

    // After the flood a client still gets the intact list.
    std::this_thread::sleep_for(3s); // bucket refill, real time in an interop test
    UdpProbe client;
    const auto list = request_list(client, directory.port());
    ASSERT_TRUE(list);
    ASSERT_EQ(list->entries.size(), 2u);
    EXPECT_EQ(list->entries[1].name, "Real");
}

std::string read_all(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(DirectoryStartup, BadOptionExits2AndCorruptDatabaseExits1Untouched) {
    TempDir dir("directory-startup");
    const auto bad = run_command(
        {"bad-option", directory_program(), {"--maxservers", "99999"}, {}, dir / "bad"});
    EXPECT_EQ(bad.exit_code, 2) << bad.output;
    EXPECT_NE(bad.output.find("--maxservers"), std::string::npos) << bad.output;

    const auto db = dir / "corrupt.sqlite";
    std::ofstream(db, std::ios::binary) << std::string(8192, '\x42');
    const auto before = read_all(db);
    const auto corrupt = run_command({"corrupt-db",
                                      directory_program(),
                                      {"-p", std::to_string(free_udp_port()), "--db", db.string()},
                                      {},
                                      dir / "corrupt"});
    EXPECT_EQ(corrupt.exit_code, 1) << corrupt.output;
    EXPECT_NE(corrupt.output.find(db.string()), std::string::npos) << corrupt.output;
    EXPECT_EQ(read_all(db), before);
}

TEST(DirectoryStartup, SigtermStopsCleanlyWithExitZero) {
    TempDir dir("directory-sigterm");
    Directory directory(dir.path(), dir / "db.sqlite", {});
    EXPECT_EQ(directory.process().terminate(), 0);
    EXPECT_EQ(directory.process().exit_code(), 0);
}

// One line from a unix stream socket (bounded wait).
std::string read_line(int fd) {
    std::string line;
    char c = 0;
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    while (::read(fd, &c, 1) == 1 && c != '\n') {
        line.push_back(c);
    }
    return line;
}

TEST(DirectoryStartup, ControlSocketGreetsReportsStatusAndStops) {
    TempDir dir("directory-control");
    const auto socket_path = dir / "directory.sock";
    Directory directory(dir.path(), dir / "db.sqlite", {"--control-socket", socket_path.string()});
    UdpProbe server;
    server.send_to(directory.port(), register_frame(raw_registration("Real", server.port())));
    ASSERT_EQ(await_register_reply(server, 2s), 0);

    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", socket_path.c_str());
    ASSERT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)), 0);
    const auto hello = nlohmann::json::parse(read_line(fd));
    EXPECT_EQ(hello["type"], "hello");
    EXPECT_EQ(hello["kind"], "directory");
    EXPECT_EQ(hello["port"], directory.port());
    EXPECT_EQ(hello["pid"], directory.process().pid());
    const std::string status = "{\"id\":1,\"op\":\"status\",\"args\":{}}\n";
    ASSERT_EQ(::write(fd, status.data(), status.size()), static_cast<ssize_t>(status.size()));
    const auto reply = nlohmann::json::parse(read_line(fd));
    EXPECT_EQ(reply["ok"], true);
    EXPECT_EQ(reply["result"]["entries"], 1);
    const std::string stop = "{\"id\":2,\"op\":\"stop\",\"args\":{}}\n";
    ASSERT_EQ(::write(fd, stop.data(), stop.size()), static_cast<ssize_t>(stop.size()));
    EXPECT_EQ(nlohmann::json::parse(read_line(fd))["result"], "stopping");
    ::close(fd);
    const auto status_code = directory.process().wait_exit(5s);
    ASSERT_TRUE(status_code);
    EXPECT_EQ(directory.process().exit_code(), 0);
}

TEST(DirectoryStartup, ImportsAJamulusDirectoryFileInItsListOrder) {
    TempDir dir("directory-import");
    const auto file = dir / "jamulus-directory.txt";
    // Written by Jamulus last to first, so its list was [Reg1, Reg2].
    std::ofstream(file) << "127.0.0.2:22600;10.1.2.3:22600;UmVnMg==;WGNpdHk=;225;10;0\n"
                           "127.0.0.3:40991;127.0.0.3:0;UmVnMQ==;;82;12;1\n";
    Directory directory(dir.path(), dir / "db.sqlite", {"--import-directoryfile", file.string()});
    const auto servers = directory.servers();
    ASSERT_EQ(servers.size(), 2u);
    EXPECT_EQ(servers[0]["name"], "Reg1");
    EXPECT_EQ(servers[1]["name"], "Reg2");
    EXPECT_EQ(servers[1]["city"], "Xcity");
}

} // namespace
} // namespace jamfleet::interop
