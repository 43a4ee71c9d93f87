#include "orchestrator/ban_commands.h"

#include <chrono>

#include "orchestrator/client_commands.h"
#include "orchestrator/offline_commands.h"

namespace jamfleet::orchestrator {

namespace {

using namespace std::chrono_literals;

// The reply, or nullopt after printing why there is none or why it failed.
std::optional<nlohmann::json> request(const std::string& run_dir, const char* command,
                                      const nlohmann::json& request, std::ostream& err) {
    std::string error;
    auto reply = ask_supervisor(run_dir, request, false, 10s, error);
    if (!reply) {
        err << "jamfleet " << command << ": " << error << "\n";
        return std::nullopt;
    }
    if (!reply->value("ok", false)) {
        err << "jamfleet " << command << ": " << reply->value("error", std::string("failed"))
            << "\n";
        return std::nullopt;
    }
    return reply;
}

} // namespace

std::string format_bans(const nlohmann::json& bans) {
    if (!bans.is_array() || bans.empty()) {
        return "no fleet-wide bans\n";
    }
    std::string out;
    for (const auto& b : bans) {
        const auto left = b.value("secondsLeft", nlohmann::json());
        out += b.value("address", std::string("?")) + "  " +
               (left.is_number_integer() ? "for " + std::to_string(left.get<long long>()) + " s"
                                         : std::string("until lifted"));
        const std::string reason = b.value("reason", std::string());
        if (!reason.empty()) {
            out += "  " + reason;
        }
        out += "\n";
    }
    return out;
}

int command_ban(const std::string& run_dir, const std::string& address, std::int64_t seconds,
                const std::string& reason, std::ostream& out, std::ostream& err) {
    const auto reply = request(
        run_dir, "ban",
        {{"command", "ban"}, {"address", address}, {"seconds", seconds}, {"reason", reason}}, err);
    if (!reply) {
        return kExitFailure;
    }
    out << "banned " << reply->value("banned", address) << " in every room ("
        << reply->value("rooms", 0) << " running now"
        << (seconds > 0 ? ", for " + std::to_string(seconds) + " s" : std::string(", until lifted"))
        << ")\n";
    return kExitOk;
}

int command_unban(const std::string& run_dir, const std::string& address, std::ostream& out,
                  std::ostream& err) {
    const auto reply = request(run_dir, "unban", {{"command", "unban"}, {"address", address}}, err);
    if (!reply) {
        return kExitFailure;
    }
    if (!reply->value("removed", false)) {
        err << "jamfleet unban: no fleet-wide ban on " << address << "\n";
        return kExitFailure;
    }
    out << "lifted the fleet-wide ban on " << address << "\n";
    return kExitOk;
}

int command_bans(const std::string& run_dir, bool json, std::ostream& out, std::ostream& err) {
    const auto reply = request(run_dir, "bans", {{"command", "bans"}}, err);
    if (!reply) {
        return kExitFailure;
    }
    const auto bans = reply->value("bans", nlohmann::json::array());
    out << (json ? bans.dump(2) + "\n" : format_bans(bans));
    return kExitOk;
}

} // namespace jamfleet::orchestrator
