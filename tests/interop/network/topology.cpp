// NetnsHost, RoutedTopology and HostSocket: namespaces owned by threads, veth
// pairs, bridges and an nftables NAT router, and plain UDP.
#include "tests/interop/network/topology.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

#include "proto/frame.h"
#include "tests/interop/harness/process.h"

namespace jamfleet::interop {

using namespace std::chrono_literals;

std::string dotted(std::uint32_t ip) {
    return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 0xff) + "." +
           std::to_string((ip >> 8) & 0xff) + "." + std::to_string(ip & 0xff);
}

void run_tool(const std::string& program, const std::vector<std::string>& args) {
    const auto result = run_command(ProcessOptions{program, program, args, {}, "/tmp"}, 10s);
    if (result.exit_code != 0) {
        std::string line = program;
        for (const auto& a : args) {
            line += " " + a;
        }
        throw std::runtime_error(line + ": " + result.output);
    }
}

NetnsHost::NetnsHost() {
    thread_ = std::thread([this] { loop(); });
    run_here([this] {
        if (::unshare(CLONE_NEWNET) != 0) {
            throw std::runtime_error("unshare(CLONE_NEWNET) for a test host failed");
        }
        tid_ = static_cast<pid_t>(::gettid());
        run_tool("ip", {"link", "set", "lo", "up"});
    });
}

NetnsHost::~NetnsHost() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

void NetnsHost::run_here(const std::function<void()>& work) {
    std::unique_lock lock(mutex_);
    work_ = &work;
    done_ = false;
    error_ = nullptr;
    cv_.notify_all();
    cv_.wait(lock, [this] { return done_; });
    work_ = nullptr;
    if (error_) {
        std::rethrow_exception(error_);
    }
}

void NetnsHost::loop() {
    std::unique_lock lock(mutex_);
    while (true) {
        cv_.wait(lock, [this] { return stop_ || (work_ != nullptr && !done_); });
        if (stop_) {
            return;
        }
        const auto* work = work_;
        lock.unlock();
        std::exception_ptr error;
        try {
            (*work)();
        } catch (...) {
            error = std::current_exception();
        }
        lock.lock();
        error_ = error;
        done_ = true;
        cv_.notify_all();
    }
}

namespace {

// A veth pair created in the test's namespace: `near` stays (or moves to
// `near_host`), `far` moves to the router and joins `bridge` there.
void cable(const std::string& near, NetnsHost* near_host, const std::string& far, NetnsHost& router,
           const std::string& bridge) {
    run_tool("ip", {"link", "add", near, "type", "veth", "peer", "name", far});
    run_tool("ip", {"link", "set", far, "netns", std::to_string(router.tid())});
    if (near_host != nullptr) {
        run_tool("ip", {"link", "set", near, "netns", std::to_string(near_host->tid())});
    }
    router.run_here([&] {
        run_tool("ip", {"link", "set", far, "master", bridge});
        run_tool("ip", {"link", "set", far, "up"});
    });
}

void address(const std::string& dev, std::uint32_t ip, std::uint32_t gateway) {
    run_tool("ip", {"addr", "add", dotted(ip) + "/24", "dev", dev});
    run_tool("ip", {"link", "set", dev, "up"});
    if (gateway != 0) {
        run_tool("ip", {"route", "add", "default", "via", dotted(gateway)});
    }
}

} // namespace

RoutedTopology::RoutedTopology() {
    // Names are made in the test's namespace first: the PID keeps parallel runs apart.
    const std::string p = "jf" + std::to_string(::getpid());
    fleet_end_ = p + "f";
    router.run_here([&] {
        for (const char* bridge : {"lan", "wan"}) {
            run_tool("ip", {"link", "add", "name", bridge, "type", "bridge"});
            run_tool("ip", {"link", "set", bridge, "up"});
        }
        run_tool("ip", {"addr", "add", dotted(kRouterLan) + "/24", "dev", "lan"});
        run_tool("ip", {"addr", "add", dotted(kRouterWan) + "/24", "dev", "wan"});
        run_tool("sysctl", {"-q", "-w", "net.ipv4.ip_forward=1"});
    });
    cable(fleet_end_, nullptr, p + "F", router, "lan");
    address(fleet_end_, kFleetHost, kRouterLan);
    cable(p + "l", &lan, p + "L", router, "lan");
    lan.run_here([&] { address(p + "l", kLanHost, kRouterLan); });
    cable(p + "a", &internet_a, p + "A", router, "wan");
    internet_a.run_here([&] { address(p + "a", kInternetA, 0); });
    cable(p + "b", &internet_b, p + "B", router, "wan");
    internet_b.run_here([&] { address(p + "b", kInternetB, 0); });

    // The home router: what the LAN sends out on the WAN side is masqueraded (only
    // that: with br_netfilter loaded, traffic bridged between internet hosts passes
    // these hooks too); the
    // fleet's UDP ports arriving there are forwarded to the fleet host. LAN hosts
    // asking for the WAN address are not forwarded back in (no hairpin NAT).
    const std::string ports =
        std::to_string(kFirstForwardedPort) + "-" + std::to_string(kLastForwardedPort);
    const std::string rules = "table ip jamfleet_nat {\n"
                              "  chain prerouting {\n"
                              "    type nat hook prerouting priority dstnat;\n"
                              "    iifname \"wan\" udp dport " +
                              ports + " dnat to " + dotted(kFleetHost) +
                              "\n"
                              "  }\n"
                              "  chain postrouting {\n"
                              "    type nat hook postrouting priority srcnat;\n"
                              "    ip saddr " +
                              dotted(kRouterLan & 0xffffff00) +
                              "/24 oifname \"wan\" masquerade\n"
                              "  }\n"
                              "}\n";
    const std::string file = "/tmp/" + p + "-nat.nft";
    std::ofstream(file) << rules;
    router.run_here([&] { run_tool("nft", {"-f", file}); });
    ::unlink(file.c_str());
}

RoutedTopology::~RoutedTopology() {
    // The other pairs and the router's bridges go with the namespaces (the host
    // members' destructors end their threads after this).
    run_command(ProcessOptions{"ip", "ip", {"link", "del", fleet_end_}, {}, "/tmp"}, 10s);
}

HostSocket::HostSocket(std::uint32_t ip) {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(ip);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
        throw std::runtime_error("bind udp " + dotted(ip) + ":0 failed");
    }
    socklen_t len = sizeof sa;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&sa), &len);
    port_ = ntohs(sa.sin_port);
}

HostSocket::~HostSocket() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

void HostSocket::send_to(std::uint32_t ip, std::uint16_t port,
                         std::span<const std::uint8_t> bytes) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(ip);
    sa.sin_port = htons(port);
    ::sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<const sockaddr*>(&sa), sizeof sa);
}

std::optional<HostSocket::Received> HostSocket::receive_frame(std::uint16_t id,
                                                              std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<std::uint8_t> buffer(proto::kMaxDatagramBytes);
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return std::nullopt;
        }
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
            continue;
        }
        sockaddr_in from{};
        socklen_t len = sizeof from;
        const ssize_t n = ::recvfrom(fd_, buffer.data(), buffer.size(), 0,
                                     reinterpret_cast<sockaddr*>(&from), &len);
        if (n <= 0) {
            continue;
        }
        const auto bytes = std::span(buffer).first(static_cast<std::size_t>(n));
        const auto frame = proto::parse_frame(bytes);
        if (frame.ok() && frame->id == id) {
            return Received{ntohl(from.sin_addr.s_addr), ntohs(from.sin_port),
                            std::vector<std::uint8_t>(bytes.begin(), bytes.end())};
        }
    }
}

} // namespace jamfleet::interop
