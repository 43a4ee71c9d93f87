// The jam recorder: the mixer's audio tick hands each client's frame to `on_frame`
// (lock-free, allocation-free); a writer thread does all file I/O. Control calls
// (enable, restart, directory) and status follow Jamulus' recorder (§7.1).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "recorder/frame_queue.h"
#include "recorder/project_files.h"
#include "recorder/session.h"

namespace jamfleet::recorder {

// Values of RECORDER_STATE (docs/protocol.md §1.7).
enum class RecorderState : std::uint8_t { NotInitialised = 1, NotEnabled = 2, Recording = 3 };

struct RecorderOptions {
    std::string base_dir;    // `-R DIR`; empty: no recorder (state 1)
    bool enabled = true;     // false with `--norecord`
    int frame_samples = 128; // server frame size: 128, or 64 with --fastupdate
    std::size_t queue_slots = 4096;
    base::Duration header_interval = std::chrono::seconds(1);
    // How often an idle writer thread looks at the queue (the producer never wakes it).
    base::Duration writer_poll = std::chrono::milliseconds(5);
    // false: no thread; the owner calls `process_pending()` (deterministic tests).
    bool writer_thread = true;
    GuidGenerator guid_generator;                                      // empty: random
    std::function<std::chrono::system_clock::time_point()> wall_clock; // empty: system clock
};

// jamulusserver/getRecorderStatus.
struct RecorderStatus {
    bool initialised = false;
    std::string error_message;
    bool enabled = false;
    std::string recording_directory;
};

struct RecorderStats {
    std::uint64_t frames_enqueued = 0;
    std::uint64_t frames_dropped = 0;  // queue full
    std::uint64_t frames_rejected = 0; // bad channel count or size
    std::uint64_t frames_written = 0;
    std::uint64_t files_created = 0;
    std::uint64_t sessions_started = 0;
    std::uint64_t sessions_finished = 0;
    std::uint64_t header_syncs = 0;
    std::uint64_t failures = 0;
};

// One server frame of one client, as the mixer's tick has it.
struct ClientFrame {
    std::uint8_t channel_id = 0;
    std::uint32_t ip = 0; // host order
    std::uint16_t port = 0;
    std::string_view name; // UTF-8, the client's current name
    std::uint8_t channels = 1;
    std::span<const std::int16_t> samples; // interleaved, channels x frame_samples
};

class Recorder {
public:
    // Called whenever the state changes: from the writer thread (failures, and
    // control calls made on it) or inside the control call that changed it. Keep it
    // short: record or post to the owner's loop (e.g. to broadcast RECORDER_STATE);
    // it runs under the recorder's lock, so it must not call the recorder.
    using StateCallback = std::function<void(RecorderState)>;

    Recorder(RecorderOptions options, const base::Clock& clock, base::Logger logger);
    ~Recorder(); // finishes the session and joins the writer
    Recorder(const Recorder&) = delete;
    Recorder& operator=(const Recorder&) = delete;

    // --- producer side: one thread only (the audio tick); never blocks ---
    // Queues one frame; false when not recording, malformed or dropped (queue full).
    bool on_frame(const ClientFrame& frame);
    // The client on `channel_id` disconnected: its file is closed.
    void client_left(std::uint8_t channel_id);
    // A tick with no connected client: the session ends (cheap when none runs).
    void on_no_clients();

    // --- control side: any thread, may block briefly ---
    void set_enabled(bool enabled);           // startRecording / stopRecording
    void toggle_enabled();                    // SIGUSR2
    void restart_session();                   // restartRecording / SIGUSR1
    void set_directory(std::string base_dir); // setRecordingDirectory
    // Waits (bounded) until everything queued before the call is written and the
    // headers of open files are up to date. With writer_thread=false, processes inline.
    void flush();
    // Ends the session and stops the writer; later frames are ignored.
    void stop();

    RecorderState state() const { return state_.load(std::memory_order_acquire); }
    // Increments on every state change: a tick can poll it cheaply.
    std::uint64_t state_version() const { return state_version_.load(std::memory_order_acquire); }
    RecorderStatus status() const;
    RecorderStats stats() const;
    // The folder of the running session, empty when none.
    std::string session_dir() const;
    void set_state_callback(StateCallback callback);

    // Runs one writer iteration on the caller's thread (writer_thread=false only).
    void process_pending();

private:
    enum class CommandKind { Enable, Disable, Restart, SetDirectory };
    struct Command {
        CommandKind kind;
        std::string dir;
    };

    bool try_push_control(SlotKind kind, std::uint8_t channel_id);
    bool flush_pending_left();
    void writer_main();
    void writer_step(std::vector<Command> commands, bool force_sync);
    void apply_command(const Command& command);
    void handle_slot(const FrameSlot& slot);
    bool start_session();
    void end_session();
    void fail(const std::string& error);
    // Under mutex_: recompute state from the flags, publish and notify if changed.
    void publish_state_locked();
    std::chrono::system_clock::time_point wall_now() const;
    void initialise_locked(const std::string& base_dir);

    RecorderOptions options_;
    const base::Clock& clock_;
    base::Logger logger_;
    SpscQueue<FrameSlot> queue_;

    std::atomic<RecorderState> state_{RecorderState::NotInitialised};
    std::atomic<std::uint64_t> state_version_{0};
    std::atomic<bool> closed_{false}; // after stop()

    // Producer-owned.
    std::array<std::uint32_t, 256> dropped_per_channel_{};
    std::array<bool, 256> left_pending_{};
    bool any_left_pending_ = false;
    bool end_pending_ = false;
    bool session_maybe_open_ = false;
    bool producer_was_idle_ = true;
    std::atomic<std::uint64_t> frames_enqueued_{0};
    std::atomic<std::uint64_t> frames_dropped_{0};
    std::atomic<std::uint64_t> frames_rejected_{0};

    // Control state, under mutex_.
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable synced_;
    bool initialised_ = false;
    bool enabled_request_ = true;
    std::string error_message_;
    std::string base_dir_;
    std::vector<Command> commands_;
    std::uint64_t sync_requested_ = 0;
    std::uint64_t sync_done_ = 0;
    bool stopping_ = false;
    bool stopped_ = false;
    StateCallback callback_;
    std::string session_dir_;

    // Writer-owned.
    std::optional<Session> session_;
    std::string writer_base_dir_;
    base::TimePoint next_header_sync_{};
    std::atomic<std::uint64_t> frames_written_{0};
    std::atomic<std::uint64_t> files_created_{0};
    std::atomic<std::uint64_t> sessions_started_{0};
    std::atomic<std::uint64_t> sessions_finished_{0};
    std::atomic<std::uint64_t> header_syncs_{0};
    std::atomic<std::uint64_t> failures_{0};

    std::thread writer_;
};

std::string_view to_string(RecorderState state);

} // namespace jamfleet::recorder
