// Moderation requests of jamfleet-mixer (docs/moderation.md): kick, ban, unban,
// getBans, setAllowList — as JSON-RPC methods (jamfleet/…) next to the Jamulus ones
// and as ops of the control socket; and the bans file that keeps bans across restarts.
#include <algorithm>
#include <chrono>
#include <ctime>

#include <nlohmann/json.hpp>

#include "mixer-worker/mixer_server.h"
#include "mixer-worker/moderation_store.h"

namespace jamfleet::mixer {

using base::Err;
using control::RpcError;
using nlohmann::json;

namespace {

// A kicked client stays out this long unless the caller says otherwise.
constexpr std::int64_t kDefaultKickBanSeconds = 60;
// At most a year: longer is "until lifted" (seconds omitted).
constexpr std::int64_t kMaxBanSeconds = 366LL * 24 * 3600;

RpcError invalid(std::string message) {
    return RpcError{control::kRpcInvalidParams, "Invalid params: " + std::move(message)};
}

std::int64_t unix_now() {
    return static_cast<std::int64_t>(std::time(nullptr));
}

// params[name] as seconds in 0..kMaxBanSeconds; fallback when absent.
base::Result<std::int64_t, RpcError> seconds_param(const json& params, const char* name,
                                                   std::int64_t fallback) {
    const auto it = params.find(name);
    if (it == params.end()) {
        return fallback;
    }
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0 ||
        it->get<std::int64_t>() > kMaxBanSeconds) {
        return Err{invalid(std::string(name) + " is not an integer in 0…31622400")};
    }
    return it->get<std::int64_t>();
}

base::Result<AddressRange, RpcError> range_param(const json& params) {
    const auto it = params.find("address");
    if (it == params.end() || !it->is_string()) {
        return Err{control::rpc_param_not_string("address")};
    }
    if (auto range = AddressRange::parse(it->get<std::string>())) {
        return *range;
    }
    return Err{invalid("address is not an IPv4 or IPv6 address or CIDR range")};
}

json bans_json(const Moderation& moderation, base::TimePoint now) {
    json list = json::array();
    for (const auto& b : moderation.bans(now)) {
        json left = nullptr;
        if (b.until) {
            left = std::chrono::ceil<std::chrono::seconds>(*b.until - now).count();
        }
        list.push_back(
            json{{"address", b.range.to_string()}, {"secondsLeft", left}, {"reason", b.reason}});
    }
    return list;
}

} // namespace

base::Status<std::string> MixerServer::load_moderation() {
    Moderation& m = session_->moderation();
    const auto now = clock_.now();
    if (!options_.bans_file.empty()) {
        auto bans = load_bans(options_.bans_file, now, unix_now());
        if (!bans.ok()) {
            return Err{bans.error()};
        }
        for (auto& b : *bans) {
            m.ban(b.range, b.until, std::move(b.reason));
        }
    }
    // The fleet file's bans last as long as the fleet file says them (not persisted).
    for (const auto& range : options_.static_bans) {
        m.ban(range, std::nullopt, "fleet file");
    }
    m.set_allow_list(options_.allow);
    return base::kOk;
}

void MixerServer::persist_bans() {
    if (options_.bans_file.empty()) {
        return;
    }
    const auto now = clock_.now();
    std::vector<Ban> dynamic;
    const auto& fixed = options_.static_bans;
    for (auto& b : session_->moderation().bans(now)) {
        // The fleet file's bans come back from --ban on every start.
        if (std::find(fixed.begin(), fixed.end(), b.range) == fixed.end()) {
            dynamic.push_back(std::move(b));
        }
    }
    if (auto saved = save_bans(options_.bans_file, dynamic, now, unix_now()); !saved.ok()) {
        log_.error("cannot save bans", {{"error", saved.error()}});
    }
}

void MixerServer::register_moderation_methods() {
    for (auto& [name, handler] : moderation_handlers()) {
        rpc_->add_method("jamfleet/" + name, std::move(handler));
    }
}

void MixerServer::register_moderation_ops() {
    for (auto& [name, handler] : moderation_handlers()) {
        control_->add_op(
            name, [h = std::move(handler)](const json& args) -> base::Result<json, std::string> {
                auto result = h(args);
                if (!result.ok()) {
                    return Err{result.error().message};
                }
                return std::move(result).value();
            });
    }
}

std::vector<std::pair<std::string, control::RpcHandler>> MixerServer::moderation_handlers() {
    std::vector<std::pair<std::string, control::RpcHandler>> out;
    out.emplace_back("kick", [this](const json& params) -> base::Result<json, RpcError> {
        const auto id = params.find("id");
        if (id == params.end() || !id->is_number_integer()) {
            return Err{invalid("id is not an integer")};
        }
        const auto seconds = seconds_param(params, "banSeconds", kDefaultKickBanSeconds);
        if (!seconds.ok()) {
            return Err{seconds.error()};
        }
        const auto now = clock_.now();
        if (!session_->kick(id->get<int>(), std::chrono::seconds(*seconds), now)) {
            return Err{invalid("no connected client with this id")};
        }
        flush();
        persist_bans();
        return json{{"kicked", id->get<int>()}, {"banSeconds", *seconds}};
    });
    out.emplace_back("ban", [this](const json& params) -> base::Result<json, RpcError> {
        const auto range = range_param(params);
        if (!range.ok()) {
            return Err{range.error()};
        }
        // 0 or absent: until lifted.
        const auto seconds = seconds_param(params, "seconds", 0);
        if (!seconds.ok()) {
            return Err{seconds.error()};
        }
        const auto reason = params.find("reason");
        if (reason != params.end() && !reason->is_string()) {
            return Err{control::rpc_param_not_string("reason")};
        }
        const auto now = clock_.now();
        std::optional<base::TimePoint> until;
        if (*seconds > 0) {
            until = now + std::chrono::seconds(*seconds);
        }
        session_->moderation().expire(now);
        session_->moderation().ban(*range, until,
                                   reason != params.end() ? reason->get<std::string>() : "");
        const int removed = session_->enforce_moderation(now);
        flush();
        persist_bans();
        return json{{"banned", range->to_string()}, {"disconnected", removed}};
    });
    out.emplace_back("unban", [this](const json& params) -> base::Result<json, RpcError> {
        const auto range = range_param(params);
        if (!range.ok()) {
            return Err{range.error()};
        }
        const bool removed = session_->moderation().unban(*range);
        persist_bans();
        return json{{"removed", removed}};
    });
    out.emplace_back("getBans", [this](const json&) -> base::Result<json, RpcError> {
        json allow = json::array();
        for (const auto& r : session_->moderation().allow_list()) {
            allow.push_back(r.to_string());
        }
        return json{{"bans", bans_json(session_->moderation(), clock_.now())},
                    {"allow", std::move(allow)}};
    });
    out.emplace_back("setAllowList", [this](const json& params) -> base::Result<json, RpcError> {
        const auto list = params.find("addresses");
        if (list == params.end() || !list->is_array()) {
            return Err{invalid("addresses is not an array")};
        }
        std::vector<AddressRange> ranges;
        for (const auto& entry : *list) {
            const auto range =
                entry.is_string() ? AddressRange::parse(entry.get<std::string>()) : std::nullopt;
            if (!range) {
                return Err{invalid("addresses holds something not an address or CIDR range")};
            }
            ranges.push_back(*range);
        }
        session_->moderation().set_allow_list(std::move(ranges));
        const int removed = session_->enforce_moderation(clock_.now());
        flush();
        return json{{"allow", list->size()}, {"disconnected", removed}};
    });
    return out;
}

} // namespace jamfleet::mixer
