// Directory registration client: see registration.h.
#include "mixer-worker/registration.h"

#include <algorithm>
#include <charconv>

#include "proto/clm_messages.h"
#include "proto/country.h"
#include "proto/frame.h"
#include "proto/text.h"

namespace jamfleet::mixer {

using base::Err;
using proto::MessageId;

std::string_view to_string(RegistrationStatus status) {
    switch (status) {
    case RegistrationStatus::NotRegistered:
        return "not_registered";
    case RegistrationStatus::BadAddress:
        return "bad_address";
    case RegistrationStatus::Requested:
        return "requested";
    case RegistrationStatus::TimeOut:
        return "time_out";
    case RegistrationStatus::UnknownResp:
        return "unknown_resp";
    case RegistrationStatus::Registered:
        return "registered";
    case RegistrationStatus::ServerListFull:
        return "directory_server_full";
    case RegistrationStatus::VersionTooOld:
        return "server_version_too_old";
    case RegistrationStatus::RequirementsNotFulfilled:
        return "requirements_not_fulfilled";
    }
    return "unknown_resp";
}

base::Result<ServerInfo, std::string> parse_server_info(std::string_view text) {
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    while (true) {
        const auto semi = text.find(';', start);
        fields.push_back(text.substr(start, semi == std::string_view::npos ? semi : semi - start));
        if (semi == std::string_view::npos) {
            break;
        }
        start = semi + 1;
    }
    if (fields.size() < 3) {
        return Err{std::string("--serverinfo \"") + std::string(text) +
                   "\": expected \"name;city;country\""};
    }
    ServerInfo info;
    info.name = proto::truncate_utf16(fields[0], proto::kMaxServerNameUnits);
    info.city = proto::truncate_utf16(fields[1], proto::kMaxCityUnits);
    const std::string_view country = fields[2];
    unsigned value = 0;
    const auto* end = country.data() + country.size();
    if (auto [p, ec] = std::from_chars(country.data(), end, value);
        ec == std::errc() && p == end && !country.empty()) {
        if (value > proto::kMaxWireCountry) {
            return Err{std::string("--serverinfo: country ") + std::string(country) +
                       " out of range 0…" + std::to_string(proto::kMaxWireCountry)};
        }
        info.country = static_cast<std::uint16_t>(value);
    } else if (auto code = proto::country_from_iso(country)) {
        info.country = *code;
    } else {
        return Err{std::string("--serverinfo: unknown country \"") + std::string(country) +
                   "\" (use a two-letter code such as de or a Qt country number)"};
    }
    return info;
}

void Registration::start(std::optional<io::SocketAddress> directory, base::TimePoint now) {
    directory_ = directory;
    started_ = true;
    if (!directory_) {
        status_ = RegistrationStatus::BadAddress;
        return;
    }
    sends_ = 0;
    awaiting_response_ = true;
    send_registration(now);
    next_refresh_ = now + kRegisterRefreshInterval;
    next_keep_alive_ = now + kKeepAliveInterval;
}

void Registration::send_registration(base::TimePoint now) {
    if (!directory_) {
        return;
    }
    proto::RegisterServer reg;
    reg.port = settings_.port;
    reg.country = settings_.info.country;
    reg.max_clients = settings_.max_clients;
    reg.permanent = false;
    reg.name = settings_.info.name;
    reg.internal_address = settings_.internal_address;
    reg.city = settings_.info.city;
    reg.os = settings_.os;
    reg.version = settings_.version;
    outgoing_.push_back(
        proto::make_clm_frame(MessageId::ClmRegisterServerEx, proto::encode_payload(reg)));
    ++sends_;
    next_retry_ = now + kRegisterRetryInterval;
    if (status_ != RegistrationStatus::Registered) {
        status_ = RegistrationStatus::Requested;
    }
}

void Registration::poll(base::TimePoint now) {
    if (!started_ || !directory_) {
        return;
    }
    if (awaiting_response_ && now >= next_retry_) {
        if (sends_ < kRegisterMaxSends) {
            send_registration(now);
        } else {
            awaiting_response_ = false;
            status_ = RegistrationStatus::TimeOut;
        }
    }
    if (now >= next_refresh_) {
        // Refreshes are single sends (Jamulus does not re-arm its retries for them).
        send_registration(now);
        next_refresh_ = now + kRegisterRefreshInterval;
    }
    if (now >= next_keep_alive_) {
        outgoing_.push_back(proto::make_clm_frame(MessageId::ClmEmptyMessage, {}));
        next_keep_alive_ = now + kKeepAliveInterval;
    }
}

std::optional<base::TimePoint> Registration::next_deadline() const {
    if (!started_ || !directory_) {
        return std::nullopt;
    }
    base::TimePoint next = std::min(next_refresh_, next_keep_alive_);
    if (awaiting_response_) {
        next = std::min(next, next_retry_);
    }
    return next;
}

void Registration::on_response(std::uint8_t result) {
    if (!started_) {
        return;
    }
    awaiting_response_ = false;
    switch (result) {
    case 0:
        status_ = RegistrationStatus::Registered;
        break;
    case 1:
        status_ = RegistrationStatus::ServerListFull;
        break;
    case 2:
        status_ = RegistrationStatus::VersionTooOld;
        break;
    case 3:
        status_ = RegistrationStatus::RequirementsNotFulfilled;
        break;
    default:
        status_ = RegistrationStatus::UnknownResp;
    }
}

void Registration::set_info(ServerInfo info, base::TimePoint now) {
    settings_.info = std::move(info);
    if (status_ == RegistrationStatus::Registered) {
        send_registration(now);
    }
}

void Registration::unregister() {
    if (directory_ && started_) {
        outgoing_.push_back(proto::make_clm_frame(MessageId::ClmUnregisterServer, {}));
        status_ = RegistrationStatus::NotRegistered;
    }
}

std::vector<std::vector<std::uint8_t>> Registration::take_outgoing() {
    std::vector<std::vector<std::uint8_t>> out;
    out.swap(outgoing_);
    return out;
}

} // namespace jamfleet::mixer
