// Non-blocking Unix datagram socket: a private channel between processes of one
// host (file permissions decide who may send), e.g. a room handing datagrams to
// the fleet's directory. Watch fd() with io::FdWatcher.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "base/result.h"

namespace jamfleet::io {

class LocalDatagramSocket {
public:
    // Receiving end at `path` (a stale file from an earlier run is replaced);
    // the file is removed when the socket is destroyed.
    static base::Result<LocalDatagramSocket, std::string> bind(const std::string& path);
    // Sending end (unbound).
    static base::Result<LocalDatagramSocket, std::string> open();

    LocalDatagramSocket(LocalDatagramSocket&& other) noexcept;
    LocalDatagramSocket& operator=(LocalDatagramSocket&& other) noexcept;
    LocalDatagramSocket(const LocalDatagramSocket&) = delete;
    LocalDatagramSocket& operator=(const LocalDatagramSocket&) = delete;
    ~LocalDatagramSocket();

    // One datagram into `buffer`; its size, or 0 when none is ready (or it was
    // larger than `buffer`, which drops it).
    std::size_t receive(std::span<std::uint8_t> buffer);
    // False when nobody listens at `path` or its queue is full (the datagram is lost).
    bool send_to(const std::string& path, std::span<const std::uint8_t> data);

    int fd() const { return fd_; }

private:
    LocalDatagramSocket(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
    void close();

    int fd_ = -1;
    std::string path_; // bound path, removed on close
};

} // namespace jamfleet::io
