// A routed network for interop tests, built from network namespaces: the test's
// own namespace is the fleet host on a LAN behind a NAT router, with a second LAN
// host and two hosts on an "internet" segment.
//
//   fleet host (the test) 192.168.77.1 ─┐                 ┌─ 203.0.113.2 internet host A
//   LAN host              192.168.77.2 ─┴─ router ─ WAN ─┴─ 203.0.113.3 internet host B
//                              LAN bridge .254 │ 203.0.113.1 (nftables: masquerade
//                                                out, UDP 22123-22199 forwarded in to
//                                                192.168.77.1, no hairpin)
//
// Every other host is a thread that unshared its own network namespace. Code passed
// to run_here() runs on that thread, so sockets it opens and programs it starts
// (fork copies the calling thread's namespace) live on that host. Namespaces end
// with their threads; the destructor removes the test namespace's veth.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace jamfleet::interop {

// "a.b.c.d" of a host-order address.
std::string dotted(std::uint32_t ip);
// Runs `program ARGS...` from the calling thread; throws std::runtime_error with
// its output when it fails.
void run_tool(const std::string& program, const std::vector<std::string>& args);

// A host with its own network namespace, owned by one thread.
class NetnsHost {
public:
    NetnsHost();
    ~NetnsHost();
    NetnsHost(const NetnsHost&) = delete;
    NetnsHost& operator=(const NetnsHost&) = delete;

    // Runs `work` on the host's thread and waits for it; exceptions propagate.
    // Programs started here get PR_SET_PDEATHSIG from this thread: stop them before
    // the host is destroyed.
    void run_here(const std::function<void()>& work);
    pid_t tid() const { return tid_; }

private:
    void loop();

    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable cv_;
    const std::function<void()>* work_ = nullptr;
    std::exception_ptr error_;
    bool done_ = false;
    bool stop_ = false;
    pid_t tid_ = 0;
};

class RoutedTopology {
public:
    static constexpr std::uint32_t kFleetHost = 0xc0a84d01; // 192.168.77.1
    static constexpr std::uint32_t kLanHost = 0xc0a84d02;   // 192.168.77.2
    static constexpr std::uint32_t kRouterLan = 0xc0a84dfe; // 192.168.77.254
    static constexpr std::uint32_t kRouterWan = 0xcb007101; // 203.0.113.1, the NAT address
    static constexpr std::uint32_t kInternetA = 0xcb007102; // 203.0.113.2
    static constexpr std::uint32_t kInternetB = 0xcb007103; // 203.0.113.3
    static constexpr std::uint16_t kFirstForwardedPort = 22123;
    static constexpr std::uint16_t kLastForwardedPort = 22199;

    RoutedTopology();
    ~RoutedTopology();

    // Declared before anything started on them, so they outlive it.
    NetnsHost router;
    NetnsHost lan;
    NetnsHost internet_a;
    NetnsHost internet_b;

private:
    std::string fleet_end_; // veth end in the test's namespace
};

// A blocking UDP socket bound to `ip` (port 0) in the namespace of the calling thread.
class HostSocket {
public:
    explicit HostSocket(std::uint32_t ip);
    ~HostSocket();
    HostSocket(const HostSocket&) = delete;
    HostSocket& operator=(const HostSocket&) = delete;

    struct Received {
        std::uint32_t from_ip = 0;
        std::uint16_t from_port = 0;
        std::vector<std::uint8_t> bytes;
    };
    std::uint16_t port() const { return port_; }
    void send_to(std::uint32_t ip, std::uint16_t port, std::span<const std::uint8_t> bytes);
    // The first datagram whose frame has message id `id`, within `timeout`.
    std::optional<Received> receive_frame(std::uint16_t id, std::chrono::milliseconds timeout);

private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

} // namespace jamfleet::interop
