// gtest parameters for suites that run once per Jamulus release: which releases get the full
// scenario set, and test-name suffixes that state the release (docs/testing.md, "The version
// matrix").
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "tests/interop/harness/jamulus_version.h"

namespace jamfleet::interop {

// The full scenario set runs against 3.9.1 (Debian) and the newest peer; 3.12.4 gets a
// representative subset chosen per suite.
inline auto full_set_releases() {
    return ::testing::Values(JamulusVersion::v3_9_1, JamulusVersion::v4_0_0beta2);
}

// "jamulus_4_0_0beta2": the parameter is the release of the real Jamulus servers (and clients).
inline std::string server_release_name(const ::testing::TestParamInfo<JamulusVersion>& info) {
    return "jamulus_" + version_tag(info.param);
}

// "Clients_4_0_0beta2": the parameter is the release of the real Jamulus clients.
inline std::string client_release_name(const ::testing::TestParamInfo<JamulusVersion>& info) {
    return "Clients_" + version_tag(info.param);
}

} // namespace jamfleet::interop
