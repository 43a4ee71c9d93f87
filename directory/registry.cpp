// Registration, unregistration and expiry of directory entries (§6.3).
#include "directory/registry.h"

#include <algorithm>

namespace jamfleet::directory {

std::optional<Address> internal_address_from(std::string_view text, std::uint16_t port) {
    if (text.empty()) {
        return Address{0x7f000001, port};
    }
    const auto ip = parse_ipv4(text);
    if (!ip) {
        return std::nullopt;
    }
    return Address{*ip, port};
}

std::size_t full_list_entry_bytes(std::string_view name, std::string_view city) {
    // ip u32, port u16, country u16, max clients u8, permanent u8, three str16.
    return 10 + (2 + name.size()) + 2 + (2 + city.size());
}

const Entry* Registry::find(Address host) const {
    const auto it = std::find_if(entries_.begin(), entries_.end(),
                                 [host](const Entry& e) { return e.host == host; });
    return it == entries_.end() ? nullptr : &*it;
}

std::size_t Registry::count_from_ip(std::uint32_t ip) const {
    return static_cast<std::size_t>(std::count_if(
        entries_.begin(), entries_.end(), [ip](const Entry& e) { return e.host.ip == ip; }));
}

std::size_t Registry::list_bytes() const {
    std::size_t total = limits_.own_entry_bytes;
    for (const auto& e : entries_) {
        total += full_list_entry_bytes(e.info.name, e.info.city);
    }
    return total;
}

RegisterOutcome Registry::register_server(Address source, const ServerInfo& info,
                                          const Admission& admission, base::TimePoint now) {
    if (!admission.version_ok(info.version)) {
        return {RegisterResult::VersionTooOld, Refusal::VersionTooOld, false};
    }
    if (!admission.source_allowed(source.ip)) {
        return {RegisterResult::RequirementsNotFulfilled, Refusal::NotWhitelisted, false};
    }
    const std::size_t new_bytes = full_list_entry_bytes(info.name, info.city);
    const auto it = std::find_if(entries_.begin(), entries_.end(),
                                 [source](const Entry& e) { return e.host == source; });
    if (it != entries_.end()) {
        // Update in place keeps the position. A grown entry must still fit the
        // client's receive buffer, or every client would lose the whole list.
        const std::size_t old_bytes = full_list_entry_bytes(it->info.name, it->info.city);
        if (list_bytes() - old_bytes + new_bytes > limits_.max_list_bytes) {
            return {RegisterResult::ListFull, Refusal::ListBytes, false};
        }
        Entry updated = *it;
        updated.info = info;
        updated.refreshed_at = now;
        updated.expires_at = now + limits_.lifetime;
        if (!journal_.save(updated, now)) {
            return {std::nullopt, Refusal::StoreFailed, false};
        }
        if (updated.info != it->info) {
            ++generation_;
        }
        *it = std::move(updated);
        return {RegisterResult::Registered, Refusal::None, false};
    }
    if (entries_.size() + 1 >= limits_.max_servers) {
        return {RegisterResult::ListFull, Refusal::ListFull, false};
    }
    if (limits_.max_per_ip != 0 && !admission.explicitly_trusted(source.ip) &&
        count_from_ip(source.ip) >= limits_.max_per_ip) {
        return {RegisterResult::ListFull, Refusal::PerIpLimit, false};
    }
    if (list_bytes() + new_bytes > limits_.max_list_bytes) {
        return {RegisterResult::ListFull, Refusal::ListBytes, false};
    }
    Entry entry{source, info, next_position_, now, now, now + limits_.lifetime};
    if (!journal_.save(entry, now)) {
        return {std::nullopt, Refusal::StoreFailed, false};
    }
    ++next_position_;
    entries_.push_back(std::move(entry));
    ++generation_;
    return {RegisterResult::Registered, Refusal::None, true};
}

bool Registry::unregister(Address source) {
    const auto it = std::find_if(entries_.begin(), entries_.end(),
                                 [source](const Entry& e) { return e.host == source; });
    if (it == entries_.end() || !journal_.erase(*it)) {
        return false;
    }
    entries_.erase(it);
    ++generation_;
    return true;
}

bool Registry::import_server(Address host, const ServerInfo& info, base::TimePoint now) {
    if (find(host) != nullptr || entries_.size() + 1 >= limits_.max_servers ||
        list_bytes() + full_list_entry_bytes(info.name, info.city) > limits_.max_list_bytes) {
        return false;
    }
    Entry entry{host, info, next_position_, now, now, now + limits_.lifetime};
    if (!journal_.save(entry, now)) {
        return false;
    }
    ++next_position_;
    entries_.push_back(std::move(entry));
    ++generation_;
    return true;
}

std::vector<Entry> Registry::expire(base::TimePoint now) {
    std::vector<Entry> removed;
    for (auto it = entries_.begin(); it != entries_.end();) {
        // An entry the journal cannot erase stays listed; the next poll retries.
        if (it->expires_at <= now && journal_.erase(*it)) {
            removed.push_back(std::move(*it));
            it = entries_.erase(it);
            ++generation_;
        } else {
            ++it;
        }
    }
    return removed;
}

void Registry::restore(std::vector<Entry> entries) {
    entries_ = std::move(entries);
    ++generation_;
    next_position_ = 1;
    for (const auto& e : entries_) {
        next_position_ = std::max(next_position_, e.position + 1);
    }
}

std::optional<base::TimePoint> Registry::next_expiry() const {
    std::optional<base::TimePoint> next;
    for (const auto& e : entries_) {
        if (!next || e.expires_at < *next) {
            next = e.expires_at;
        }
    }
    return next;
}

} // namespace jamfleet::directory
