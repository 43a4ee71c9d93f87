// routed_ipv4_address: connect() a UDP socket to a public address, read getsockname().
#include "io/host_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace jamfleet::io {

std::uint32_t routed_ipv4_address() {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return 0;
    }
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(53);
    to.sin_addr.s_addr = htonl(0x01010101); // 1.1.1.1: any public address would do
    std::uint32_t ip = 0;
    sockaddr_in local{};
    socklen_t len = sizeof(local);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof(to)) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0) {
        ip = ntohl(local.sin_addr.s_addr);
    }
    ::close(fd);
    return ip;
}

} // namespace jamfleet::io
