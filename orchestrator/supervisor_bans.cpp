// Fleet-wide bans in the supervisor (docs/moderation.md, "Fleet-wide bans"): the `ban`,
// `unban` and `bans` commands of the control socket, the bans file in the run directory, and
// the fan-out to every room through its control op, also to rooms that start later.
#include <ctime>

#include "orchestrator/supervisor.h"

namespace jamfleet::orchestrator {

namespace {

std::int64_t unix_now() {
    return static_cast<std::int64_t>(std::time(nullptr));
}

base::Result<io::AddressRange, std::string> address_of(const nlohmann::json& request) {
    const auto it = request.find("address");
    if (it == request.end() || !it->is_string()) {
        return base::Err{std::string("address is not a string")};
    }
    if (const auto range = io::AddressRange::parse(it->get<std::string>())) {
        return *range;
    }
    return base::Err{"not an IPv4 or IPv6 address or CIDR range: " + it->get<std::string>()};
}

} // namespace

std::string Supervisor::fleet_bans_path() const {
    return fleet_.fleet.run_dir + "/fleet-bans.json";
}

void Supervisor::load_fleet_bans() {
    auto loaded = orchestrator::load_fleet_bans(fleet_bans_path(), unix_now());
    if (!loaded.ok()) {
        // Starting without them would silently lift every fleet ban: say so loudly, keep the
        // file for the operator, and start with none.
        log_.error("cannot read fleet bans; starting without them", {{"error", loaded.error()}});
        return;
    }
    fleet_bans_ = std::move(loaded).value();
}

void Supervisor::save_fleet_bans_file() {
    if (auto saved = save_fleet_bans(fleet_bans_path(), fleet_bans_); !saved.ok()) {
        log_.error("cannot save fleet bans", {{"error", saved.error()}});
    }
}

void Supervisor::expire_fleet_bans() {
    if (fleet_bans_.expire(unix_now())) {
        save_fleet_bans_file();
    }
}

void Supervisor::send_fleet_bans(Child& child) {
    if (child.spec.kind != ChildKind::Mixer || !child.control || !child.control->ready()) {
        return;
    }
    const std::int64_t now = unix_now();
    // A room that was down when a fleet ban was lifted still has it in its own bans file:
    // lift the fleet's bans it holds that the fleet no longer has, then send the current ones.
    Child* target = &child;
    child.control->request(
        "getBans", nlohmann::json::object(),
        [this, target](base::Result<nlohmann::json, std::string> result) {
            if (!result.ok() || !target->control || !target->control->ready()) {
                return;
            }
            const std::int64_t at = unix_now();
            for (const auto& b : result->value("bans", nlohmann::json::array())) {
                const auto reason = b.value("reason", "");
                const auto range = io::AddressRange::parse(b.value("address", ""));
                if (range && is_fleet_ban_reason(reason) && !fleet_bans_.contains(*range, at)) {
                    target->control->request("unban", {{"address", range->to_string()}},
                                             [](base::Result<nlohmann::json, std::string>) {});
                }
            }
        });
    for (const auto& ban : fleet_bans_.active(now)) {
        send_room_op(child, "ban", room_ban_args(ban, now));
    }
}

void Supervisor::send_room_op(Child& child, const std::string& op, nlohmann::json args) {
    if (!child.control || !child.control->ready()) {
        return; // it gets the fleet's bans after its next hello
    }
    const std::string name = child.spec.name;
    child.control->request(
        op, std::move(args), [this, name, op](base::Result<nlohmann::json, std::string> result) {
            if (!result.ok()) {
                log_.warn("room refused a fleet ban request",
                          {{"room", name}, {"op", op}, {"error", result.error()}});
            }
        });
}

base::Result<nlohmann::json, std::string> Supervisor::fleet_ban(const nlohmann::json& request) {
    const auto range = address_of(request);
    if (!range.ok()) {
        return base::Err{range.error()};
    }
    std::int64_t seconds = 0;
    if (const auto s = request.find("seconds"); s != request.end() && !s->is_null()) {
        if (!s->is_number_integer() || s->get<std::int64_t>() < 0 ||
            s->get<std::int64_t>() > kMaxFleetBanSeconds) {
            return base::Err{std::string("seconds is not an integer in 0…31622400")};
        }
        seconds = s->get<std::int64_t>();
    }
    std::string reason;
    if (const auto r = request.find("reason"); r != request.end() && !r->is_null()) {
        if (!r->is_string()) {
            return base::Err{std::string("reason is not a string")};
        }
        reason = r->get<std::string>();
    }
    const std::int64_t now = unix_now();
    fleet_bans_.expire(now);
    const std::optional<std::int64_t> expires =
        seconds > 0 ? std::optional<std::int64_t>(now + seconds) : std::nullopt;
    fleet_bans_.ban(*range, expires, reason);
    save_fleet_bans_file();
    const FleetBan ban{*range, expires, reason};
    int rooms = 0;
    for (auto& [name, child] : rooms_) {
        if (child->control && child->control->ready()) {
            send_room_op(*child, "ban", room_ban_args(ban, now));
            ++rooms;
        }
    }
    log_.info("fleet ban", {{"range", range->to_string()},
                            {"seconds", seconds},
                            {"reason", reason},
                            {"rooms", rooms}});
    return nlohmann::json{{"ok", true}, {"banned", range->to_string()}, {"rooms", rooms}};
}

base::Result<nlohmann::json, std::string> Supervisor::fleet_unban(const nlohmann::json& request) {
    const auto range = address_of(request);
    if (!range.ok()) {
        return base::Err{range.error()};
    }
    const bool removed = fleet_bans_.unban(*range);
    if (removed) {
        save_fleet_bans_file();
        for (auto& [name, child] : rooms_) {
            send_room_op(*child, "unban", {{"address", range->to_string()}});
        }
    }
    log_.info("fleet unban", {{"range", range->to_string()}, {"removed", removed}});
    return nlohmann::json{{"ok", true}, {"removed", removed}};
}

nlohmann::json Supervisor::fleet_bans_json() const {
    const std::int64_t now = unix_now();
    nlohmann::json list = nlohmann::json::array();
    for (const auto& ban : fleet_bans_.active(now)) {
        list.push_back(fleet_ban_json(ban, now));
    }
    return list;
}

} // namespace jamfleet::orchestrator
