// `jamfleet probe`: the exchange (pure) and one blocking run over a UDP socket.
#include "orchestrator/udp_probe.h"

#include <poll.h>

#include <algorithm>
#include <array>
#include <ostream>
#include <sstream>

#include "io/udp_socket.h"
#include "orchestrator/offline_commands.h"
#include "proto/clm_messages.h"
#include "proto/frame.h"

namespace jamfleet::orchestrator {
namespace {

using proto::MessageId;

constexpr auto kResendInterval = std::chrono::milliseconds(500);
constexpr auto kClientCountGrace = std::chrono::milliseconds(200);

std::uint32_t steady_ms() {
    return static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::steady_clock::now().time_since_epoch())
                                          .count());
}

template <typename Entries>
bool lists(const Entries& entries, const io::SocketAddress& address) {
    for (const auto& entry : entries) {
        if (entry.ip == address.ip && entry.port == address.port) {
            return true;
        }
    }
    return false;
}

} // namespace

bool ProbeOutcome::complete(const ProbeRequest& request) const {
    // A room answers both pings; the WITHNUMCLIENTS one carries its client count.
    // A directory answers only CLM_PING_MS (docs/adr/0004-directory-entry-zero.md),
    // so one answer suffices when the count is not needed.
    return answered && (!request.need_clients || clients.has_value()) &&
           (!request.directory || listed);
}

std::vector<ProbeDatagram> probe_datagrams(const ProbeRequest& request, std::uint32_t time_ms) {
    std::vector<ProbeDatagram> out;
    out.push_back(
        {request.target, proto::make_clm_frame(MessageId::ClmPingMs,
                                               proto::encode_payload(proto::ClmPingMs{time_ms}))});
    out.push_back(
        {request.target,
         proto::make_clm_frame(MessageId::ClmPingMsWithNumClients,
                               proto::encode_payload(proto::ClmPingMsWithNumClients{time_ms, 0}))});
    if (request.directory) {
        out.push_back({*request.directory, proto::make_clm_frame(MessageId::ClmReqServerList, {})});
    }
    return out;
}

void take_probe_reply(const ProbeRequest& request, io::SocketAddress from,
                      std::span<const std::uint8_t> datagram, std::uint32_t now_ms,
                      ProbeOutcome& outcome) {
    const auto frame = proto::parse_frame(datagram);
    if (!frame) {
        return;
    }
    const auto id = static_cast<MessageId>(frame->id);
    if (from == request.target) {
        std::optional<std::uint32_t> sent;
        if (id == MessageId::ClmPingMs) {
            if (const auto ping = proto::decode_clm_ping_ms(frame->payload)) {
                sent = ping->time_ms;
            }
        } else if (id == MessageId::ClmPingMsWithNumClients) {
            if (const auto ping = proto::decode_clm_ping_ms_with_num_clients(frame->payload)) {
                sent = ping->time_ms;
                outcome.clients = ping->num_clients;
            }
        }
        if (sent) {
            if (!outcome.answered) {
                outcome.round_trip_ms = static_cast<double>(now_ms - *sent);
            }
            outcome.answered = true;
        }
    }
    if (request.directory && from == *request.directory) {
        const io::SocketAddress wanted = request.listed_as.value_or(request.target);
        if (id == MessageId::ClmServerList) {
            if (const auto list = proto::decode_server_list(frame->payload)) {
                outcome.list_received = true;
                outcome.listed = outcome.listed || lists(list->entries, wanted);
            }
        } else if (id == MessageId::ClmRedServerList) {
            if (const auto list = proto::decode_red_server_list(frame->payload)) {
                outcome.list_received = true;
                outcome.listed = outcome.listed || lists(list->entries, wanted);
            }
        }
    }
}

std::optional<ProbeOutcome> run_probe(const ProbeRequest& request,
                                      std::chrono::milliseconds timeout, std::string& error) {
    // One socket of the target's family (command_probe keeps a directory in it too).
    io::SocketAddress local = io::SocketAddress::any(0);
    if (request.target.v6) {
        local = io::SocketAddress::ipv6({}, 0);
    }
    auto socket = io::UdpSocket::bind(local);
    if (!socket) {
        error = socket.error();
        return std::nullopt;
    }
    ProbeOutcome outcome;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    auto next_send = std::chrono::steady_clock::now();
    bool grace_started = false;
    std::array<std::uint8_t, 2048> buffer{};
    while (true) {
        const auto now = std::chrono::steady_clock::now();
        const bool complete = outcome.complete(request);
        if (complete && outcome.clients) {
            break;
        }
        if (complete && !grace_started) {
            // Complete without the client count: a room's CLM_PING_MS_WITHNUMCLIENTS answer
            // may trail its CLM_PING_MS one (Jamulus answers from another thread); a
            // directory never sends it. Wait a little for it, not the whole timeout.
            grace_started = true;
            deadline = std::min(deadline, now + kClientCountGrace);
            next_send = deadline;
        }
        if (now >= deadline) {
            break;
        }
        if (now >= next_send) {
            for (const auto& datagram : probe_datagrams(request, steady_ms())) {
                socket->send_to(datagram.to, datagram.frame);
            }
            next_send = now + kResendInterval;
        }
        const auto wait = std::min(deadline, next_send) - now;
        pollfd fd{socket->fd(), POLLIN, 0};
        ::poll(&fd, 1,
               static_cast<int>(
                   std::chrono::duration_cast<std::chrono::milliseconds>(wait).count() + 1));
        std::array<io::ReceivedDatagram, 1> received{};
        received[0].buffer = buffer;
        while (socket->receive_batch(received) == 1) {
            take_probe_reply(request, received[0].from, received[0].data(), steady_ms(), outcome);
        }
    }
    return outcome;
}

int command_probe(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    const auto usage = [&](const std::string& why) {
        err << "jamfleet probe: " << why
            << "\nusage: jamfleet probe ADDRESS:PORT|[IPV6]:PORT [--timeout S] [--registered "
               "DIRECTORY:PORT "
               "[--listed-as ADDRESS:PORT]]\n";
        return kExitUsage;
    };
    ProbeRequest request;
    double timeout_s = 2.0;
    bool have_target = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--timeout" || arg == "--registered" || arg == "--listed-as") {
            if (i + 1 >= args.size()) {
                return usage(arg + " needs a value");
            }
            const std::string& value = args[++i];
            if (arg == "--timeout") {
                std::istringstream in(value);
                if (!(in >> timeout_s) || !in.eof() || timeout_s <= 0 || timeout_s > 3600) {
                    return usage("--timeout expects seconds (0 < S <= 3600)");
                }
                continue;
            }
            // Directories and their lists are IPv4 (the protocol's address fields are).
            const auto address = io::SocketAddress::parse(value, 0);
            if (!address || address->port == 0) {
                return usage(arg + " expects an IPv4 ADDRESS:PORT, not " + value);
            }
            (arg == "--registered" ? request.directory : request.listed_as) = *address;
        } else if (arg.starts_with("--") || have_target) {
            return usage("unexpected " + arg);
        } else {
            const auto address = io::SocketAddress::parse_endpoint(arg, 0);
            if (!address || address->port == 0) {
                return usage("expects ADDRESS:PORT (IPv4, or [IPv6]:PORT), not " + arg);
            }
            request.target = *address;
            have_target = true;
        }
    }
    if (!have_target) {
        return usage("expects ADDRESS:PORT");
    }
    if (request.listed_as && !request.directory) {
        return usage("--listed-as needs --registered");
    }
    if (request.target.v6 && request.directory) {
        return usage("--registered needs the room's IPv4 address (a directory answers IPv4 only)");
    }
    std::string error;
    const auto outcome =
        run_probe(request, std::chrono::milliseconds(static_cast<long>(timeout_s * 1000.0)), error);
    if (!outcome) {
        err << "jamfleet probe: " << error << "\n";
        return kExitFailure;
    }
    const std::string target = request.target.to_string();
    if (!outcome->answered) {
        err << "jamfleet probe: no answer from " << target << " within " << timeout_s
            << " s (not a running Jamulus server or directory there, or UDP blocked)\n";
        return kExitFailure;
    }
    out << target << " answered in " << outcome->round_trip_ms.value_or(0) << " ms";
    if (outcome->clients) {
        out << ", " << *outcome->clients << " clients";
    }
    out << "\n";
    if (request.directory) {
        const std::string wanted = request.listed_as.value_or(request.target).to_string();
        const std::string directory = request.directory->to_string();
        if (!outcome->list_received) {
            err << "jamfleet probe: no server list from the directory " << directory << " within "
                << timeout_s << " s\n";
            return kExitFailure;
        }
        if (!outcome->listed) {
            err << "jamfleet probe: " << wanted << " is not (yet) in the list of " << directory
                << "\n";
            return kExitFailure;
        }
        out << wanted << " is registered with " << directory << "\n";
    }
    return kExitOk;
}

} // namespace jamfleet::orchestrator
