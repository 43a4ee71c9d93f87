// Starting jamfleet-directory for interop tests and speaking raw protocol to it.
#include "tests/interop/directory/directory_fixture.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "proto/frame.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/wait.h"

namespace jamfleet::interop {

using namespace std::chrono_literals;

std::string directory_program() {
    const char* path = std::getenv("JAMFLEET_DIRECTORY");
    if (path == nullptr || *path == '\0') {
        throw std::runtime_error("JAMFLEET_DIRECTORY is not set (run through meson test)");
    }
    return path;
}

Directory::Directory(const std::filesystem::path& dir, const std::filesystem::path& db,
                     std::vector<std::string> extra_args, std::uint16_t port,
                     const std::string& name)
    : port_(port != 0 ? port : free_udp_port()) {
    const auto secret_file = dir / "directory-secret";
    std::ofstream(secret_file) << kRpcSecret << "\n";
    const std::uint16_t rpc_port = free_tcp_port();
    std::vector<std::string> args{"-p",
                                  std::to_string(port_),
                                  "--serverbindip",
                                  "127.0.0.1",
                                  "--db",
                                  db.string(),
                                  "--jsonrpcport",
                                  std::to_string(rpc_port),
                                  "--jsonrpcsecretfile",
                                  secret_file.string()};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    process_ = std::make_unique<Process>(
        ProcessOptions{name, directory_program(), std::move(args), {}, dir / name});
    // Connect only once it logged that everything listens: connecting earlier could make
    // a retrying client self-connect on the not-yet-bound JSON-RPC port.
    const auto ready = [&] {
        return process_->log_text().find("info directory: listening") != std::string::npos;
    };
    if (!wait_until([&] { return ready() || !process_->running(); }, 10s) || !ready() ||
        !udp_port_bound(port_)) {
        throw std::runtime_error(name + " did not start:\n" + process_->log_text());
    }
    try {
        rpc_ = std::make_unique<JsonRpcClient>(rpc_port, kRpcSecret);
    } catch (const std::exception& e) {
        throw std::runtime_error(std::string(e.what()) + "; " + name + " log:\n" +
                                 process_->log_text());
    }
}

Directory::~Directory() {
    rpc_.reset();
    if (process_->running()) {
        process_->terminate();
    }
}

nlohmann::json Directory::servers() {
    return rpc_->call("jamfleetdir/getServers")["servers"];
}
nlohmann::json Directory::stats() {
    return rpc_->call("jamfleetdir/getStats");
}

proto::RegisterServer raw_registration(const std::string& name, std::uint16_t port) {
    proto::RegisterServer r;
    r.port = port;
    r.country = 82;
    r.max_clients = 10;
    r.name = name;
    r.city = "Test";
    r.os = 2;
    r.version = "3.9.1";
    return r;
}

std::vector<std::uint8_t> register_frame(const proto::RegisterServer& r) {
    return proto::make_clm_frame(proto::register_server_id(r), proto::encode_payload(r));
}

std::vector<std::uint8_t> clm_frame(proto::MessageId id) {
    return proto::make_clm_frame(id, {});
}

namespace {

std::optional<proto::FrameView> frame_with_id(const Datagram& d, proto::MessageId id) {
    const auto f = proto::parse_frame(d.bytes);
    if (!f || f->id != proto::to_wire(id)) {
        return std::nullopt;
    }
    return *f;
}

} // namespace

std::optional<proto::ServerList> request_list(UdpProbe& probe, std::uint16_t directory_port,
                                              const proto::Bytes& body) {
    const auto request = proto::make_clm_frame(proto::MessageId::ClmReqServerList, body);
    probe.send_to(directory_port, request);
    bool saw_reduced = false;
    std::optional<proto::ServerList> list;
    probe.receive_until(
        [&](const Datagram& d) {
            if (frame_with_id(d, proto::MessageId::ClmRedServerList)) {
                saw_reduced = true;
                return false;
            }
            if (const auto f = frame_with_id(d, proto::MessageId::ClmServerList)) {
                EXPECT_TRUE(saw_reduced) << "full list arrived before the reduced list";
                auto decoded = proto::decode_server_list(f->payload);
                EXPECT_TRUE(decoded.ok());
                if (decoded.ok()) {
                    list = std::move(decoded.value());
                }
                return true;
            }
            return false;
        },
        3s);
    return list;
}

std::optional<std::uint8_t> await_register_reply(UdpProbe& probe,
                                                 std::chrono::milliseconds timeout) {
    std::optional<std::uint8_t> result;
    probe.receive_until(
        [&](const Datagram& d) {
            const auto f = frame_with_id(d, proto::MessageId::ClmRegisterServerResp);
            if (!f) {
                return false;
            }
            const auto resp = proto::decode_register_server_resp(f->payload);
            if (resp.ok()) {
                result = resp->result;
            }
            return resp.ok();
        },
        timeout);
    return result;
}

} // namespace jamfleet::interop
