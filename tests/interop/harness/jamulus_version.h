// The real Jamulus releases the interop matrix meets: Debian's 3.9.1 and the upstream builds of
// 3.12.4 and 4.0.0 beta 2 kept beside the repository. A missing peer is a failure, never a skip.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

namespace jamfleet::interop {

enum class JamulusVersion { v3_9_1, v3_12_4, v4_0_0beta2 };

// Every release the matrix covers, oldest first.
std::vector<JamulusVersion> all_jamulus_versions();

// "3_9_1", "3_12_4", "4_0_0beta2": what test names say (valid in a gtest name).
std::string version_tag(JamulusVersion version);
// "3.9.1", "3.12.4", "4.0.0beta2": what the program's --version prints.
std::string version_text(JamulusVersion version);
void PrintTo(JamulusVersion version, std::ostream* out);

// The folder holding jamulus-3.12.4/ and jamulus-4.0.0beta2/: $JAMFLEET_PEERS_DIR when set,
// else the folder shared/peers next to the source tree (CI clones the repository next to a copy
// of shared/).
std::filesystem::path peers_dir();

// Where the executable of `version` should be (not checked).
std::filesystem::path jamulus_program_path(JamulusVersion version);
// The executable of `version` (3.9.1: $JAMFLEET_JAMULUS_3_9_1 or /usr/bin/Jamulus). Throws
// std::runtime_error naming the path when it is not an executable file.
std::filesystem::path jamulus_program(JamulusVersion version);

// Options each release needs to run on the test network the way 3.9.1 does.
// Server: how to bind UDP to 127.0.0.1 (4.0 renamed --serverbindip to --serverbindip4 and exits
// on unknown options), plus --noipv6 for 4.0 (it opens a second, IPv6 socket by default), or,
// when `ipv6` is given, 4.0's IPv6 socket bound there (--serverbindip6; 3.x cannot: throws).
std::vector<std::string> server_bind_args(JamulusVersion version, const std::string& ipv4,
                                          const std::string& ipv6 = {});
// Client: --noipv6 for 4.0, so the client owns exactly one UDP socket.
std::vector<std::string> client_version_args(JamulusVersion version);

// Fails (throws) unless every peer of the matrix is present and reports its own version.
void require_all_peers(const std::filesystem::path& work_dir);

} // namespace jamfleet::interop
