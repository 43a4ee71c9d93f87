// LanHost and HostSocket: a network namespace owned by one thread, and plain UDP.
#include "tests/interop/network/lan_host.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <stdexcept>

#include "proto/frame.h"
#include "tests/interop/harness/process.h"

namespace jamfleet::interop {

using namespace std::chrono_literals;

std::string dotted(std::uint32_t ip) {
    return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 0xff) + "." +
           std::to_string((ip >> 8) & 0xff) + "." + std::to_string(ip & 0xff);
}

void ip_command(const std::vector<std::string>& args) {
    const auto result = run_command(ProcessOptions{"ip", "ip", args, {}, "/tmp"}, 10s);
    if (result.exit_code != 0) {
        std::string line = "ip";
        for (const auto& a : args) {
            line += " " + a;
        }
        throw std::runtime_error(line + ": " + result.output);
    }
}

LanHost::LanHost(std::uint32_t fleet_ip, std::uint32_t peer_ip) {
    // Interface names are at most 15 characters; the PID keeps parallel runs apart.
    const std::string pid = std::to_string(::getpid());
    fleet_end_ = "jfa" + pid;
    const std::string peer_end = "jfb" + pid;
    thread_ = std::thread([this] { loop(); });
    // The thread's namespace exists once run_here() returns for the first time.
    pid_t tid = 0;
    run_here([&] {
        if (::unshare(CLONE_NEWNET) != 0) {
            throw std::runtime_error("unshare(CLONE_NEWNET) for the LAN host failed");
        }
        tid = static_cast<pid_t>(::gettid());
        ip_command({"link", "set", "lo", "up"});
    });
    ip_command({"link", "add", fleet_end_, "type", "veth", "peer", "name", peer_end});
    ip_command({"link", "set", peer_end, "netns", std::to_string(tid)});
    ip_command({"addr", "add", dotted(fleet_ip) + "/24", "dev", fleet_end_});
    ip_command({"link", "set", fleet_end_, "up"});
    run_here([&] {
        ip_command({"addr", "add", dotted(peer_ip) + "/24", "dev", peer_end});
        ip_command({"link", "set", peer_end, "up"});
    });
}

LanHost::~LanHost() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    // Deleting one end removes the pair; the namespace goes with its thread (the
    // tests stop every program they started in it first).
    run_command(ProcessOptions{"ip", "ip", {"link", "del", fleet_end_}, {}, "/tmp"}, 10s);
}

void LanHost::run_here(const std::function<void()>& work) {
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

void LanHost::loop() {
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

HostSocket::HostSocket(std::uint32_t ip) {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(ip);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
        throw std::runtime_error("bind udp " + dotted(ip) + ":0 failed");
    }
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
