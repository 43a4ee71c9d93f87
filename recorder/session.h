// One recording session, owned by the recorder's writer thread: the session folder,
// one open WAV per client connection, the session frame counter and, at the end,
// the project files.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "base/result.h"
#include "recorder/frame_queue.h"
#include "recorder/project_files.h"
#include "recorder/wav_file.h"

namespace jamfleet::recorder {

class Session {
public:
    // Creates `<base_dir>/Jam-YYYYMMDD-HHMMSSmmm` (an existing folder of that name is reused).
    static base::Result<Session, std::string> start(const std::string& base_dir,
                                                    std::chrono::system_clock::time_point now,
                                                    int frame_samples);

    Session(Session&&) noexcept = default;
    Session& operator=(Session&&) noexcept = default;

    // Writes one client frame, opening a new file at the client's first frame or when
    // its channel count or address changed.
    base::Status<std::string> on_frame(const FrameSlot& slot);
    // Closes the file of a client whose connection ended.
    base::Status<std::string> client_left(std::uint8_t channel_id);
    // Rewrites the header of every open file with its current size (crash safety).
    base::Status<std::string> sync_headers();
    // Closes every file, then writes `<name>.rpp` and `<name>.lof` (never overwriting).
    // Returns the first error; still closes and writes what it can after one.
    base::Status<std::string> finish(const GuidGenerator& next_guid);

    const std::string& dir() const { return dir_; }
    const std::string& name() const { return name_; }
    std::int64_t current_frame() const { return current_frame_; }
    std::size_t files_created() const { return files_created_; }
    const SessionTracks& tracks() const { return tracks_; }

private:
    struct OpenTrack {
        WavFile file;
        std::int64_t start_frame = 0;
        std::int64_t frame_count = 0;
        std::uint8_t channels = 1;
        std::uint32_t ip = 0;
        std::uint16_t port = 0;
        std::string latest_name; // the client's name as last seen, for the track name
    };

    Session(std::string dir, std::string name, int frame_samples)
        : dir_(std::move(dir)), name_(std::move(name)), frame_samples_(frame_samples) {}
    base::Status<std::string> open_track(const FrameSlot& slot, std::string_view name);
    base::Status<std::string> close_track(std::uint8_t channel_id);

    std::string dir_;
    std::string name_;
    int frame_samples_ = 128;
    std::int64_t current_frame_ = 0;
    std::size_t files_created_ = 0;
    std::array<std::optional<OpenTrack>, 256> open_{};
    SessionTracks tracks_;
};

} // namespace jamfleet::recorder
