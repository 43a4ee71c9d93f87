// Directory families, from the directory child's status (directory/directory_app.cpp's
// status provider and directory/admin_api.cpp's stats): label `port` (its UDP port).
#include <string>

#include "metrics/status_families.h"

namespace jamfleet::metrics {
namespace {

struct FieldFamily {
    const char* key; // in the stats object
    const char* name;
    const char* help;
    MetricType type;
};

constexpr FieldFamily kFields[] = {
    {"entries", "jamfleet_directory_entries", "Servers on the directory's list.",
     MetricType::Gauge},
    {"listBytes", "jamfleet_directory_list_bytes",
     "Size of the full server list message, in bytes.", MetricType::Gauge},
    {"datagrams", "jamfleet_directory_receive_packets_total",
     "UDP datagrams the directory received.", MetricType::Counter},
    {"listRequests", "jamfleet_directory_list_requests_total",
     "Server-list requests received (answered or not).", MetricType::Counter},
    {"listsSent", "jamfleet_directory_lists_sent_total", "Server lists sent.", MetricType::Counter},
    {"queriesAnswered", "jamfleet_directory_queries_answered_total",
     "Version and client-list requests answered.", MetricType::Counter},
    {"pingsAnswered", "jamfleet_directory_pings_answered_total", "Pings answered.",
     MetricType::Counter},
    {"punchesSent", "jamfleet_directory_punches_total",
     "Hole-punch requests sent to servers for a client.", MetricType::Counter},
    {"unregistrations", "jamfleet_directory_unregistrations_total",
     "Servers that unregistered themselves.", MetricType::Counter},
    {"expired", "jamfleet_directory_expired_entries_total",
     "Entries removed because their server stopped refreshing.", MetricType::Counter},
    {"evicted", "jamfleet_directory_evictions_total",
     "Entries removed by an administrator (evict or ban).", MetricType::Counter},
    {"storeFailures", "jamfleet_directory_store_failures_total",
     "Failed writes to the directory's database.", MetricType::Counter},
};

// {stats key, label value} of a labelled family.
struct Reason {
    const char* key;
    const char* label;
};

// Keys of the directory's "traffic" object (control/traffic_json.h), datagrams counted in
// "datagrams" above.
constexpr FieldFamily kTraffic[] = {
    {"bytesIn", "jamfleet_directory_receive_bytes_total",
     "UDP payload bytes the directory received.", MetricType::Counter},
    {"packetsOut", "jamfleet_directory_transmit_packets_total", "UDP datagrams the directory sent.",
     MetricType::Counter},
    {"bytesOut", "jamfleet_directory_transmit_bytes_total", "UDP payload bytes the directory sent.",
     MetricType::Counter},
};

constexpr Reason kRegistrations[] = {{"registrationsNew", "new"},
                                     {"registrationsRefreshed", "refreshed"}};

constexpr Reason kRefusals[] = {{"refusedVersion", "version"},
                                {"refusedWhitelist", "whitelist"},
                                {"refusedFull", "full"},
                                {"refusedPerIp", "per_ip"},
                                {"refusedListBytes", "list_bytes"}};

constexpr Reason kDrops[] = {{"notProtocol", "not_protocol"},
                             {"malformed", "malformed"},
                             {"connectionBased", "connection_based"},
                             {"ignored", "ignored"},
                             {"banned", "banned"},
                             {"rateLimitedQueries", "rate_limited_queries"},
                             {"rateLimitedLists", "rate_limited_lists"},
                             {"rateLimitedRegistrations", "rate_limited_registrations"},
                             {"listIntervalSuppressed", "list_interval_suppressed"},
                             {"listBudgetExhausted", "list_budget_exhausted"},
                             {"punchesOverBudget", "punches_over_budget"},
                             {"unregisterUnknown", "unregister_unknown"}};

template <std::size_t N>
void add_reasons(const nlohmann::json& stats, const Labels& labels, const char* label,
                 const Reason (&reasons)[N], Family& family) {
    for (const Reason& r : reasons) {
        if (const auto v = number_at(stats, r.key)) {
            Labels with = labels;
            with.emplace_back(label, r.label);
            family.add(std::move(with), *v);
        }
    }
}

} // namespace

void add_directory_families(const nlohmann::json& status, std::vector<Family>& out) {
    std::vector<Family> fields;
    for (const FieldFamily& f : kFields) {
        fields.push_back(Family{f.name, f.help, f.type, {}});
    }
    std::vector<Family> traffic;
    for (const FieldFamily& f : kTraffic) {
        traffic.push_back(Family{f.name, f.help, f.type, {}});
    }
    Family registrations{"jamfleet_directory_registrations_total",
                         "Registrations accepted, by kind (new entry or refresh).",
                         MetricType::Counter,
                         {}};
    Family refused{"jamfleet_directory_registrations_refused_total",
                   "Registrations refused, by reason.",
                   MetricType::Counter,
                   {}};
    Family drops{"jamfleet_directory_dropped_datagrams_total",
                 "Datagrams the directory dropped or did not answer, by reason.",
                 MetricType::Counter,
                 {}};
    Family bans{"jamfleet_directory_bans",
                "Address ranges banned from the directory.",
                MetricType::Gauge,
                {}};
    const auto children = status.is_object() ? status.value("children", nlohmann::json::array())
                                             : nlohmann::json::array();
    for (const auto& child : children) {
        if (!child.is_object() || text_at(child, "kind") != "directory") {
            continue;
        }
        const auto own = child.find("child");
        if (own == child.end() || !own->is_object()) {
            continue;
        }
        const auto stats = own->find("stats");
        if (stats == own->end() || !stats->is_object()) {
            continue;
        }
        const auto port = child.find("port");
        const Labels labels{{"port", port != child.end() && port->is_number_integer()
                                         ? std::to_string(port->get<long long>())
                                         : std::string()}};
        for (std::size_t i = 0; i < std::size(kFields); ++i) {
            if (const auto v = number_at(*stats, kFields[i].key)) {
                fields[i].add(labels, *v);
            }
        }
        if (const auto tr = own->find("traffic"); tr != own->end()) {
            for (std::size_t i = 0; i < std::size(kTraffic); ++i) {
                if (const auto v = number_at(*tr, kTraffic[i].key)) {
                    traffic[i].add(labels, *v);
                }
            }
        }
        add_reasons(*stats, labels, "kind", kRegistrations, registrations);
        add_reasons(*stats, labels, "reason", kRefusals, refused);
        add_reasons(*stats, labels, "reason", kDrops, drops);
        if (const auto b = stats->find("bans"); b != stats->end() && b->is_array()) {
            bans.add(labels, static_cast<double>(b->size()));
        }
    }
    for (auto& f : fields) {
        out.push_back(std::move(f));
    }
    for (auto& f : traffic) {
        out.push_back(std::move(f));
    }
    out.push_back(std::move(registrations));
    out.push_back(std::move(refused));
    out.push_back(std::move(drops));
    out.push_back(std::move(bans));
}

} // namespace jamfleet::metrics
