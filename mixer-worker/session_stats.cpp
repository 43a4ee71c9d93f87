// Session counters as JSON (see session_stats.h).
#include "mixer-worker/session_stats.h"

namespace jamfleet::mixer {

nlohmann::json drop_counters(const Session& session) {
    nlohmann::json drops = nlohmann::json::object();
    for (std::size_t r = 0; r < static_cast<std::size_t>(DropReason::kCount); ++r) {
        const auto reason = static_cast<DropReason>(r);
        drops[std::string(to_string(reason))] = session.drops(reason);
    }
    for (std::size_t k = 0; k < static_cast<std::size_t>(AnswerKind::kCount); ++k) {
        const auto kind = static_cast<AnswerKind>(k);
        drops[std::string(to_string(kind))] = session.answers_dropped(kind);
    }
    return drops;
}

nlohmann::json admission_counters(const Session& session) {
    const AdmissionStats& a = session.admission_stats();
    return nlohmann::json{{"pending", session.pending_count()},
                          {"started", a.started},
                          {"promoted", a.promoted},
                          {"forgedAcks", a.forged_acks},
                          {"expired", a.expired},
                          {"refusedPendingFull", a.refused_pending},
                          {"refusedPendingPerIp", a.refused_pending_ip},
                          {"refusedRatePerIp", a.refused_rate_ip},
                          {"refusedRateTotal", a.refused_rate_total},
                          {"heldDropped", a.held_dropped},
                          {"amplificationBlocked", a.amplification_blocked}};
}

} // namespace jamfleet::mixer
