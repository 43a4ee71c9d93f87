// The session's drop and admission counters as JSON, one shape for both
// jamfleet/getStats and the supervisor's status (docs/admission.md).
#pragma once

#include <nlohmann/json.hpp>

#include "mixer-worker/session.h"

namespace jamfleet::mixer {

// {"junk_from_unknown": n, …} — every DropReason and every limited answer kind.
nlohmann::json drop_counters(const Session& session);
// {"pending": n, "started": n, "promoted": n, "forgedAcks": n, …}.
nlohmann::json admission_counters(const Session& session);

} // namespace jamfleet::mixer
