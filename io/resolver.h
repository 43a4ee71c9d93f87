// Asynchronous host name -> IPv4 addresses (uv_getaddrinfo on libuv's thread
// pool), e.g. for a directory given as "jamulus.example.org:22124".
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "io/loop.h"

namespace jamfleet::io {

class Resolver {
public:
    // Addresses in host byte order, in resolver order, duplicates removed. Errors
    // read "resolve example.invalid: unknown node or service".
    using Callback = std::function<void(base::Result<std::vector<std::uint32_t>, std::string>)>;

    explicit Resolver(Loop& loop) : loop_(loop) {}
    // Pending lookups are cancelled; their callbacks never run.
    ~Resolver();
    Resolver(const Resolver&) = delete;
    Resolver& operator=(const Resolver&) = delete;

    // A dotted-quad `host` completes without a lookup (still asynchronously).
    void resolve(const std::string& host, Callback on_done);
    std::size_t pending() const { return pending_.size(); }

private:
    struct Request;

    Loop& loop_;
    std::vector<Request*> pending_;
};

} // namespace jamfleet::io
