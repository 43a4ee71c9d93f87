// libFuzzer target: the supervisor's control socket (RUN_DIR/jamfleet.sock) as
// `jamfleet` runs it — io::LineServer and orchestrator::ControlSocket over a real
// unix socket, with a Supervisor of an empty fleet behind it. Each input is what
// one client writes before it hangs up; every reply must be one line of JSON and
// the connection must end once the client has hung up.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "base/log.h"
#include "io/loop.h"
#include "orchestrator/control_socket.h"
#include "orchestrator/supervisor.h"

namespace {

using namespace jamfleet;
using namespace std::chrono_literals;

struct World {
    std::string dir;
    std::string path;
    io::Loop loop;
    base::SteadyClock clock;
    base::Logger log{"jamfleet", [](std::string_view) {}};
    std::unique_ptr<orchestrator::Supervisor> supervisor;
    std::unique_ptr<orchestrator::ControlSocket> socket;

    World() {
        char tmpl[] = "/tmp/jamfleet-fuzz-sup-XXXXXX";
        dir = ::mkdtemp(tmpl);
        path = dir + "/jamfleet.sock";
        orchestrator::SupervisorOptions options;
        options.fleet_file = dir + "/missing-fleet.yaml"; // "reload" reports an error
        supervisor = std::make_unique<orchestrator::Supervisor>(loop, options,
                                                                config::FleetConfig{}, clock, log);
        auto listening = orchestrator::ControlSocket::listen(loop, path, *supervisor, [] {});
        if (!listening.ok()) {
            std::abort();
        }
        socket = std::move(listening).value();
    }
    ~World() {
        socket.reset(); // removes the socket file
        supervisor.reset();
        ::rmdir(dir.c_str());
    }
};

World& world() {
    static World w;
    return w;
}

int connect_to(const std::string& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strncpy(sa.sun_path, path.c_str(), sizeof sa.sun_path - 1);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
        std::abort();
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    World& w = world();
    std::string input(reinterpret_cast<const char*>(data), size);
    // A first byte 0xff repeats the input past the 64 KiB line limit.
    if (!input.empty() && static_cast<unsigned char>(input[0]) == 0xff) {
        while (input.size() < (80u << 10)) {
            input += input;
        }
    }
    const int fd = connect_to(w.path);
    std::size_t sent = 0;
    bool shut = false;
    std::string received;
    bool closed = false;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!closed) {
        if (std::chrono::steady_clock::now() > deadline) {
            std::abort(); // the server kept a connection its client had hung up
        }
        if (sent < input.size()) {
            const ssize_t n = ::send(fd, input.data() + sent, input.size() - sent, MSG_NOSIGNAL);
            if (n > 0) {
                sent += static_cast<std::size_t>(n);
            } else if (n < 0 && errno != EAGAIN) {
                sent = input.size(); // the server closed (line too long)
            }
        } else if (!shut) {
            ::shutdown(fd, SHUT_WR);
            shut = true;
        }
        w.loop.run_once_nowait(); // busy, but bounded by the deadline
        char buf[4096];
        ssize_t n = 0;
        while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) {
            received.append(buf, static_cast<std::size_t>(n));
        }
        closed = n == 0 || (n < 0 && errno != EAGAIN);
    }
    ::close(fd);
    std::size_t start = 0;
    for (auto nl = received.find('\n'); nl != std::string::npos; nl = received.find('\n', start)) {
        if (nlohmann::json::parse(received.substr(start, nl - start), nullptr, false)
                .is_discarded()) {
            std::abort(); // a reply that is not JSON breaks `jamfleet status`
        }
        start = nl + 1;
    }
    if (start != received.size()) {
        std::abort(); // a reply without its newline
    }
    return 0;
}
