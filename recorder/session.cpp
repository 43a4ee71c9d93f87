// Session bookkeeping of the jam recorder; the frame counter and file-switch rules
// follow docs/protocol.md §7.2/§7.3 so offsets line up as with a Jamulus server.
#include "recorder/session.h"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

#include "recorder/naming.h"

namespace jamfleet::recorder {

base::Result<Session, std::string> Session::start(const std::string& base_dir,
                                                  std::chrono::system_clock::time_point now,
                                                  int frame_samples) {
    std::string name = session_dir_name(now);
    std::string dir = base_dir;
    if (dir.empty() || dir.back() != '/') {
        dir += '/';
    }
    dir += name;
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
        return base::Err{"create session folder " + dir + ": " + std::strerror(errno)};
    }
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        return base::Err{"create session folder " + dir + ": exists but is not a folder"};
    }
    return Session(std::move(dir), std::move(name), frame_samples);
}

base::Status<std::string> Session::open_track(const FrameSlot& slot, std::string_view name) {
    const std::string stem = wav_file_stem(name, slot.ip, slot.port, current_frame_, slot.channels);
    // `_1`, `_2`, ... when a file of that name exists already (same client reconnecting
    // from the same address within one frame, or a reused session folder).
    for (int k = 0;; ++k) {
        // Appended piece by piece: g++ 12 -O3 warns falsely (-Wrestrict) on "_" + string.
        std::string path = dir_ + "/" + stem;
        if (k > 0) {
            path += '_';
            path += std::to_string(k);
        }
        path += ".wav";
        if (::access(path.c_str(), F_OK) == 0 && k < 10000) {
            continue;
        }
        auto file = WavFile::create(path, slot.channels);
        if (!file) {
            return base::Err{file.error()};
        }
        open_[slot.channel_id] =
            OpenTrack{std::move(file).value(), current_frame_, 0, slot.channels, slot.ip, slot.port,
                      std::string(name)};
        ++files_created_;
        return base::kOk;
    }
}

base::Status<std::string> Session::close_track(std::uint8_t channel_id) {
    auto& track = open_[channel_id];
    if (!track) {
        return base::kOk;
    }
    auto st = track->file.finalize();
    tracks_[client_track_name(track->latest_name, track->ip, track->port)].push_back(
        TrackItem{track->start_frame, track->frame_count, track->file.path()});
    track.reset();
    return st;
}

base::Status<std::string> Session::on_frame(const FrameSlot& slot) {
    const std::string_view name(slot.name, slot.name_bytes);
    auto& track = open_[slot.channel_id];
    if (track &&
        (track->channels != slot.channels || track->ip != slot.ip || track->port != slot.port)) {
        if (auto st = close_track(slot.channel_id); !st) {
            return st;
        }
    }
    if (!track) {
        if (auto st = open_track(slot, name); !st) {
            return st;
        }
    }
    if (track->latest_name != name) {
        track->latest_name.assign(name);
    }
    const std::size_t frame_values = std::size_t{slot.frame_samples} * slot.channels;
    if (slot.dropped_before > 0) {
        if (auto st = track->file.append_silence(frame_values * slot.dropped_before); !st) {
            return st;
        }
        track->frame_count += slot.dropped_before;
    }
    if (auto st = track->file.append({slot.samples, frame_values}); !st) {
        return st;
    }
    ++track->frame_count;
    // The session clock advances when any client's file runs past it: one step per
    // tick with at least one frame, more only to cover frames the queue dropped.
    const std::int64_t end = track->start_frame + track->frame_count;
    if (end > current_frame_) {
        current_frame_ = end;
    }
    return base::kOk;
}

base::Status<std::string> Session::client_left(std::uint8_t channel_id) {
    return close_track(channel_id);
}

base::Status<std::string> Session::sync_headers() {
    base::Status<std::string> result = base::kOk;
    for (auto& track : open_) {
        if (track) {
            if (auto st = track->file.sync_header(); !st && result) {
                result = st;
            }
        }
    }
    return result;
}

base::Status<std::string> Session::finish(const GuidGenerator& next_guid) {
    base::Status<std::string> result = base::kOk;
    for (std::size_t id = 0; id < open_.size(); ++id) {
        if (auto st = close_track(static_cast<std::uint8_t>(id)); !st && result) {
            result = st;
        }
    }
    if (auto st = write_new_file(dir_ + "/" + name_ + ".rpp",
                                 render_rpp(tracks_, frame_samples_, next_guid));
        !st && result) {
        result = st;
    }
    if (auto st = write_new_file(dir_ + "/" + name_ + ".lof", render_lof(tracks_, frame_samples_));
        !st && result) {
        result = st;
    }
    return result;
}

} // namespace jamfleet::recorder
