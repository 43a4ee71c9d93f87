// Interop fixture for jamfleet-directory: starts our directory on free ports with its
// own database, talks to it with raw protocol datagrams and JSON-RPC.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "proto/clm_messages.h"
#include "tests/interop/harness/json_rpc_client.h"
#include "tests/interop/harness/net.h"
#include "tests/interop/harness/process.h"
#include "tests/interop/harness/temp_dir.h"

namespace jamfleet::interop {

// Path of the jamfleet-directory executable (JAMFLEET_DIRECTORY, set by meson).
std::string directory_program();

class Directory {
public:
    // Starts the directory with `--db DB -p PORT` and JSON-RPC; waits until both answer.
    Directory(const std::filesystem::path& dir, const std::filesystem::path& db,
              std::vector<std::string> extra_args, std::uint16_t port = 0,
              const std::string& name = "directory");
    ~Directory();

    std::uint16_t port() const { return port_; }
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
    JsonRpcClient& rpc() { return *rpc_; }
    Process& process() { return *process_; }
    nlohmann::json servers(); // jamfleetdir/getServers "servers"
    nlohmann::json stats();   // jamfleetdir/getStats

private:
    std::uint16_t port_;
    std::unique_ptr<Process> process_;
    std::unique_ptr<JsonRpcClient> rpc_;
};

proto::RegisterServer raw_registration(const std::string& name, std::uint16_t port);
std::vector<std::uint8_t> register_frame(const proto::RegisterServer& r);
std::vector<std::uint8_t> clm_frame(proto::MessageId id);

// Sends CLM_REQ_SERVER_LIST from `probe` and decodes the CLM_SERVER_LIST reply
// (the reduced list that comes first is checked to precede it).
// `body`: bytes after the (empty) request, as a newer client may send; Jamulus ignores them.
std::optional<proto::ServerList> request_list(UdpProbe& probe, std::uint16_t directory_port,
                                              const proto::Bytes& body = {});

// Waits for a CLM_REGISTER_SERVER_RESP on `probe`; nullopt on timeout.
std::optional<std::uint8_t> await_register_reply(UdpProbe& probe,
                                                 std::chrono::milliseconds timeout);

} // namespace jamfleet::interop
