// `jamfleet probe`: asks a room (or a directory) over Jamulus's connection-less
// protocol whether it answers, how many clients it has, and optionally whether a
// directory lists it. Kubernetes uses it as a room pod's liveness and readiness
// probe, `jamfleet rollout --kubernetes` for a room's client count
// (docs/kubernetes.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "io/socket_address.h"

namespace jamfleet::orchestrator {

struct ProbeRequest {
    io::SocketAddress target;
    // When set, the probe also asks this directory for its list and is ready only
    // when `target` is in it (the room is registered there).
    std::optional<io::SocketAddress> directory;
    // The address the directory lists the room at (its host's public address and
    // port); `target` when unset.
    std::optional<io::SocketAddress> listed_as;
    // Wait for the client count (CLM_PING_MS_WITHNUMCLIENTS, which only rooms answer).
    bool need_clients = false;
};

// What came back; sans I/O so that the decisions are testable without sockets.
struct ProbeOutcome {
    bool answered = false;               // CLM_PING_MS or CLM_PING_MS_WITHNUMCLIENTS came back
    std::optional<int> clients;          // from CLM_PING_MS_WITHNUMCLIENTS (rooms only)
    bool list_received = false;          // the directory answered with a list
    bool listed = false;                 // ...that holds listed_as
    std::optional<double> round_trip_ms; // of the first ping answer

    // Done when every question asked has its answer.
    bool complete(const ProbeRequest& request) const;
};

// The datagrams one probe round sends: (destination, frame).
struct ProbeDatagram {
    io::SocketAddress to;
    std::vector<std::uint8_t> frame;
};
std::vector<ProbeDatagram> probe_datagrams(const ProbeRequest& request, std::uint32_t time_ms);

// Folds one received datagram into `outcome`; ignores anything that is not an answer
// from the addresses asked.
void take_probe_reply(const ProbeRequest& request, io::SocketAddress from,
                      std::span<const std::uint8_t> datagram, std::uint32_t now_ms,
                      ProbeOutcome& outcome);

// Sends the probe (again every 500 ms: UDP may lose a datagram) until complete or
// `timeout`. An error only when no socket could be opened.
std::optional<ProbeOutcome> run_probe(const ProbeRequest& request,
                                      std::chrono::milliseconds timeout, std::string& error);

// `jamfleet probe ADDRESS|[IPV6]:PORT [--timeout S] [--registered DIRECTORY [--listed-as
// ADDRESS]]`; `args` are the words after "probe". Exit 0 when answered (and listed), 1 when not, 2
// for bad arguments.
int command_probe(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

} // namespace jamfleet::orchestrator
