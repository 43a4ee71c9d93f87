// MixerServer: wiring of socket, tick, session, registration and signals.
#include "mixer-worker/mixer_server.h"

#include <algorithm>
#include <arpa/inet.h>
#include <csignal>
#include <ctime>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mixer-worker/mix_engine.h"
#include "proto/clm_messages.h"

namespace jamfleet::mixer {

using base::Err;

namespace {

// 48000 Hz / 128 = 375 ticks/s; Jamulus sleeps to absolute deadlines of the same period.
base::Duration tick_period(int frame_samples) {
    return std::chrono::nanoseconds(frame_samples == 64 ? 1333333 : 2666666);
}

std::string timestamp() {
    const std::time_t t = std::time(nullptr);
    std::tm local{};
    localtime_r(&t, &local);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &local);
    return buf;
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
    }
    if (!server->options_.log_file.empty()) {
        server->connection_log_.open(server->options_.log_file, std::ios::app);
        if (!server->connection_log_) {
            return Err{"open log file " + server->options_.log_file + ": cannot write"};
        }
    }
    if (!server->options_.control_socket.empty()) {
        if (auto started = server->start_control_endpoint(); !started.ok()) {
            return Err{started.error()};
        }
    }
    server->start_registration();
    return server;
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
        if (connection_log_.is_open()) {
            connection_log_ << timestamp() << ", " << address.ip_string() << ", "
                            << (connected ? "connected" : "disconnected") << std::endl;
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
    if (!ticking_ && session_->connected_count() > 0 && !shutting_down_) {
        start_ticking();
    }
}

void MixerServer::receive_all() {
    const auto now = clock_.now();
    while (true) {
        const std::size_t n = socket_.receive_batch(received_);
        for (std::size_t i = 0; i < n; ++i) {
            session_->on_datagram(received_[i].from, received_[i].data(), now,
                                  received_[i].truncated);
        }
        if (n < kBatch) {
            break;
        }
    }
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
}

void MixerServer::stop_ticking() {
    tick_->stop();
    ticking_ = false;
    watcher_->start();
}

void MixerServer::on_tick(std::uint64_t expirations) {
    receive_all();
    const auto now = clock_.now();
    // Catch up a few missed frames so clients keep receiving their packet rate.
    const auto frames = std::min<std::uint64_t>(expirations, 4);
    for (std::uint64_t f = 0; f < frames; ++f) {
        const auto out = engine_.tick();
        record_frames();
        std::size_t sent = 0;
        while (sent < out.size()) {
            const std::size_t k = socket_.send_batch(out.subspan(sent));
            if (k == 0) {
                break;
            }
            sent += k;
        }
        session_->on_tick(now);
    }
    flush();
    if (session_->connected_count() == 0) {
        recorder_->on_no_clients(); // the last client left: the recording session ends
        stop_ticking();
    }
}

void MixerServer::flush() {
    for (const auto& o : session_->take_outgoing()) {
        (void)socket_.send_to(o.to, o.bytes);
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
    // As Jamulus: the address routing picks towards 1.1.1.1 (no packet is sent).
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    std::string text = "127.0.0.1";
    if (fd >= 0) {
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(53);
        to.sin_addr.s_addr = htonl(0x01010101);
        sockaddr_in local{};
        socklen_t len = sizeof local;
        if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0 &&
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0) {
            text = io::SocketAddress{ntohl(local.sin_addr.s_addr), 0}.ip_string();
        }
        ::close(fd);
    }
    return text;
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

base::Status<std::string> MixerServer::start_control_endpoint() {
    control::Hello hello;
    hello.kind = "mixer";
    hello.name = info_.name;
    hello.pid = static_cast<std::int64_t>(::getpid());
    hello.port = port();
    hello.version = std::string(kServerVersion);
    auto endpoint = control::ControlEndpoint::listen(loop_, options_.control_socket, hello);
    if (!endpoint.ok()) {
        return Err{endpoint.error()};
    }
    control_ = std::move(endpoint).value();
    control_->set_status_provider([this] {
        nlohmann::json clients = nlohmann::json::array();
        for (const auto& c : session_->clients()) {
            clients.push_back(
                {{"id", c.id}, {"address", c.address.to_string()}, {"name", c.profile.name}});
        }
        return nlohmann::json{
            {"clients", std::move(clients)},
            {"port", port()},
            {"registration", registration_ ? std::string(to_string(registration_->status()))
                                           : std::string("not_registered")},
            {"tickOverruns", tick_->overruns()},
        };
    });
    control_->set_on_stop([this] { shutdown(); });
    return base::kOk;
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
