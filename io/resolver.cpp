// Resolver: each lookup is a heap request owned by libuv until its callback,
// which checks whether the Resolver gave it up (cancelled or destroyed).
#include "io/resolver.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <uv.h>

#include <algorithm>
#include <cstring>

#include "io/detail/callback_guard.h"

namespace jamfleet::io {

struct Resolver::Request {
    uv_getaddrinfo_t req;
    Resolver* owner;
    std::string host;
    Callback on_done;
};

Resolver::~Resolver() {
    for (Request* r : pending_) {
        r->owner = nullptr;
        // If the lookup already runs, the callback still comes (and sees no owner).
        uv_cancel(reinterpret_cast<uv_req_t*>(&r->req));
    }
}

void Resolver::resolve(const std::string& host, Callback on_done) {
    auto* r = new Request{{}, this, host, std::move(on_done)};
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_DGRAM;
    pending_.push_back(r);
    const int rc = uv_getaddrinfo(
        loop_.raw(), &r->req,
        [](uv_getaddrinfo_t* req, int status, addrinfo* res) {
            auto* request = reinterpret_cast<Request*>(req);
            std::unique_ptr<Request> owned(request);
            Resolver* owner = request->owner;
            if (owner == nullptr) {
                uv_freeaddrinfo(res);
                return;
            }
            std::erase(owner->pending_, request);
            if (status != 0) {
                uv_freeaddrinfo(res);
                const std::string what = "resolve " + request->host + ": " + uv_strerror(status);
                detail::guarded_call("resolve", [&] { request->on_done(base::Err{what}); });
                return;
            }
            std::vector<std::uint32_t> ips;
            for (const addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
                if (ai->ai_family != AF_INET) {
                    continue;
                }
                const auto* sin = reinterpret_cast<const sockaddr_in*>(ai->ai_addr);
                const std::uint32_t ip = ntohl(sin->sin_addr.s_addr);
                if (std::find(ips.begin(), ips.end(), ip) == ips.end()) {
                    ips.push_back(ip);
                }
            }
            uv_freeaddrinfo(res);
            detail::guarded_call("resolve", [&] { request->on_done(std::move(ips)); });
        },
        host.c_str(), nullptr, &hints);
    if (rc != 0) {
        std::erase(pending_, r);
        const std::string what = "resolve " + host + ": " + uv_strerror(rc);
        auto fn = std::move(r->on_done);
        delete r;
        fn(base::Err{what});
    }
}

} // namespace jamfleet::io
