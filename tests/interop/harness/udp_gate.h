// A closed door between one Jamulus client and a server on loopback: datagrams the client sends
// to `port()` are dropped until `open()`, then forwarded both ways. A test uses it when what it
// checks arrives with the connection itself (a server's welcome message) and must not reach the
// client before the test has logged in to the client's JSON-RPC.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

namespace jamfleet::interop {

class UdpGate {
public:
    // Forwards to 127.0.0.1:`server_port` once opened.
    explicit UdpGate(std::uint16_t server_port);
    ~UdpGate();
    UdpGate(const UdpGate&) = delete;
    UdpGate& operator=(const UdpGate&) = delete;

    // Where the client is sent ("127.0.0.1:" + port()).
    std::uint16_t port() const { return port_; }
    void open() { open_ = true; }

private:
    void run();

    int client_side_ = -1; // the client talks to this socket
    int server_side_ = -1; // connected to the server
    std::uint16_t port_ = 0;
    std::atomic<bool> open_{false};
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

} // namespace jamfleet::interop
