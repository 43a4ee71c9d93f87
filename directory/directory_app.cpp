// Wiring of jamfleet-directory: start-up in a fixed order (options were checked
// before), then an event loop that only moves datagrams and fires timers.
#include "directory/directory_app.h"

#include <algorithm>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>

#include "control/traffic_json.h"
#include "directory/directory_file.h"
#include "io/host_address.h"
#include "io/process_usage.h"
#include "proto/directory_relay.h"
#include "proto/frame.h"

namespace jamfleet::directory {

namespace {

using namespace std::chrono_literals;

constexpr auto kExpiryPoll = 1min;       // SERVLIST_POLL_TIME_MINUTES
constexpr auto kKeepAliveInterval = 59s; // SERVLIST_UPDATE_PING_SERVERS_MS
constexpr auto kWhitelistResolveInterval = 5min;
// Datagrams per recvmmsg; the replies to one batch go out in one sendmmsg pass.
constexpr std::size_t kBatch = 64;
// Kernel buffers that absorb a burst of list requests and replies (20 000 lists/s
// of ~5-30 kB each); Linux caps them at net.core.[rw]mem_max.
constexpr int kSocketBufferBytes = 4 << 20;

Address from_io(io::SocketAddress a) {
    return {a.ip, a.port};
}
io::SocketAddress to_io(Address a) {
    return {a.ip, a.port};
}

} // namespace

DirectoryApp::DirectoryApp(io::Loop& loop, Options options, const base::Logger& log)
    : loop_(loop), options_(std::move(options)), log_(log), admission_(options_.list_filter),
      expiry_timer_(loop), keepalive_timer_(loop), resolve_timer_(loop), resolver_(loop) {
    admission_.set_trusted(options_.trusted);
}

DirectoryApp::~DirectoryApp() {
    shutdown();
}

base::Result<std::unique_ptr<DirectoryApp>, StartError>
DirectoryApp::start(io::Loop& loop, Options options, const base::Logger& log) {
    std::unique_ptr<DirectoryApp> app(new DirectoryApp(loop, std::move(options), log));
    if (auto error = app->init()) {
        return base::Err{*error};
    }
    return app;
}

std::optional<StartError> DirectoryApp::init() {
    auto store = Store::open(options_.db_path, system_wall_ms);
    if (!store) {
        return StartError{1, store.error()};
    }
    store_ = std::move(store.value());

    RegistryLimits limits;
    limits.max_servers = options_.max_servers;
    limits.max_per_ip = options_.max_servers_per_ip;
    limits.own_entry_bytes = full_list_entry_bytes(options_.self.name, options_.self.city);
    registry_ = std::make_unique<Registry>(limits, *store_);
    const auto now = clock_.now();
    RestoreReport report;
    registry_->restore(store_->load(now, kRefreshInterval, &report));
    log_.info("restored list", {{"db", options_.db_path},
                                {"entries", report.restored},
                                {"given_grace", report.given_grace},
                                {"already_expired", report.already_expired},
                                {"downtime_s", report.downtime_ms / 1000}});

    service_ = std::make_unique<DirectoryService>(*registry_, admission_, options_.self,
                                                  options_.limits, log_);
    // A ban that ended while the directory was down is forgotten; the others keep their end
    // (stored as wall-clock time, so the downtime counts).
    if (!store_->remove_expired_bans()) {
        log_.error("remove expired bans", {{"error", store_->last_error()}});
    }
    const std::int64_t wall_now = store_->wall_ms();
    for (const auto& ban : store_->bans()) {
        std::optional<base::TimePoint> until;
        if (ban.expires_ms) {
            until = now + std::chrono::milliseconds(
                              std::max<std::int64_t>(0, *ban.expires_ms - wall_now));
        }
        service_->ban(ban.range, until, ban.reason);
    }

    if (options_.import_directory_file) {
        const auto& file = *options_.import_directory_file;
        std::ifstream in(file, std::ios::binary);
        if (!in) {
            return StartError{1, "import directory file " + file + ": cannot open for reading"};
        }
        std::stringstream text;
        text << in.rdbuf();
        const auto contents = parse_directory_file(text.str());
        for (const auto& w : contents.warnings) {
            log_.warn("import skipped line", {{"file", file}, {"detail", w}});
        }
        std::size_t imported = 0;
        for (const auto& s : contents.servers) {
            if (registry_->import_server(s.host, s.info, now)) {
                ++imported;
            } else if (registry_->find(s.host) == nullptr) {
                log_.warn("import skipped server",
                          {{"file", file}, {"host", to_string(s.host)}, {"reason", "full"}});
            }
        }
        log_.info(
            "imported directory file",
            {{"file", file}, {"imported", imported}, {"entries", registry_->entries().size()}});
    }

    auto socket = io::UdpSocket::bind({options_.bind_ip, options_.port});
    if (!socket) {
        return StartError{1, socket.error()};
    }
    socket_.emplace(std::move(socket.value()));
    socket_->set_buffer_sizes(kSocketBufferBytes, kSocketBufferBytes);
    // Lists for clients on our LAN name the address they reached us at.
    if (!socket_->report_arrival_address()) {
        log_.warn("arrival address not reported",
                  {{"option", "IP_PKTINFO"}, {"effect", "LAN clients get registration sources"}});
    }

    const std::uint32_t public_ip =
        options_.public_ip != 0 ? options_.public_ip : io::routed_ipv4_address();
    service_->set_public_ip(public_ip);

    admin_ = std::make_unique<AdminApi>(*registry_, *service_, *store_, clock_, log_);
    if (options_.jsonrpc_port) {
        auto secret = control::load_jsonrpc_secret(*options_.jsonrpc_secret_file);
        if (!secret) {
            return StartError{1, secret.error()};
        }
        auto rpc = control::JsonRpcServer::start(
            loop_, io::SocketAddress{options_.jsonrpc_bind_ip, *options_.jsonrpc_port},
            std::move(secret.value()));
        if (!rpc) {
            return StartError{1, rpc.error()};
        }
        rpc_ = std::move(rpc.value());
        admin_->install([this](std::string name, control::RpcHandler handler) {
            rpc_->add_method(std::move(name), std::move(handler));
        });
    }

    if (options_.control_socket) {
        control::Hello hello{"directory", "directory", static_cast<std::int64_t>(::getpid()),
                             socket_->local_address().port, std::string(kDirectoryVersion)};
        auto endpoint = control::ControlEndpoint::listen(loop_, *options_.control_socket, hello);
        if (!endpoint) {
            return StartError{1, endpoint.error()};
        }
        control_ = std::move(endpoint.value());
        control_->set_status_provider([this] {
            return nlohmann::json{{"entries", registry_->entries().size()},
                                  {"maxServers", options_.max_servers},
                                  {"udp", socket_->local_address().to_string()},
                                  {"stats", admin_->get_stats()},
                                  {"traffic", control::traffic_json(socket_->traffic())},
                                  {"cpuSeconds", io::process_cpu_seconds()}};
        });
        for (auto& [name, handler] : admin_->moderation_handlers()) {
            control_->add_op(name,
                             [h = std::move(handler)](const nlohmann::json& args)
                                 -> base::Result<nlohmann::json, std::string> {
                                 auto result = h(args);
                                 if (!result.ok()) {
                                     return base::Err{result.error().message};
                                 }
                                 return std::move(result).value();
                             });
        }
        control_->set_on_stop([this] {
            log_.info("stopping", {{"by", "control"}});
            shutdown();
        });
    }

    buffers_.reset(new std::uint8_t[kBatch * proto::kMaxDatagramBytes]);
    received_.resize(kBatch);
    // A batch of list requests queues two lists each, plus hole punches.
    out_.reserve(kBatch * 4);
    send_list_.reserve(kBatch * 4);
    watcher_ = std::make_unique<io::FdWatcher>(loop_, socket_->fd(), [this] { on_readable(); });
    if (options_.relay_socket) {
        auto relay = io::LocalDatagramSocket::bind(*options_.relay_socket);
        if (!relay) {
            return StartError{1, relay.error()};
        }
        relay_.emplace(std::move(relay.value()));
        relay_watcher_ =
            std::make_unique<io::FdWatcher>(loop_, relay_->fd(), [this] { on_relayed(); });
    }

    expiry_timer_.start(kExpiryPoll, kExpiryPoll, [this] {
        service_->expire(clock_.now());
        if (!store_->remove_expired_bans()) {
            log_.error("remove expired bans", {{"error", store_->last_error()}});
        }
        if (!store_->heartbeat()) {
            log_.error("store heartbeat failed", {{"error", store_->last_error()}});
        }
    });
    keepalive_timer_.start(kKeepAliveInterval, kKeepAliveInterval, [this] {
        std::vector<Outgoing> out;
        service_->keep_alive(out);
        flush(out);
    });
    if (!options_.list_filter.host_names.empty()) {
        resolve_whitelist();
        resolve_timer_.start(kWhitelistResolveInterval, kWhitelistResolveInterval,
                             [this] { resolve_whitelist(); });
    }
    sigterm_ = std::make_unique<io::SignalWatcher>(loop_, SIGTERM, [this] {
        log_.info("stopping", {{"signal", "SIGTERM"}});
        shutdown();
    });
    sigint_ = std::make_unique<io::SignalWatcher>(loop_, SIGINT, [this] {
        log_.info("stopping", {{"signal", "SIGINT"}});
        shutdown();
    });
    // Entries restored past their lifetime go now, not a minute later.
    service_->expire(now);
    if (!store_->heartbeat()) {
        return StartError{1, store_->last_error()};
    }
    log_.info("listening", {{"udp", socket_->local_address().to_string()},
                            {"public_ip", ip_to_string(public_ip)},
                            {"max_servers", options_.max_servers},
                            {"entries", registry_->entries().size()},
                            {"jsonrpc", rpc_ ? rpc_->local_address().to_string() : "off"}});
    return std::nullopt;
}

void DirectoryApp::on_readable() {
    // Bounded work per wake-up keeps timers and JSON-RPC responsive under a flood.
    for (int round = 0; round < 8; ++round) {
        for (std::size_t i = 0; i < kBatch; ++i) {
            received_[i].buffer = std::span<std::uint8_t>(
                buffers_.get() + i * proto::kMaxDatagramBytes, proto::kMaxDatagramBytes);
            received_[i].size = 0;
            received_[i].truncated = false;
        }
        const std::size_t n = socket_->receive_batch(received_);
        const auto now = clock_.now();
        for (std::size_t i = 0; i < n; ++i) {
            const auto& d = received_[i];
            // A truncated datagram cannot be a valid frame; the service counts it.
            service_->on_datagram(from_io(d.from), d.arrived_on, d.data(), now, out_);
        }
        flush(out_);
        if (n < kBatch) {
            break;
        }
    }
}

// Requests a room received on its port for us (a client or server that was given
// only our host name sends to 22124): handled as if they had reached our socket at
// the address the sender used, answered from our UDP port.
void DirectoryApp::on_relayed() {
    std::uint8_t* buffer = buffers_.get();
    const std::span<std::uint8_t> storage(buffer,
                                          proto::kRelayHeaderBytes + proto::kMaxDatagramBytes);
    const auto now = clock_.now();
    for (std::size_t i = 0; i < kBatch; ++i) {
        const std::size_t n = relay_->receive(storage);
        if (n == 0) {
            break;
        }
        const auto relayed = proto::decode_relayed(storage.first(n));
        if (!relayed) {
            continue;
        }
        service_->on_datagram({relayed->from_ip, relayed->from_port}, relayed->arrived_on,
                              relayed->datagram, now, out_);
        flush(out_);
    }
}

void DirectoryApp::flush(std::vector<Outgoing>& out) {
    send_list_.clear();
    for (const auto& o : out) {
        send_list_.push_back({to_io(o.to), o.bytes(), o.from_ip});
    }
    std::span<const io::OutgoingDatagram> rest(send_list_);
    while (!rest.empty()) {
        const std::size_t sent = socket_->send_batch(rest);
        if (sent == 0) {
            break; // send buffer full: UDP may drop, the peers retry
        }
        rest = rest.subspan(sent);
    }
    send_list_.clear();
    out.clear();
}

void DirectoryApp::resolve_whitelist() {
    for (const auto& host : options_.list_filter.host_names) {
        resolver_.resolve(host, [this, host](auto result) {
            if (!result) {
                // Keep the previous addresses: a DNS hiccup must not unlist anyone.
                log_.warn("whitelist host not resolved",
                          {{"host", host}, {"error", result.error()}});
                return;
            }
            resolved_[host] = result.value();
            std::vector<std::uint32_t> all;
            for (const auto& [name, ips] : resolved_) {
                all.insert(all.end(), ips.begin(), ips.end());
            }
            admission_.set_resolved_hosts(std::move(all));
            log_.debug("whitelist host resolved",
                       {{"host", host}, {"addresses", result.value().size()}});
        });
    }
}

void DirectoryApp::save_directory_file() {
    if (!options_.directory_file) {
        return;
    }
    std::vector<Entry> entries = registry_->entries();
    std::sort(entries.begin(), entries.end(),
              [](const Entry& a, const Entry& b) { return a.position < b.position; });
    std::vector<ImportedServer> servers;
    for (const auto& entry : entries) {
        servers.push_back({entry.host, entry.info});
    }
    const std::string& file = *options_.directory_file;
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << format_directory_file(servers);
    out.close();
    if (!out) {
        log_.warn("cannot write directory file", {{"file", file}});
        return;
    }
    log_.info("saved directory file", {{"file", file}, {"servers", servers.size()}});
}

void DirectoryApp::shutdown() {
    // As Jamulus: the list goes to --directoryfile when the directory quits (once,
    // and not after a failed start, which would empty the file).
    if (watcher_) {
        save_directory_file();
    }
    // Stopping every handle lets Loop::run() return; the store closes with the app.
    watcher_.reset();
    relay_watcher_.reset();
    relay_.reset();
    expiry_timer_.stop();
    keepalive_timer_.stop();
    resolve_timer_.stop();
    sigterm_.reset();
    sigint_.reset();
    rpc_.reset();
    loop_.stop();
}

} // namespace jamfleet::directory
