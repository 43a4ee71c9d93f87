// jamfleet-dirload: directory benchmark. Registers 149 servers from distinct
// loopback addresses (time until all are acknowledged), checks the list, then
// offers list requests from many source addresses and counts the lists served.
// One socket sends from any 127/8 address by IP_PKTINFO; prints one JSON object.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/load_options.h"
#include "bench/process_sample.h"
#include "proto/clm_messages.h"
#include "proto/frame.h"
#include "proto/message_id.h"

namespace jamfleet::bench {
namespace {

using Clock = std::chrono::steady_clock;
using proto::MessageId;

struct DirOptions {
    std::uint32_t ip = 0x7F000001;
    std::uint16_t port = 22124;
    std::size_t servers = 149;
    double list_seconds = 5.0;
    std::size_t list_rate = 25000; // requests per second offered
    std::size_t sources = 0;       // distinct source IPs; 0 = 1.25 × list_rate
    std::optional<int> server_pid;
};

// 127.<net>.<i / 250>.<i % 250 + 1>: distinct loopback source addresses.
std::uint32_t source_ip(std::uint8_t net, std::size_t i) {
    return (127u << 24) | (static_cast<std::uint32_t>(net) << 16) |
           (static_cast<std::uint32_t>((i / 250) & 0xFF) << 8) |
           static_cast<std::uint32_t>(i % 250 + 1);
}

class DirSocket {
public:
    DirSocket() : fd_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {}
    ~DirSocket() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    DirSocket(const DirSocket&) = delete;
    DirSocket& operator=(const DirSocket&) = delete;

    // Bound to 0.0.0.0 so replies to any 127/8 address we sent from arrive here.
    std::optional<std::string> open() {
        if (fd_ < 0) {
            return std::string("socket: ") + std::strerror(errno);
        }
        const int on = 1;
        const int buffer = 32 << 20;
        ::setsockopt(fd_, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
        if (::setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof(buffer)) < 0) {
            ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof(buffer));
        }
        sockaddr_in any{};
        any.sin_family = AF_INET;
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&any), sizeof(any)) < 0) {
            return std::string("bind udp 0.0.0.0:0: ") + std::strerror(errno);
        }
        timeval tv{0, 2000};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        return std::nullopt;
    }

    bool send_from(std::uint32_t from_ip, std::uint32_t to_ip, std::uint16_t to_port,
                   std::span<const std::uint8_t> bytes) {
        return send_batch_from(std::span(&from_ip, 1), to_ip, to_port, bytes) == 1;
    }

    // One sendmmsg per batch: the same request from each of `from_ips`. Returns how
    // many the kernel took.
    std::size_t send_batch_from(std::span<const std::uint32_t> from_ips, std::uint32_t to_ip,
                                std::uint16_t to_port, std::span<const std::uint8_t> bytes) {
        const std::size_t n = std::min(from_ips.size(), kBatch);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_addr.s_addr = htonl(to_ip);
        to.sin_port = htons(to_port);
        iovec iov{const_cast<std::uint8_t*>(bytes.data()), bytes.size()};
        for (std::size_t i = 0; i < n; ++i) {
            msghdr& msg = send_msgs_[i].msg_hdr;
            msg = msghdr{};
            msg.msg_name = &to;
            msg.msg_namelen = sizeof(to);
            msg.msg_iov = &iov;
            msg.msg_iovlen = 1;
            msg.msg_control = send_control_[i].data();
            msg.msg_controllen = send_control_[i].size();
            cmsghdr* cm = CMSG_FIRSTHDR(&msg);
            cm->cmsg_level = IPPROTO_IP;
            cm->cmsg_type = IP_PKTINFO;
            cm->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
            in_pktinfo info{};
            info.ipi_spec_dst.s_addr = htonl(from_ips[i]);
            std::memcpy(CMSG_DATA(cm), &info, sizeof(info));
        }
        const int sent = ::sendmmsg(fd_, send_msgs_.data(), static_cast<unsigned>(n), 0);
        return sent < 0 ? 0 : static_cast<std::size_t>(sent);
    }

    // One recvmmsg without waiting; calls `on_datagram(bytes)` for each datagram.
    template <typename F>
    std::size_t receive_batch(F&& on_datagram) {
        for (std::size_t i = 0; i < kBatch; ++i) {
            recv_iovs_[i] = iovec{recv_buffers_[i].data(), recv_buffers_[i].size()};
            recv_msgs_[i] = mmsghdr{};
            recv_msgs_[i].msg_hdr.msg_iov = &recv_iovs_[i];
            recv_msgs_[i].msg_hdr.msg_iovlen = 1;
        }
        const int got = ::recvmmsg(fd_, recv_msgs_.data(), kBatch, MSG_DONTWAIT, nullptr);
        for (int i = 0; i < got; ++i) {
            const auto k = static_cast<std::size_t>(i);
            on_datagram(
                std::span<const std::uint8_t>(recv_buffers_[k].data(), recv_msgs_[k].msg_len));
        }
        return got < 0 ? 0 : static_cast<std::size_t>(got);
    }

    struct Received {
        std::uint32_t to_ip = 0; // which of our addresses it was sent to
        std::uint16_t id = 0;
        std::size_t payload_bytes = 0;
        std::vector<std::uint8_t> payload; // kept only when asked for
    };

    // One datagram (waits at most 2 ms unless `wait` is false); nullopt when none
    // or not a frame.
    std::optional<Received> receive(bool keep_payload, bool wait = true) {
        iovec iov{buffer_.data(), buffer_.size()};
        std::array<char, CMSG_SPACE(sizeof(in_pktinfo))> control{};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.data();
        msg.msg_controllen = control.size();
        const ssize_t n = ::recvmsg(fd_, &msg, wait ? 0 : MSG_DONTWAIT);
        if (n <= 0) {
            return std::nullopt;
        }
        Received r;
        for (cmsghdr* cm = CMSG_FIRSTHDR(&msg); cm != nullptr; cm = CMSG_NXTHDR(&msg, cm)) {
            if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
                in_pktinfo info{};
                std::memcpy(&info, CMSG_DATA(cm), sizeof(info));
                r.to_ip = ntohl(info.ipi_addr.s_addr);
            }
        }
        const auto frame = proto::parse_frame(
            std::span<const std::uint8_t>(buffer_.data(), static_cast<std::size_t>(n)));
        if (!frame) {
            return std::nullopt;
        }
        r.id = frame->id;
        r.payload_bytes = frame->payload.size();
        if (keep_payload) {
            r.payload.assign(frame->payload.begin(), frame->payload.end());
        }
        return r;
    }

    static constexpr std::size_t kBatch = 64;

private:
    int fd_;
    std::array<std::uint8_t, 65536> buffer_{};
    std::array<mmsghdr, kBatch> send_msgs_{};
    std::array<std::array<char, CMSG_SPACE(sizeof(in_pktinfo))>, kBatch> send_control_{};
    std::array<mmsghdr, kBatch> recv_msgs_{};
    std::array<iovec, kBatch> recv_iovs_{};
    std::vector<std::array<std::uint8_t, proto::kMaxDatagramBytes>> recv_buffers_ =
        std::vector<std::array<std::uint8_t, proto::kMaxDatagramBytes>>(kBatch);
};

// Frame header fields without the CRC: a bitwise check of every 5-20 kB list would
// cost the load generator more CPU than the directory spends serving it, so the
// CRC is checked on a sample (see run_list_load).
struct Header {
    std::uint16_t id = 0;
    std::size_t payload_bytes = 0;
};
std::optional<Header> frame_header(std::span<const std::uint8_t> d) {
    if (d.size() < proto::kFrameOverheadBytes || d[0] != 0 || d[1] != 0) {
        return std::nullopt;
    }
    const std::size_t payload = static_cast<std::size_t>(d[5] | (d[6] << 8));
    if (payload + proto::kFrameOverheadBytes != d.size()) {
        return std::nullopt;
    }
    return Header{static_cast<std::uint16_t>(d[2] | (d[3] << 8)), payload};
}

// UDP RcvbufErrors of this network namespace (/proc/net/snmp): datagrams the kernel
// dropped because a receiver's buffer was full, on either side.
std::optional<long long> udp_rcvbuf_errors() {
    std::ifstream snmp("/proc/net/snmp");
    std::string header;
    std::string values;
    while (std::getline(snmp, header) && std::getline(snmp, values)) {
        if (header.rfind("Udp:", 0) != 0) {
            continue;
        }
        std::istringstream names(header);
        std::istringstream numbers(values);
        std::string name;
        std::string number;
        while (names >> name && numbers >> number) {
            if (name == "RcvbufErrors") {
                return std::stoll(number);
            }
        }
    }
    return std::nullopt;
}

double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

nlohmann::json run_registrations(DirSocket& sock, const DirOptions& o) {
    std::vector<std::optional<double>> acked(o.servers);
    std::vector<std::uint8_t> results(o.servers, 255);
    std::vector<std::vector<std::uint8_t>> frames;
    for (std::size_t i = 0; i < o.servers; ++i) {
        proto::RegisterServer reg;
        reg.port = static_cast<std::uint16_t>(22200 + i);
        reg.country = 84; // Germany in Qt5 numbering
        reg.max_clients = 10;
        reg.name = "bench-" + std::to_string(i);
        reg.city = "loopback";
        reg.os = 2;
        reg.version = "3.9.1";
        frames.push_back(
            proto::make_clm_frame(MessageId::ClmRegisterServerEx, proto::encode_payload(reg)));
    }
    const auto start = Clock::now();
    std::size_t sends = 0;
    std::size_t done = 0;
    auto last_round = start - std::chrono::seconds(1);
    // Unacknowledged registrations are repeated every 500 ms (a server retries too).
    while (done < o.servers && ms_since(start) < 10000) {
        if (Clock::now() - last_round >= std::chrono::milliseconds(500)) {
            last_round = Clock::now();
            for (std::size_t i = 0; i < o.servers; ++i) {
                if (!acked[i]) {
                    sock.send_from(source_ip(1, i), o.ip, o.port, frames[i]);
                    ++sends;
                }
            }
        }
        const auto r = sock.receive(true);
        if (!r || r->id != proto::to_wire(MessageId::ClmRegisterServerResp)) {
            continue;
        }
        const std::size_t i = ((r->to_ip >> 8) & 0xFF) * 250 + (r->to_ip & 0xFF) - 1;
        if (((r->to_ip >> 16) & 0xFF) != 1 || i >= o.servers || acked[i]) {
            continue;
        }
        acked[i] = ms_since(start);
        results[i] = r->payload.empty() ? 255 : r->payload[0];
        ++done;
    }
    double last = 0;
    std::size_t registered = 0;
    for (std::size_t i = 0; i < o.servers; ++i) {
        if (acked[i]) {
            last = std::max(last, *acked[i]);
            registered += results[i] == 0 ? 1 : 0;
        }
    }
    return {{"servers", o.servers},
            {"acked", done},
            {"acked_registered", registered},
            {"datagrams_sent", sends},
            {"all_acked_ms", done == o.servers ? nlohmann::json(last) : nlohmann::json(nullptr)}};
}

nlohmann::json check_list(DirSocket& sock, const DirOptions& o) {
    const auto request = proto::make_clm_frame(MessageId::ClmReqServerList, {});
    for (int attempt = 0; attempt < 5; ++attempt) {
        sock.send_from(source_ip(2, static_cast<std::size_t>(attempt)), o.ip, o.port, request);
        const auto start = Clock::now();
        while (ms_since(start) < 500) {
            const auto r = sock.receive(true);
            if (r && r->id == proto::to_wire(MessageId::ClmServerList)) {
                const auto list = proto::decode_server_list(r->payload);
                return {{"entries", list ? nlohmann::json(list->entries.size()) : nullptr},
                        {"bytes", r->payload_bytes}};
            }
        }
    }
    return {{"entries", nullptr}};
}

nlohmann::json run_list_load(DirSocket& sock, const DirOptions& o) {
    const auto request = proto::make_clm_frame(MessageId::ClmReqServerList, {});
    // Each source asks about every 1.25 s: inside a one-list-per-second-per-source limit.
    const std::size_t sources = o.sources ? o.sources : o.list_rate * 5 / 4;
    std::optional<ProcessSample> before;
    std::optional<ProcessSample> after;
    if (o.server_pid) {
        before = sample_process(*o.server_pid);
    }
    const auto drops_before = udp_rcvbuf_errors();
    const auto start = Clock::now();
    const auto send_end = start + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(o.list_seconds));
    const auto drain_end = send_end + std::chrono::milliseconds(500);
    std::size_t sent = 0;
    std::size_t send_errors = 0;
    std::size_t lists = 0;
    std::size_t reduced = 0;
    std::size_t list_bytes = 0;
    std::size_t crc_checked = 0;
    std::size_t crc_errors = 0;
    std::size_t next_source = 0;
    std::array<std::uint32_t, DirSocket::kBatch> from{};
    const auto on_datagram = [&](std::span<const std::uint8_t> d) {
        const auto h = frame_header(d);
        if (!h) {
            return;
        }
        if (h->id == proto::to_wire(MessageId::ClmServerList)) {
            ++lists;
            list_bytes += h->payload_bytes;
            if (lists % 64 == 1) {
                ++crc_checked;
                crc_errors += proto::parse_frame(d).ok() ? 0 : 1;
            }
        } else if (h->id == proto::to_wire(MessageId::ClmRedServerList)) {
            ++reduced;
        }
    };
    while (Clock::now() < drain_end) {
        const auto now = Clock::now();
        std::size_t sent_now = 0;
        if (now < send_end) {
            // Open loop: keep the offered count on schedule whatever the replies do.
            const double elapsed = std::chrono::duration<double>(now - start).count();
            const auto due = static_cast<std::size_t>(elapsed * static_cast<double>(o.list_rate));
            for (int round = 0; sent < due && round < 4; ++round) {
                const std::size_t n = std::min(due - sent, from.size());
                for (std::size_t k = 0; k < n; ++k) {
                    from[k] = source_ip(3, next_source);
                    next_source = (next_source + 1) % sources;
                }
                const std::size_t took =
                    sock.send_batch_from(std::span(from).first(n), o.ip, o.port, request);
                send_errors += n - took;
                sent += n;
                sent_now += n;
            }
        } else if (o.server_pid && !after) {
            after = sample_process(*o.server_pid);
        }
        std::size_t got = 0;
        for (int round = 0; round < 8; ++round) {
            const std::size_t n = sock.receive_batch(on_datagram);
            got += n;
            if (n < DirSocket::kBatch) {
                break;
            }
        }
        if (got == 0 && sent_now == 0) {
            // Nothing to do: yield the core to the directory instead of spinning.
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
    }
    nlohmann::json out = {{"seconds", o.list_seconds},
                          {"sources", sources},
                          {"requests_sent", sent},
                          {"send_errors", send_errors},
                          {"requests_per_s", static_cast<double>(sent) / o.list_seconds},
                          {"lists_received", lists},
                          {"reduced_lists_received", reduced},
                          {"lists_per_s", static_cast<double>(lists) / o.list_seconds},
                          {"mean_list_bytes", lists ? list_bytes / lists : 0},
                          {"lists_crc_checked", crc_checked},
                          {"lists_crc_errors", crc_errors}};
    const auto drops_after = udp_rcvbuf_errors();
    if (drops_before && drops_after) {
        out["udp_rcvbuf_errors"] = *drops_after - *drops_before;
    }
    if (before && after) {
        out["server_cpu_percent"] = 100.0 * (after->cpu_s - before->cpu_s) / o.list_seconds;
        out["server_rss_kb"] = after->rss_kb;
    }
    return out;
}

} // namespace
} // namespace jamfleet::bench

int main(int argc, char** argv) {
    using namespace jamfleet::bench;
    DirOptions o;
    // Every option takes one value.
    for (int i = 1; i < argc; i += 2) {
        const std::string_view a = argv[i];
        const std::string_view v = i + 1 < argc ? argv[i + 1] : "";
        bool ok = true;
        if (a == "--directory") {
            const auto colon = v.rfind(':');
            const auto ip =
                colon == std::string_view::npos ? std::nullopt : parse_ipv4(v.substr(0, colon));
            ok = ip && parse_number(v.substr(colon + 1), o.port);
            if (ip) {
                o.ip = *ip;
            }
        } else if (a == "--servers") {
            ok = parse_number(v, o.servers) && o.servers <= 10000;
        } else if (a == "--list-seconds") {
            o.list_seconds = std::atof(std::string(v).c_str());
            ok = o.list_seconds > 0;
        } else if (a == "--list-rate") {
            ok = parse_number(v, o.list_rate) && o.list_rate > 0 && o.list_rate <= 50000;
        } else if (a == "--sources") {
            ok = parse_number(v, o.sources) && o.sources <= 60000;
        } else if (a == "--server-pid") {
            int pid = 0;
            ok = parse_number(v, pid) && pid > 0;
            o.server_pid = pid;
        } else {
            std::fprintf(stderr, "usage: jamfleet-dirload --directory IP:PORT [--servers 149] "
                                 "[--list-seconds 5] [--list-rate 25000] [--sources N] "
                                 "[--server-pid PID]\n");
            return a == "--help" || a == "-h" ? 0 : 2;
        }
        if (!ok) {
            std::fprintf(stderr, "jamfleet-dirload: %s: invalid value\n", argv[i]);
            return 2;
        }
    }
    DirSocket sock;
    if (const auto error = sock.open()) {
        std::fprintf(stderr, "jamfleet-dirload: %s\n", error->c_str());
        return 1;
    }
    nlohmann::json report;
    report["register"] = run_registrations(sock, o);
    // Let stray replies of the registration phase drain before counting lists.
    for (int k = 0; k < 100 && sock.receive(false); ++k) {
    }
    report["list_check"] = check_list(sock, o);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    while (sock.receive(false)) {
    }
    report["list"] = run_list_load(sock, o);
    std::cout << report.dump(2) << std::endl;
    return 0;
}
