// jamfleet-directory as a running program: the UDP socket, timers, signals, name
// resolution and JSON-RPC around the sans-I/O service, registry and store.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "base/result.h"
#include "control/control_endpoint.h"
#include "control/jsonrpc_server.h"
#include "directory/admin_api.h"
#include "directory/directory_service.h"
#include "directory/options.h"
#include "directory/registry.h"
#include "directory/store.h"
#include "io/fd_watcher.h"
#include "io/local_datagram_socket.h"
#include "io/loop.h"
#include "io/resolver.h"
#include "io/signal_watcher.h"
#include "io/timer.h"
#include "io/udp_socket.h"

namespace jamfleet::directory {

// Start-up failures carry the exit code: 1 for runtime resources (database,
// socket, secret file), 2 would be options (handled before).
struct StartError {
    int exit_code = 1;
    std::string message;
};

class DirectoryApp {
public:
    static base::Result<std::unique_ptr<DirectoryApp>, StartError>
    start(io::Loop& loop, Options options, const base::Logger& log);
    ~DirectoryApp();
    DirectoryApp(const DirectoryApp&) = delete;
    DirectoryApp& operator=(const DirectoryApp&) = delete;

    io::SocketAddress udp_address() const { return socket_->local_address(); }

private:
    DirectoryApp(io::Loop& loop, Options options, const base::Logger& log);
    std::optional<StartError> init();
    void on_readable();
    void on_relayed();
    void flush(std::vector<Outgoing>& out);
    void resolve_whitelist();
    void shutdown();
    void save_directory_file();

    io::Loop& loop_;
    Options options_;
    const base::Logger& log_;
    base::SteadyClock clock_;
    Admission admission_;
    std::unique_ptr<Store> store_;
    std::unique_ptr<Registry> registry_;
    std::unique_ptr<DirectoryService> service_;
    std::unique_ptr<AdminApi> admin_;
    std::optional<io::UdpSocket> socket_;
    std::unique_ptr<io::FdWatcher> watcher_;
    std::optional<io::LocalDatagramSocket> relay_;
    std::unique_ptr<io::FdWatcher> relay_watcher_;
    std::unique_ptr<control::JsonRpcServer> rpc_;
    std::unique_ptr<control::ControlEndpoint> control_;
    io::Timer expiry_timer_;
    io::Timer keepalive_timer_;
    io::Timer resolve_timer_;
    io::Resolver resolver_;
    std::unordered_map<std::string, std::vector<std::uint32_t>> resolved_;
    std::unique_ptr<io::SignalWatcher> sigterm_;
    std::unique_ptr<io::SignalWatcher> sigint_;
    // Preallocated per receive batch: what arrived, what to send, and the send
    // list handed to sendmmsg; reused so the datagram path allocates nothing.
    // Not zero-filled: pages of the 1.28 MB batch no datagram reached stay out of RSS.
    std::unique_ptr<std::uint8_t[]> buffers_;
    std::vector<io::ReceivedDatagram> received_;
    std::vector<Outgoing> out_;
    std::vector<io::OutgoingDatagram> send_list_;
};

} // namespace jamfleet::directory
