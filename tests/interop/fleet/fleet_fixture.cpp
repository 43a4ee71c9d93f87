// FleetRun and list/ping helpers for the fleet interop tests.
#include "tests/interop/fleet/fleet_fixture.h"

#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "proto/frame.h"
#include "proto/message_id.h"
#include "proto/server_features.h"
#include "tests/interop/harness/net.h"
#include "tests/interop/harness/wait.h"

namespace jamfleet::interop {

using namespace std::chrono_literals;

namespace {

std::string env_or_throw(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
        throw std::runtime_error(std::string(name) + " is not set (meson sets it)");
    }
    return value;
}

} // namespace

std::string orchestrator_program() {
    return env_or_throw("JAMFLEET_ORCHESTRATOR");
}
std::string directory_program() {
    return env_or_throw("JAMFLEET_DIRECTORY");
}
std::string mixer_program() {
    return env_or_throw("JAMFLEET_MIXER");
}
std::filesystem::path source_dir() {
    return env_or_throw("JAMFLEET_SOURCE_DIR");
}

FleetRun::FleetRun(const std::filesystem::path& dir, const std::filesystem::path& fleet_file,
                   FleetRunOptions options)
    : dir_(dir) {
    process_ = std::make_unique<Process>(
        ProcessOptions{"jamfleet",
                       options.program.empty() ? orchestrator_program() : options.program,
                       {"run", fleet_file.string()},
                       std::move(options.env),
                       dir});
}

FleetRun::~FleetRun() {
    if (process_->running()) {
        process_->terminate(20s);
    }
}

CommandResult FleetRun::command(std::vector<std::string> args, std::chrono::milliseconds timeout) {
    return run_command(
        ProcessOptions{"jamfleet-cli", orchestrator_program(), std::move(args), {}, dir_}, timeout);
}

nlohmann::json FleetRun::status() {
    const CommandResult result = command({"status", "--json"}, 10s);
    if (result.exit_code != 0) {
        return nlohmann::json();
    }
    // The CLI prints only the JSON document on success.
    auto parsed = nlohmann::json::parse(result.output, nullptr, false);
    return parsed.is_discarded() ? nlohmann::json() : parsed;
}

nlohmann::json FleetRun::child(const std::string& name) {
    const auto s = status();
    if (!s.is_object()) {
        return nlohmann::json();
    }
    for (const auto& c : s["children"]) {
        if (c["name"] == name) {
            return c;
        }
    }
    return nlohmann::json();
}

std::int64_t FleetRun::pid_of(const std::string& name) {
    const auto c = child(name);
    return c.is_object() && c["pid"].is_number() ? c["pid"].get<std::int64_t>() : -1;
}

bool FleetRun::all_running(std::size_t expected_children) {
    const auto s = status();
    if (!s.is_object() || s["children"].size() != expected_children) {
        return false;
    }
    for (const auto& c : s["children"]) {
        if (c["state"] != "running") {
            return false;
        }
    }
    return true;
}

std::optional<proto::ServerList> request_server_list(std::uint16_t port) {
    UdpProbe probe;
    const auto request = proto::make_clm_frame(proto::MessageId::ClmReqServerList, {});
    probe.send_to(port, request);
    auto reply = probe.receive_until(
        [](const Datagram& d) {
            auto f = proto::parse_frame(d.bytes);
            return f.ok() && f->id == proto::to_wire(proto::MessageId::ClmServerList);
        },
        1s);
    if (!reply) {
        return std::nullopt;
    }
    auto list = proto::decode_server_list(proto::parse_frame(reply->bytes)->payload);
    if (!list.ok()) {
        return std::nullopt;
    }
    return *list;
}

bool lists(const proto::ServerList& list, const std::string& name, std::uint16_t port) {
    for (const auto& entry : list.entries) {
        if (entry.name == name && entry.port == port) {
            return true;
        }
    }
    return false;
}

bool answers_ping(std::uint16_t port) {
    UdpProbe probe;
    const std::vector<std::uint8_t> payload = {1, 0, 0, 0};
    probe.send_to(port, proto::make_clm_frame(proto::MessageId::ClmPingMs, payload));
    return probe
        .receive_until(
            [](const Datagram& d) {
                auto f = proto::parse_frame(d.bytes);
                return f.ok() && f->id == proto::to_wire(proto::MessageId::ClmPingMs);
            },
            300ms)
        .has_value();
}

std::optional<std::uint32_t> server_features(std::uint16_t port) {
    UdpProbe probe;
    probe.send_to(port, proto::make_clm_frame(proto::MessageId::ClmReqServerFeatures, {}));
    const auto reply = probe.receive_until(
        [](const Datagram& d) {
            auto f = proto::parse_frame(d.bytes);
            return f.ok() && f->id == proto::to_wire(proto::MessageId::ClmServerFeatures);
        },
        2s);
    if (!reply) {
        return std::nullopt;
    }
    const auto features = proto::decode_server_features(proto::parse_frame(reply->bytes)->payload);
    if (!features.ok()) {
        return std::nullopt;
    }
    return features->bits;
}

bool process_exists(std::int64_t pid) {
    if (pid <= 0 || ::kill(static_cast<pid_t>(pid), 0) != 0) {
        return false;
    }
    // A zombie waiting to be reaped is gone for our purposes.
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const auto paren = text.rfind(')');
    return paren == std::string::npos || paren + 2 >= text.size() || text[paren + 2] != 'Z';
}

} // namespace jamfleet::interop
