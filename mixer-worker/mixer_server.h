// jamfleet-mixer's I/O shell: one UDP socket drained in batches, a timerfd tick
// driving the AudioEngine, the Session for everything else, directory
// registration, JSON-RPC and orderly shutdown on SIGTERM/SIGINT. One thread.
#pragma once

#include <array>
#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "base/result.h"
#include "control/control_endpoint.h"
#include "control/jsonrpc_server.h"
#include "io/fd_watcher.h"
#include "io/local_datagram_socket.h"
#include "io/loop.h"
#include "io/resolver.h"
#include "io/signal_watcher.h"
#include "io/tick_source.h"
#include "io/timer.h"
#include "io/udp_socket.h"
#include "mixer-worker/audio_engine.h"
#include "mixer-worker/connection_log.h"
#include "mixer-worker/options.h"
#include "mixer-worker/registration.h"
#include "mixer-worker/session.h"
#include "recorder/recorder.h"

namespace jamfleet::mixer {

class MixerServer {
public:
    // Binds, starts JSON-RPC and registration. Errors are start-up errors (one line each).
    static base::Result<std::unique_ptr<MixerServer>, std::string>
    create(io::Loop& loop, MixerOptions options, base::Logger log);
    ~MixerServer();
    MixerServer(const MixerServer&) = delete;
    MixerServer& operator=(const MixerServer&) = delete;

    // Tells clients and the directory we leave, then stops the loop.
    void shutdown();
    std::uint16_t port() const { return socket_.local_address().port; }
    const Session& session() const { return *session_; }

private:
    MixerServer(io::Loop& loop, MixerOptions options, base::Logger log, io::UdpSocket socket);

    void on_readable();
    void receive_all();
    void receive_from(io::UdpSocket& socket, base::TimePoint now);
    // The socket of `to`'s address family (nullptr: an IPv6 peer without IPv6 socket).
    io::UdpSocket* socket_for(const io::SocketAddress& to);
    // Sends a tick's datagrams, each run of one address family through its socket.
    void send_all(std::span<const io::OutgoingDatagram> out);
    void open_ipv6();
    // Hands a directory request to the directory (--directory-relay); true if it was one.
    bool relay_to_directory(const io::ReceivedDatagram& d);
    void start_ticking();
    void stop_ticking();
    void on_tick(std::uint64_t expirations);
    void on_housekeeping();
    // Hands this tick's decoded client frames to the jam recorder (no allocation).
    void record_frames();
    // Sends RECORDER_STATE to clients when the recorder's state changed.
    void sync_recorder_state();
    void flush();
    void register_rpc_methods();
    // Jamulus 3.12/4.0 additions (rpc_directory.cpp, rpc_chat.cpp).
    void register_directory_rpc_methods();
    void register_chat_rpc_methods();
    // jamulusserver/clientConnected / clientDisconnected (4.0), when JSON-RPC is on.
    void notify_connection(int id, io::SocketAddress address, bool connected);
    // Unregisters from the current directory and registers with `address` (empty: none).
    void set_directory(std::string type, std::string address);
    // rpc_moderation.cpp: kick, ban, unban, getBans, setAllowList as JSON-RPC methods
    // (jamfleet/…) and control ops, and the bans file (docs/moderation.md).
    std::vector<std::pair<std::string, control::RpcHandler>> moderation_handlers();
    void register_moderation_methods();
    void register_moderation_ops();
    // dashboard_ops.cpp: control ops clients, recording, chat (docs/web.md).
    void register_dashboard_ops();
    // One definition each for JSON-RPC and the control ops: "start", "stop" or "new"
    // (a new session); an error when the room has no recorder set up.
    base::Result<nlohmann::json, std::string> recording_action(std::string_view action);
    // Chat text to every client of the room, from the server; JSON-RPC listeners
    // get chatMessageReceived. Returns the number of clients reached.
    int broadcast_server_chat(const std::string& text);
    base::Status<std::string> load_moderation();
    void persist_bans();
    base::Status<std::string> start_control_endpoint();
    // What the room tells the supervisor about itself on connect (fleet and settings
    // are added by a live update).
    control::Hello control_hello() const;
    void add_live_settings_op(); // live_settings.cpp
    void add_drain_op();         // live_settings.cpp
    void start_registration();
    std::string own_address_text() const;

    io::Loop& loop_;
    MixerOptions options_;
    base::Logger log_;
    base::SteadyClock clock_;
    io::UdpSocket socket_;
    std::optional<io::UdpSocket> socket6_; // IPv6 clients, same port (--serverbindip6)
    AudioEngine engine_;
    std::unique_ptr<Session> session_;
    std::unique_ptr<recorder::Recorder> recorder_;
    std::uint64_t recorder_state_version_ = 0;
    std::array<std::int16_t, 256> record_pcm_{}; // one server frame, stereo
    std::optional<Registration> registration_;
    std::string directory_text_;
    // What jamulusserver/getServerProfile calls directoryType (3.12): "custom" after -e.
    std::string directory_type_ = "none";
    std::string directory_address_;          // the custom address (directoryAddress)
    std::uint64_t directory_generation_ = 0; // one per start_registration (stale resolves)
    ServerInfo info_;

    static constexpr std::size_t kBatch = 64;
    // Not zero-filled: untouched pages of the 1.28 MB batch never become resident.
    std::unique_ptr<std::uint8_t[]> receive_storage_;
    std::array<io::ReceivedDatagram, kBatch> received_{};

    std::optional<io::LocalDatagramSocket> relay_;
    std::unique_ptr<std::uint8_t[]> relay_buffer_; // one envelope
    std::uint64_t relayed_ = 0;

    std::unique_ptr<io::FdWatcher> watcher_;
    std::unique_ptr<io::FdWatcher> watcher6_;
    std::unique_ptr<io::TickSource> tick_;
    bool ticking_ = false;
    std::unique_ptr<io::Timer> housekeeping_;
    std::unique_ptr<io::SignalWatcher> sigterm_;
    std::unique_ptr<io::SignalWatcher> sigint_;
    std::unique_ptr<io::SignalWatcher> sigusr1_; // new recording session
    std::unique_ptr<io::SignalWatcher> sigusr2_; // toggle recording
    std::unique_ptr<io::Resolver> resolver_;
    std::unique_ptr<control::JsonRpcServer> rpc_;
    std::unique_ptr<control::ControlEndpoint> control_;
    ConnectionLog connection_log_;
    std::unique_ptr<io::SignalWatcher> sighup_; // reopens the connection log
    bool shutting_down_ = false;
    bool drained_ = false; // off the directory's list until restarted (op "drain")
};

} // namespace jamfleet::mixer
