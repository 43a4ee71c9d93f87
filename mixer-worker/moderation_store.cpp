#include "mixer-worker/moderation_store.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "io/atomic_file.h"

namespace jamfleet::mixer {

using base::Err;
using nlohmann::json;

namespace {
constexpr std::int64_t kLongestTimedBanSeconds = 10LL * 366 * 24 * 3600;
} // namespace

std::string bans_to_json(const std::vector<Ban>& bans, base::TimePoint now, std::int64_t unix_now) {
    json list = json::array();
    for (const auto& b : bans) {
        json expires = nullptr;
        if (b.until) {
            // Round up: a ban never ends earlier after a restart.
            const auto left = std::chrono::ceil<std::chrono::seconds>(*b.until - now).count();
            expires = unix_now + std::max<std::int64_t>(left, 0);
        }
        list.push_back(
            json{{"range", b.range.to_string()}, {"expiresUnix", expires}, {"reason", b.reason}});
    }
    return json{{"bans", std::move(list)}}.dump(2) + "\n";
}

base::Result<std::vector<Ban>, std::string>
bans_from_json(std::string_view text, base::TimePoint now, std::int64_t unix_now) {
    const json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("bans") ||
        !doc["bans"].is_array()) {
        return Err{std::string("not a bans file (want {\"bans\": [...]})")};
    }
    std::vector<Ban> out;
    for (const auto& entry : doc["bans"]) {
        if (!entry.is_object() || !entry.contains("range") || !entry["range"].is_string()) {
            return Err{std::string("a ban without a \"range\" string")};
        }
        const auto range = AddressRange::parse(entry["range"].get<std::string>());
        if (!range) {
            return Err{"bad address range: " + entry["range"].get<std::string>()};
        }
        Ban ban{*range, std::nullopt, entry.value("reason", std::string())};
        const auto expires = entry.find("expiresUnix");
        if (expires != entry.end() && !expires->is_null()) {
            if (!expires->is_number_integer()) {
                return Err{std::string("expiresUnix must be an integer or null")};
            }
            const std::int64_t expires_unix = expires->get<std::int64_t>();
            if (expires_unix <= unix_now) {
                continue;
            }
            // Further than ten years is for good (and keeps the time arithmetic in range).
            const std::int64_t left = expires_unix - unix_now;
            if (left <= kLongestTimedBanSeconds) {
                ban.until = now + std::chrono::seconds(left);
            }
        }
        out.push_back(std::move(ban));
    }
    return out;
}

base::Result<std::vector<Ban>, std::string> load_bans(const std::string& path, base::TimePoint now,
                                                      std::int64_t unix_now) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (errno == ENOENT) {
            return std::vector<Ban>{};
        }
        return Err{path + ": " + std::strerror(errno)};
    }
    std::stringstream text;
    text << in.rdbuf();
    auto bans = bans_from_json(text.str(), now, unix_now);
    if (!bans) {
        return Err{path + ": " + bans.error()};
    }
    return bans;
}

base::Status<std::string> save_bans(const std::string& path, const std::vector<Ban>& bans,
                                    base::TimePoint now, std::int64_t unix_now) {
    return io::write_file_atomically(path, bans_to_json(bans, now, unix_now));
}

} // namespace jamfleet::mixer
