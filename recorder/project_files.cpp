// Rendering of the session project files; GUIDs are drawn in the order a Jamulus
// server draws them (track id, then item IGUID and GUID per item).
#include "recorder/project_files.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <unistd.h>

#include "recorder/naming.h"

namespace jamfleet::recorder {
namespace {

std::string basename_of(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace

std::string random_guid() {
    std::random_device rd;
    std::mt19937_64 gen((static_cast<std::uint64_t>(rd()) << 32) ^ rd());
    std::uint64_t hi = gen();
    std::uint64_t lo = gen();
    hi = (hi & ~0xf000ull) | 0x4000ull;             // version 4
    lo = (lo & ~(0xc0ull << 56)) | (0x80ull << 56); // RFC 4122 variant
    char buf[40];
    std::snprintf(buf, sizeof buf, "{%08x-%04x-%04x-%04x-%012llx}", static_cast<unsigned>(hi >> 32),
                  static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                  static_cast<unsigned>(lo >> 48),
                  static_cast<unsigned long long>(lo & 0xffffffffffffull));
    return buf;
}

std::string render_lof(const SessionTracks& tracks, int frame_samples) {
    std::string out;
    for (const auto& [name, items] : tracks) {
        for (const auto& item : items) {
            out += "file \"" + basename_of(item.path) + "\" offset " +
                   seconds_at_48k(item.start_frame, frame_samples) + "\n";
        }
    }
    return out;
}

std::string render_rpp(const SessionTracks& tracks, int frame_samples,
                       const GuidGenerator& next_guid) {
    std::string out = "<REAPER_PROJECT 0.1 \"5.0\" 1551567848\n"
                      "  RECORD_PATH \"\" \"\"\n"
                      "  SAMPLERATE 48000 0 0\n"
                      "  TEMPO 120 4 4\n";
    int iid = 0;
    for (const auto& [name, items] : tracks) {
        const std::string track_id = next_guid();
        out += "  <TRACK " + track_id + "\n";
        out += "    NAME " + name + "\n";
        out += "    TRACKID " + track_id + "\n";
        int k = 1;
        for (const auto& item : items) {
            const std::string iguid = next_guid();
            const std::string guid = next_guid();
            out += "    <ITEM \n"; // the trailing space is part of the format
            out += "      FADEIN 0 0 0 0 0 0\n";
            out += "      FADEOUT 0 0 0 0 0 0\n";
            out += "      POSITION " + seconds_at_48k(item.start_frame, frame_samples) + "\n";
            out += "      LENGTH " + seconds_at_48k(item.frame_count, frame_samples) + "\n";
            out += "      IGUID " + iguid + "\n";
            out += "      IID " + std::to_string(iid) + "\n";
            out += "      NAME " + name + " (" + std::to_string(k) + ")\n";
            out += "      GUID " + guid + "\n";
            out += "      <SOURCE WAVE\n";
            out += "        FILE \"" + item.path + "\"\n";
            out += "      >\n";
            out += "    >\n";
            ++iid;
            ++k;
        }
        out += "  >\n";
    }
    out += ">\n";
    return out;
}

base::Status<std::string> write_new_file(const std::string& path, const std::string& content) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        return base::Err{std::string("create ") + path + ": " + std::strerror(errno)};
    }
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            const int err = n < 0 ? errno : ENOSPC;
            ::close(fd);
            return base::Err{std::string("write ") + path + ": " + std::strerror(err)};
        }
        done += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0) {
        return base::Err{std::string("close ") + path + ": " + std::strerror(errno)};
    }
    return base::kOk;
}

} // namespace jamfleet::recorder
