// Recorder: producer-side queueing (audio tick), control-side state (§7.1) and the
// writer thread that owns the session and every file descriptor.
#include "recorder/recorder.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <unistd.h>

namespace jamfleet::recorder {

std::string_view to_string(RecorderState state) {
    switch (state) {
    case RecorderState::NotInitialised:
        return "not_initialised";
    case RecorderState::NotEnabled:
        return "not_enabled";
    case RecorderState::Recording:
        return "recording";
    }
    return "unknown";
}

Recorder::Recorder(RecorderOptions options, const base::Clock& clock, base::Logger logger)
    : options_(std::move(options)), clock_(clock), logger_(std::move(logger)),
      queue_(options_.queue_slots) {
    if (!options_.guid_generator) {
        options_.guid_generator = random_guid;
    }
    {
        std::lock_guard lock(mutex_);
        enabled_request_ = options_.enabled;
        if (!options_.base_dir.empty()) {
            initialise_locked(options_.base_dir);
        }
        writer_base_dir_ = base_dir_;
        publish_state_locked();
    }
    if (options_.writer_thread) {
        writer_ = std::thread([this] { writer_main(); });
    }
}

Recorder::~Recorder() {
    stop();
}

void Recorder::initialise_locked(const std::string& base_dir) {
    std::error_code ec;
    auto path = std::filesystem::absolute(base_dir, ec).lexically_normal();
    std::string dir = path.string();
    if (dir.size() > 1 && dir.back() == '/') {
        dir.pop_back();
    }
    base_dir_ = dir;
    initialised_ = false;
    // The texts are Jamulus' own, since getRecorderStatus exposes them.
    if (!std::filesystem::exists(path, ec) && !std::filesystem::create_directories(path, ec)) {
        error_message_ = "'" + dir + "' does not exist but could not be created.";
    } else if (!std::filesystem::is_directory(path, ec)) {
        error_message_ = "'" + dir + "' exists but is not a directory";
    } else if (::access(dir.c_str(), W_OK) != 0) {
        error_message_ = "'" + dir + "' is a directory but cannot be written to";
    } else {
        error_message_.clear();
        initialised_ = true;
        return;
    }
    logger_.error("recorder not initialised", {{"dir", dir}, {"error", error_message_}});
}

void Recorder::publish_state_locked() {
    const RecorderState next = !initialised_      ? RecorderState::NotInitialised
                               : enabled_request_ ? RecorderState::Recording
                                                  : RecorderState::NotEnabled;
    if (next == state_.load(std::memory_order_relaxed) &&
        state_version_.load(std::memory_order_relaxed) != 0) {
        return;
    }
    state_.store(next, std::memory_order_release);
    state_version_.fetch_add(1, std::memory_order_acq_rel);
    if (callback_) {
        callback_(next);
    }
}

std::chrono::system_clock::time_point Recorder::wall_now() const {
    return options_.wall_clock ? options_.wall_clock() : std::chrono::system_clock::now();
}

// ---------------------------------------------------------------- producer side

bool Recorder::try_push_control(SlotKind kind, std::uint8_t channel_id) {
    FrameSlot* slot = queue_.begin_push();
    if (slot == nullptr) {
        return false;
    }
    slot->kind = kind;
    slot->channel_id = channel_id;
    queue_.commit_push();
    return true;
}

bool Recorder::flush_pending_left() {
    if (end_pending_) {
        if (!try_push_control(SlotKind::NoClients, 0)) {
            return false;
        }
        // The end of the session closes every file: pending departures are moot.
        end_pending_ = false;
        session_maybe_open_ = false;
        left_pending_.fill(false);
        any_left_pending_ = false;
        return true;
    }
    if (!any_left_pending_) {
        return true;
    }
    for (std::size_t id = 0; id < left_pending_.size(); ++id) {
        if (left_pending_[id]) {
            if (!try_push_control(SlotKind::ClientLeft, static_cast<std::uint8_t>(id))) {
                return false;
            }
            left_pending_[id] = false;
        }
    }
    any_left_pending_ = false;
    return true;
}

bool Recorder::on_frame(const ClientFrame& frame) {
    if (state_.load(std::memory_order_acquire) != RecorderState::Recording ||
        closed_.load(std::memory_order_relaxed)) {
        producer_was_idle_ = true;
        return false;
    }
    if (producer_was_idle_) {
        // Drops from before a pause must not turn into silence in a new session.
        dropped_per_channel_.fill(0);
        producer_was_idle_ = false;
    }
    const auto frame_samples = static_cast<std::size_t>(options_.frame_samples);
    if ((frame.channels != 1 && frame.channels != 2) || frame_samples > kMaxFrameSamples ||
        frame.samples.size() != frame_samples * frame.channels) {
        frames_rejected_.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    FrameSlot* slot = flush_pending_left() ? queue_.begin_push() : nullptr;
    if (slot == nullptr) {
        ++dropped_per_channel_[frame.channel_id];
        frames_dropped_.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    slot->kind = SlotKind::Frame;
    slot->channel_id = frame.channel_id;
    slot->channels = frame.channels;
    slot->frame_samples = static_cast<std::uint16_t>(frame_samples);
    slot->ip = frame.ip;
    slot->port = frame.port;
    const std::size_t name_bytes = std::min(frame.name.size(), kMaxNameBytes);
    std::copy_n(frame.name.data(), name_bytes, slot->name);
    slot->name_bytes = static_cast<std::uint8_t>(name_bytes);
    std::copy(frame.samples.begin(), frame.samples.end(), slot->samples);
    slot->dropped_before = dropped_per_channel_[frame.channel_id];
    dropped_per_channel_[frame.channel_id] = 0;
    queue_.commit_push();
    session_maybe_open_ = true;
    frames_enqueued_.fetch_add(1, std::memory_order_relaxed);
    return true;
}

void Recorder::client_left(std::uint8_t channel_id) {
    dropped_per_channel_[channel_id] = 0;
    if (!session_maybe_open_ || end_pending_) {
        return;
    }
    if (!flush_pending_left() || !try_push_control(SlotKind::ClientLeft, channel_id)) {
        left_pending_[channel_id] = true;
        any_left_pending_ = true;
    }
}

void Recorder::on_no_clients() {
    if (!session_maybe_open_ && !end_pending_) {
        return;
    }
    end_pending_ = true;
    flush_pending_left();
}

// ---------------------------------------------------------------- control side

void Recorder::set_enabled(bool enabled) {
    std::lock_guard lock(mutex_);
    enabled_request_ = enabled;
    commands_.push_back({enabled ? CommandKind::Enable : CommandKind::Disable, {}});
    publish_state_locked();
    wake_.notify_one();
}

void Recorder::toggle_enabled() {
    std::lock_guard lock(mutex_);
    enabled_request_ = !enabled_request_;
    commands_.push_back({enabled_request_ ? CommandKind::Enable : CommandKind::Disable, {}});
    publish_state_locked();
    wake_.notify_one();
}

void Recorder::restart_session() {
    std::lock_guard lock(mutex_);
    commands_.push_back({CommandKind::Restart, {}});
    wake_.notify_one();
}

void Recorder::set_directory(std::string base_dir) {
    std::lock_guard lock(mutex_);
    initialise_locked(base_dir);
    commands_.push_back({CommandKind::SetDirectory, base_dir_});
    publish_state_locked();
    wake_.notify_one();
}

void Recorder::set_state_callback(StateCallback callback) {
    std::lock_guard lock(mutex_);
    callback_ = std::move(callback);
}

RecorderStatus Recorder::status() const {
    std::lock_guard lock(mutex_);
    return RecorderStatus{initialised_, error_message_, initialised_ && enabled_request_,
                          base_dir_};
}

std::string Recorder::session_dir() const {
    std::lock_guard lock(mutex_);
    return session_dir_;
}

RecorderStats Recorder::stats() const {
    RecorderStats s;
    s.frames_enqueued = frames_enqueued_.load(std::memory_order_relaxed);
    s.frames_dropped = frames_dropped_.load(std::memory_order_relaxed);
    s.frames_rejected = frames_rejected_.load(std::memory_order_relaxed);
    s.frames_written = frames_written_.load(std::memory_order_relaxed);
    s.files_created = files_created_.load(std::memory_order_relaxed);
    s.sessions_started = sessions_started_.load(std::memory_order_relaxed);
    s.sessions_finished = sessions_finished_.load(std::memory_order_relaxed);
    s.header_syncs = header_syncs_.load(std::memory_order_relaxed);
    s.failures = failures_.load(std::memory_order_relaxed);
    return s;
}

} // namespace jamfleet::recorder
