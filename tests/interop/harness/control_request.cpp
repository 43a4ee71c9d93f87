#include "tests/interop/harness/control_request.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <stdexcept>
#include <vector>

namespace jamfleet::interop {

nlohmann::json control_request(const std::string& path, const std::string& op,
                               const nlohmann::json& args) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        throw std::runtime_error("socket");
    }
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path.copy(addr.sun_path, sizeof addr.sun_path - 1);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        throw std::runtime_error("connect " + path);
    }
    const std::string request = nlohmann::json{{"id", 1}, {"op", op}, {"args", args}}.dump() + "\n";
    (void)::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    std::string buffer;
    std::vector<std::string> lines;
    char chunk[4096];
    while (lines.size() < 2) {
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) {
            break;
        }
        buffer.append(chunk, static_cast<std::size_t>(n));
        for (auto nl = buffer.find('\n'); nl != std::string::npos; nl = buffer.find('\n')) {
            lines.push_back(buffer.substr(0, nl));
            buffer.erase(0, nl + 1);
        }
    }
    ::close(fd);
    if (lines.size() < 2) {
        throw std::runtime_error("no reply to " + op + " on " + path);
    }
    return nlohmann::json::parse(lines[1]); // lines[0] is the hello
}

} // namespace jamfleet::interop
