// MixerServer: wiring of socket, tick, session, registration and signals.
#include "mixer-worker/mixer_server.h"

#include <algorithm>
#include <arpa/inet.h>
#include <csignal>
#include <ctime>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io/host_address.h"
#include "mixer-worker/mix_engine.h"
#include "proto/clm_messages.h"
#include "proto/directory_relay.h"

namespace jamfleet::mixer {

using base::Err;

namespace {

// 48000 Hz / 128 = 375 ticks/s; Jamulus sleeps to absolute deadlines of the same period.
base::Duration tick_period(int frame_samples) {
    return std::chrono::nanoseconds(frame_samples == 64 ? 1333333 : 2666666);
}

} // namespace

base::Result<std::unique_ptr<MixerServer>, std::string>
MixerServer::create(io::Loop& loop, MixerOptions options, base::Logger log) {
    auto socket =
        io::UdpSocket::bind(io::SocketAddress{options.bind_ip, options.port}, options.qos);
    if (!socket.ok()) {
        return Err{socket.error()};
    }
    std::unique_ptr<MixerServer> server(
        new MixerServer(loop, std::move(options), std::move(log), std::move(socket).value()));
    if (server->options_.jsonrpc_port) {
        auto secret = control::load_jsonrpc_secret(server->options_.jsonrpc_secret_file);
        if (!secret.ok()) {
            return Err{secret.error()};
        }
        auto rpc = control::JsonRpcServer::start(
            loop,
            io::SocketAddress{server->options_.jsonrpc_bind_ip, *server->options_.jsonrpc_port},
            *secret);
        if (!rpc.ok()) {
            return Err{rpc.error()};
        }
        server->rpc_ = std::move(rpc).value();
        server->register_rpc_methods();
        server->register_directory_rpc_methods();
        server->register_chat_rpc_methods();
        server->register_moderation_methods();
    }
    if (!server->options_.log_file.empty()) {
        if (auto opened = server->connection_log_.open(server->options_.log_file); !opened.ok()) {
            return Err{opened.error()};
        }
    }
    if (!server->options_.control_socket.empty()) {
        if (auto started = server->start_control_endpoint(); !started.ok()) {
            return Err{started.error()};
        }
    }
    if (!server->options_.directory_relay.empty()) {
        auto relay = io::LocalDatagramSocket::open();
        if (!relay.ok()) {
            return Err{relay.error()};
        }
        server->relay_.emplace(std::move(relay).value());
        server->relay_buffer_.reset(
            new std::uint8_t[proto::kRelayHeaderBytes + proto::kMaxDatagramBytes]);
        // The directory answers from the address the sender used to reach us.
        if (!server->socket_.report_arrival_address()) {
            server->log_.warn("arrival address not reported", {{"option", "IP_PKTINFO"}});
        }
    }
    server->open_ipv6();
    if (auto loaded = server->load_moderation(); !loaded.ok()) {
        return Err{loaded.error()};
    }
    server->start_registration();
    return server;
}

// As Jamulus 4.0: an IPv6-only socket beside the IPv4 one, on the same port. A
// host without IPv6 (or the port taken on IPv6 only) keeps serving IPv4.
void MixerServer::open_ipv6() {
    if (options_.bind_ip6.empty()) {
        return;
    }
    const auto ip6 = io::SocketAddress::parse_ip6(options_.bind_ip6);
    if (!ip6) {
        return; // options refused it already
    }
    auto socket = io::UdpSocket::bind(io::SocketAddress::ipv6(*ip6, port()), options_.qos);
    if (!socket.ok()) {
        log_.warn("ipv6 unavailable", {{"error", socket.error()}});
        return;
    }
    socket6_.emplace(std::move(socket).value());
    session_->set_ipv6_available(true); // CLM_SERVER_FEATURES reports it, as 4.0 does
    socket6_->set_buffer_sizes(1 << 20, 1 << 20);
    watcher6_ = std::make_unique<io::FdWatcher>(loop_, socket6_->fd(), [this] { on_readable(); });
    if (ticking_) {
        watcher6_->stop();
    }
    log_.info("listening", {{"address", socket6_->local_address().to_string()}});
}

io::UdpSocket* MixerServer::socket_for(const io::SocketAddress& to) {
    if (!to.v6) {
        return &socket_;
    }
    return socket6_ ? &*socket6_ : nullptr;
}

void MixerServer::send_all(std::span<const io::OutgoingDatagram> out) {
    std::size_t start = 0;
    while (start < out.size()) {
        const bool v6 = out[start].to.v6;
        std::size_t end = start + 1;
        while (end < out.size() && out[end].to.v6 == v6) {
            ++end;
        }
        if (io::UdpSocket* socket = socket_for(out[start].to)) {
            auto run = out.subspan(start, end - start);
            while (!run.empty()) {
                const std::size_t k = socket->send_batch(run);
                if (k == 0) {
                    break;
                }
                run = run.subspan(k);
            }
        }
        start = end;
    }
}

MixerServer::MixerServer(io::Loop& loop, MixerOptions options, base::Logger log,
                         io::UdpSocket socket)
    : loop_(loop), options_(std::move(options)), log_(std::move(log)), socket_(std::move(socket)),
      engine_(AudioEngineSettings{.server_frame_samples = options_.fast_update ? 64 : 128,
                                  .delay_pan = options_.delay_pan,
                                  .max_channels = options_.max_channels,
                                  .shared_encodes = options_.shared_encodes,
                                  .threads = options_.threads,
                                  .parallelism = options_.always_parallel_ticks
                                                     ? TickParallelism::Parallel
                                                     : TickParallelism::Automatic}) {
    SessionSettings s;
    s.max_channels = options_.max_channels;
    s.server_frame_samples = options_.fast_update ? 64 : 128;
    s.welcome_message = options_.welcome_message;
    s.licence_required = options_.licence;
    s.raw_audio = !options_.no_raw;
    s.multithreading = options_.threads > 1;
    s.delay_pan = options_.delay_pan;
    s.logging = !options_.log_file.empty();
    s.max_seats_per_ip = options_.max_seats_per_ip.value_or(kDefaultSeatsPerIp);
    session_ = std::make_unique<Session>(std::move(s), engine_, log_);
    recorder::RecorderOptions ro;
    ro.base_dir = options_.recording_dir;
    ro.enabled = !options_.no_record;
    ro.frame_samples = options_.fast_update ? 64 : 128;
    recorder_ =
        std::make_unique<recorder::Recorder>(std::move(ro), clock_, base::Logger("recorder"));
    recorder_state_version_ = recorder_->state_version();
    session_->set_recorder_state(static_cast<std::uint8_t>(recorder_->state()), clock_.now());
    info_ = options_.server_info.value_or(ServerInfo{});
    socket_.set_buffer_sizes(1 << 20, 1 << 20);

    receive_storage_.reset(new std::uint8_t[kBatch * proto::kMaxDatagramBytes]);
    for (std::size_t i = 0; i < kBatch; ++i) {
        received_[i].buffer = std::span<std::uint8_t>(
            receive_storage_.get() + i * proto::kMaxDatagramBytes, proto::kMaxDatagramBytes);
    }
    session_->on_other_clm = [this](io::SocketAddress, std::uint16_t id,
                                    std::span<const std::uint8_t> payload) {
        if (id == proto::to_wire(proto::MessageId::ClmRegisterServerResp) && registration_) {
            if (auto m = proto::decode_register_server_resp(payload); m.ok()) {
                registration_->on_response(m->result);
                log_.info("directory answered", {{"status", to_string(registration_->status())}});
            }
        }
    };
    session_->on_connection_event = [this](int id, io::SocketAddress address, bool connected) {
        if (!connected) {
            recorder_->client_left(static_cast<std::uint8_t>(id));
        }
        if (connected) {
            connection_log_.client_connected(address.ip_string(), session_->connected_count());
        } else {
            // Called before the channel is freed: it still counts the one leaving.
            connection_log_.client_left(session_->connected_count() - 1);
        }
        notify_connection(id, address, connected);
    };
    watcher_ = std::make_unique<io::FdWatcher>(loop_, socket_.fd(), [this] { on_readable(); });
    tick_ = std::make_unique<io::TickSource>(
        loop_, tick_period(options_.fast_update ? 64 : 128),
        [this](std::uint64_t expirations) { on_tick(expirations); });
    housekeeping_ = std::make_unique<io::Timer>(loop_);
    housekeeping_->start(std::chrono::milliseconds(100), std::chrono::milliseconds(100),
                         [this] { on_housekeeping(); });
    sigterm_ = std::make_unique<io::SignalWatcher>(loop_, SIGTERM, [this] { shutdown(); });
    sigint_ = std::make_unique<io::SignalWatcher>(loop_, SIGINT, [this] { shutdown(); });
    sighup_ = std::make_unique<io::SignalWatcher>(loop_, SIGHUP, [this] {
        if (connection_log_.is_open()) {
            if (auto reopened = connection_log_.reopen(); !reopened.ok()) {
                log_.error("connection log", {{"error", reopened.error()}});
            }
        }
    });
    // As Jamulus: SIGUSR1 starts a new recording session, SIGUSR2 toggles recording.
    sigusr1_ = std::make_unique<io::SignalWatcher>(loop_, SIGUSR1,
                                                   [this] { recorder_->restart_session(); });
    sigusr2_ = std::make_unique<io::SignalWatcher>(loop_, SIGUSR2, [this] {
        recorder_->toggle_enabled();
        sync_recorder_state();
    });
    resolver_ = std::make_unique<io::Resolver>(loop_);
    log_.info("listening", {{"address", socket_.local_address().to_string()},
                            {"frame_samples", options_.fast_update ? 64 : 128},
                            {"max_clients", options_.max_channels}});
}

MixerServer::~MixerServer() = default;

void MixerServer::on_readable() {
    receive_all();
    flush();
    if (!ticking_ && session_->active() && !shutting_down_) {
        start_ticking();
    }
}

void MixerServer::receive_all() {
    const auto now = clock_.now();
    receive_from(socket_, now);
    if (socket6_) {
        receive_from(*socket6_, now);
    }
}

void MixerServer::receive_from(io::UdpSocket& socket, base::TimePoint now) {
    while (true) {
        const std::size_t n = socket.receive_batch(received_);
        for (std::size_t i = 0; i < n; ++i) {
            if (relay_ && relay_to_directory(received_[i])) {
                continue;
            }
            session_->on_datagram(received_[i].from, received_[i].data(), now,
                                  received_[i].truncated);
        }
        if (n < kBatch) {
            break;
        }
    }
}

// A Jamulus client or server given only the fleet's host name sends its list
// request or registration to 22124, this room's port; the directory answers them
// from its own port (see proto/directory_relay.h).
bool MixerServer::relay_to_directory(const io::ReceivedDatagram& d) {
    // The directory is IPv4 on the wire (every Jamulus registers and lists over
    // IPv4): a request over IPv6 is left to the room, which ignores it.
    if (d.truncated || d.from.v6 || !proto::is_directory_request(d.data())) {
        return false;
    }
    const proto::RelayedDatagram relayed{d.from.ip, d.from.port, d.arrived_on, d.data()};
    const std::size_t n = proto::encode_relayed(
        relayed,
        std::span(relay_buffer_.get(), proto::kRelayHeaderBytes + proto::kMaxDatagramBytes));
    if (n != 0 && relay_->send_to(options_.directory_relay, std::span(relay_buffer_.get(), n))) {
        ++relayed_;
    }
    return true;
}

// While clients are connected the socket is read once per tick instead of on every
// arrival. Clients send at their own phases, so a room of N clients would wake the loop
// up to N + 1 times per tick, and a wake-up is the largest fixed cost of a tick here
// (perf at N = 1: a quarter of the mixer's CPU in the context switch). Audio loses
// nothing: jitter buffers are only read at the tick, after this drain, so they see the
// same puts in the same order. Protocol and ping replies wait at most one tick period
// (2.67 ms, 1.33 ms with -F); the 1 MiB receive buffer holds many ticks of a full room.
void MixerServer::start_ticking() {
    tick_->start();
    ticking_ = true;
    watcher_->stop();
    if (watcher6_) {
        watcher6_->stop();
    }
}

void MixerServer::stop_ticking() {
    tick_->stop();
    ticking_ = false;
    watcher_->start();
    if (watcher6_) {
        watcher6_->start();
    }
}

void MixerServer::on_tick(std::uint64_t expirations) {
    receive_all();
    const auto now = clock_.now();
    // Catch up a few missed frames so clients keep receiving their packet rate.
    const auto frames = std::min<std::uint64_t>(expirations, 4);
    for (std::uint64_t f = 0; f < frames; ++f) {
        const auto out = engine_.tick();
        record_frames();
        send_all(out);
        session_->on_tick(now);
    }
    flush();
    if (session_->connected_count() == 0) {
        // The last client left: the recording session ends (once; later calls do nothing),
        // even while new addresses are still proving themselves (docs/admission.md).
        recorder_->on_no_clients();
        if (!session_->active()) {
            stop_ticking();
        }
    }
}

void MixerServer::flush() {
    for (const auto& o : session_->take_outgoing()) {
        if (io::UdpSocket* socket = socket_for(o.to)) {
            (void)socket->send_to(o.to, o.bytes);
        }
    }
    if (registration_ && registration_->directory()) {
        for (const auto& d : registration_->take_outgoing()) {
            (void)socket_.send_to(*registration_->directory(), d);
        }
    }
}

void MixerServer::record_frames() {
    if (recorder_->state() != recorder::RecorderState::Recording) {
        return;
    }
    const auto frame_samples = static_cast<std::size_t>(engine_.server_frame_samples());
    for (int id = 0; id < options_.max_channels; ++id) {
        const auto frame = engine_.tick_frame(id);
        if (frame.empty() || frame.size() > record_pcm_.size()) {
            continue;
        }
        const auto pcm = std::span<std::int16_t>(record_pcm_).first(frame.size());
        float_to_int16(frame, pcm);
        const io::SocketAddress address = engine_.address(id);
        // A full queue drops the frame (counted by the recorder): never wait here.
        (void)recorder_->on_frame({static_cast<std::uint8_t>(id), address.ip, address.port,
                                   session_->channel_name(id),
                                   static_cast<std::uint8_t>(frame.size() / frame_samples), pcm});
    }
}

void MixerServer::sync_recorder_state() {
    const std::uint64_t version = recorder_->state_version();
    if (version == recorder_state_version_) {
        return;
    }
    recorder_state_version_ = version;
    const auto state = recorder_->state();
    log_.info("recorder state", {{"state", recorder::to_string(state)}});
    session_->set_recorder_state(static_cast<std::uint8_t>(state), clock_.now());
    flush();
}

void MixerServer::on_housekeeping() {
    sync_recorder_state();
    if (registration_) {
        registration_->poll(clock_.now());
    }
    flush();
}

std::string MixerServer::own_address_text() const {
    if (options_.server_public_ip) {
        return io::SocketAddress{*options_.server_public_ip, 0}.ip_string();
    }
    // As Jamulus: the address routing picks towards the internet (no packet is sent).
    const std::uint32_t routed = io::routed_ipv4_address();
    return routed != 0 ? io::SocketAddress{routed, 0}.ip_string() : std::string("127.0.0.1");
}

void MixerServer::start_registration() {
    if (options_.directory.empty()) {
        return;
    }
    directory_text_ = options_.directory;
    if (directory_type_ == "none") {
        directory_type_ = "custom"; // -e, as Jamulus
        directory_address_ = directory_text_;
    }
    RegistrationSettings rs;
    rs.info = info_;
    rs.port = socket_.local_address().port;
    rs.max_clients = static_cast<std::uint8_t>(options_.max_channels);
    rs.internal_address = own_address_text();
    rs.version = std::string(kServerVersion);
    rs.os = kServerOs;
    registration_.emplace(std::move(rs));
    // host[:port]; the port defaults to 22124.
    std::string host = directory_text_;
    std::uint16_t port = 22124;
    if (const auto colon = host.rfind(':'); colon != std::string::npos) {
        const auto p = io::SocketAddress::parse("0.0.0.0" + host.substr(colon), 22124);
        if (p) {
            port = p->port;
        }
        host = host.substr(0, colon);
    }
    const std::uint64_t generation = ++directory_generation_;
    resolver_->resolve(
        host, [this, port, generation](base::Result<std::vector<std::uint32_t>, std::string> r) {
            if (!registration_ || generation != directory_generation_) {
                return; // setDirectory chose another directory meanwhile
            }
            std::optional<io::SocketAddress> address;
            if (r.ok() && !r->empty()) {
                address = io::SocketAddress{r->front(), port};
            } else {
                log_.warn("directory address", {{"directory", directory_text_},
                                                {"error", r.ok() ? "no address" : r.error()}});
            }
            registration_->start(address, clock_.now());
            flush();
        });
}

void MixerServer::shutdown() {
    if (shutting_down_) {
        return;
    }
    shutting_down_ = true;
    log_.info("shutting down", {{"clients", session_->connected_count()}});
    session_->disconnect_all();
    recorder_->stop(); // finishes the recording session (files, .rpp, .lof)
    if (registration_) {
        registration_->unregister();
    }
    flush();
    if (ticking_) {
        stop_ticking(); // the watcher reads whatever arrives until the loop ends
    }
    // A moment for queued stream writes (the control "stopping" reply, JSON-RPC)
    // to go out before the loop ends.
    housekeeping_->start(std::chrono::milliseconds(50), base::Duration::zero(),
                         [this] { loop_.stop(); });
}

} // namespace jamfleet::mixer
