// Audacity `.lof` and REAPER `.rpp` project files of a finished session, laid out
// exactly as a Jamulus 3.9.1 server writes them (docs/protocol.md §7.4, §7.5).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/result.h"

namespace jamfleet::recorder {

// One closed WAV file of a session.
struct TrackItem {
    std::int64_t start_frame = 0;
    std::int64_t frame_count = 0;
    std::string path; // absolute
};

// Track name (client's latest mapped name + `-` + mapped address) -> its items in
// closing order. std::map keeps the names sorted as Jamulus' QMap does (ASCII only).
using SessionTracks = std::map<std::string, std::vector<TrackItem>>;

// Returns a new `{8-4-4-4-12}` lower-case GUID; injectable so tests are exact.
using GuidGenerator = std::function<std::string()>;

// A random version-4 GUID in braces.
std::string random_guid();

std::string render_lof(const SessionTracks& tracks, int frame_samples);
std::string render_rpp(const SessionTracks& tracks, int frame_samples,
                       const GuidGenerator& next_guid);

// Writes `content` to `path` unless the file exists (never overwrites).
base::Status<std::string> write_new_file(const std::string& path, const std::string& content);

} // namespace jamfleet::recorder
