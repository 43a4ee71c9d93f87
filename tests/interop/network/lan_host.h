// A second host on the fleet host's LAN for interop tests: a thread that unshared
// its own network namespace, joined to the test's namespace by a veth pair. Code
// run through run_here() executes in that thread, so sockets it creates and
// programs it starts (fork inherits the thread's namespace) live on that host.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace jamfleet::interop {

class LanHost {
public:
    // fleet_ip/peer_ip: the test namespace's end and this host's end of a /24.
    LanHost(std::uint32_t fleet_ip, std::uint32_t peer_ip);
    ~LanHost();
    LanHost(const LanHost&) = delete;
    LanHost& operator=(const LanHost&) = delete;

    // Runs `work` on the LAN host's thread and waits for it; exceptions propagate.
    void run_here(const std::function<void()>& work);

private:
    void loop();

    std::string fleet_end_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable cv_;
    const std::function<void()>* work_ = nullptr;
    std::exception_ptr error_;
    bool done_ = false;
    bool stop_ = false;
};

// "a.b.c.d" of a host-order address.
std::string dotted(std::uint32_t ip);
// Runs `ip ARGS...`; throws std::runtime_error with its output when it fails.
void ip_command(const std::vector<std::string>& args);

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
    void send_to(std::uint32_t ip, std::uint16_t port, std::span<const std::uint8_t> bytes);
    // The first datagram whose frame has message id `id`, within `timeout`.
    std::optional<Received> receive_frame(std::uint16_t id, std::chrono::milliseconds timeout);

private:
    int fd_ = -1;
};

} // namespace jamfleet::interop
