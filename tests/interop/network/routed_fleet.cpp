// The routed fleet fixture and its probes (routed_fleet.h).
#include "tests/interop/network/routed_fleet.h"

#include <algorithm>
#include <fstream>

#include "proto/frame.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/wait.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;
using proto::MessageId;

// The default bind (0.0.0.0), the default ports, the router's address as public
// IP; rate limits off since tests poll.
const std::string kFleet = "fleet:\n  name: Routed fleet\n  run_dir: ./var/run\n"
                           "  public_ip: 203.0.113.1\n"
                           "directory:\n  name: Fleet directory\n  database: ./var/dir.db\n"
                           "  list_rate: 0\n  ping_rate: 0\n"
                           "servers:\n  - {name: Alpha}\n  - {name: Beta}\n";

} // namespace

std::filesystem::path write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    return path;
}

// The directory answers one list request per source address and second: ask up
// to three times, as a Jamulus client keeps asking until a list arrives.
std::optional<proto::ServerList> list_from(HostSocket& socket, std::uint32_t ip, std::uint16_t port,
                                           std::uint32_t* sender_ip, std::uint16_t* sender_port) {
    std::optional<HostSocket::Received> reply;
    for (int attempt = 0; attempt < 3 && !reply; ++attempt) {
        socket.send_to(ip, port, proto::make_clm_frame(MessageId::ClmReqServerList, {}));
        reply = socket.receive_frame(proto::to_wire(MessageId::ClmServerList), 1100ms);
    }
    if (!reply) {
        return std::nullopt;
    }
    if (sender_ip != nullptr) {
        *sender_ip = reply->from_ip;
        *sender_port = reply->from_port;
    }
    auto list = proto::decode_server_list(proto::parse_frame(reply->bytes)->payload);
    return list.ok() ? std::optional(*list) : std::nullopt;
}

// A ping answered from the address it was sent to (a reply from anywhere else, such as
// a late one from a room pinged before, does not count). Asked up to three times, as a
// Jamulus client keeps pinging: one lost datagram is not a room that does not answer.
bool answers_ping_from(HostSocket& socket, std::uint32_t ip, std::uint16_t port) {
    const std::vector<std::uint8_t> payload = {1, 0, 0, 0};
    for (int attempt = 0; attempt < 3; ++attempt) {
        socket.send_to(ip, port, proto::make_clm_frame(MessageId::ClmPingMs, payload));
        const auto deadline = std::chrono::steady_clock::now() + 500ms;
        while (std::chrono::steady_clock::now() < deadline) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            const auto reply =
                socket.receive_frame(proto::to_wire(MessageId::ClmPingMs), std::max(left, 1ms));
            if (reply && reply->from_ip == ip && reply->from_port == port) {
                return true;
            }
        }
    }
    return false;
}

const proto::ServerListEntry* entry_named(const proto::ServerList& list, const std::string& name) {
    for (const auto& e : list.entries) {
        if (e.name == name) {
            return &e;
        }
    }
    return nullptr;
}

// Every room of `list` (entry 0 excluded) answers a ping from `socket` at its
// listed address; the names it found are appended to `answered`.
void expect_every_room_answers(HostSocket& socket, const proto::ServerList& list) {
    for (std::size_t i = 1; i < list.entries.size(); ++i) {
        const auto& room = list.entries[i];
        EXPECT_TRUE(answers_ping_from(socket, room.ip, room.port))
            << room.name << " at " << dotted(room.ip) << ":" << room.port;
    }
}

// A Jamulus program started on one of the topology's hosts by hand: the harness's
// readiness checks read the test's own namespace.
std::unique_ptr<Process> start_on(NetnsHost& host, const std::filesystem::path& work_dir,
                                  const std::string& role, const std::string& program,
                                  std::vector<std::string> args, Env env) {
    std::filesystem::create_directories(work_dir);
    std::unique_ptr<Process> process;
    host.run_here([&] {
        process = std::make_unique<Process>(
            ProcessOptions{role, program, std::move(args), std::move(env), work_dir});
    });
    return process;
}

void RoutedFleet::SetUp() {
    fleet = std::make_unique<FleetRun>(dir.path(), write_file(dir / "fleet.yaml", kFleet));
    ASSERT_TRUE(wait_until([&] { return fleet->all_running(3); }, 15s))
        << fleet->process().log_text();
    net.lan.run_here([&] { lan_musician = std::make_unique<HostSocket>(kPeerLan); });
    net.internet_a.run_here(
        [&] { internet_musician = std::make_unique<HostSocket>(Net::kInternetA); });
    ASSERT_TRUE(wait_until(
        [&] {
            const auto list = list_from(*lan_musician, kFleetLan, kDirectoryPort);
            return list && entry_named(*list, "Alpha") && entry_named(*list, "Beta");
        },
        10s));
}

std::filesystem::path RoutedFleet::secret_file() {
    const auto path = dir / "rpc-secret";
    write_file(path, std::string(kRpcSecret) + "\n");
    return path;
}

} // namespace jamfleet::interop
