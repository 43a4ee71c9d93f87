// Recorder, writer side: drains the frame queue, owns the session and its files,
// keeps WAV headers current and turns any file error into "recording stopped".
#include "recorder/recorder.h"

namespace jamfleet::recorder {

void Recorder::writer_main() {
    std::uint64_t synced = 0;
    for (;;) {
        std::vector<Command> commands;
        bool stop = false;
        std::uint64_t sync_target = 0;
        {
            std::unique_lock lock(mutex_);
            const auto woken = [&] {
                return !commands_.empty() || stopping_ || sync_requested_ > synced;
            };
            // While nothing can arrive through the queue (not recording, no session),
            // sleep until a control call; otherwise poll, since the producer never wakes us.
            if (!session_ && state() != RecorderState::Recording) {
                wake_.wait(lock, woken);
            } else {
                wake_.wait_for(lock, options_.writer_poll, woken);
            }
            commands.swap(commands_);
            stop = stopping_;
            sync_target = sync_requested_;
        }
        writer_step(std::move(commands), sync_target > synced);
        if (sync_target > synced) {
            synced = sync_target;
            std::lock_guard lock(mutex_);
            sync_done_ = synced;
            synced_.notify_all();
        }
        if (stop) {
            end_session();
            return;
        }
    }
}

void Recorder::process_pending() {
    std::vector<Command> commands;
    {
        std::lock_guard lock(mutex_);
        commands.swap(commands_);
    }
    writer_step(std::move(commands), false);
}

void Recorder::flush() {
    if (!options_.writer_thread) {
        std::vector<Command> commands;
        {
            std::lock_guard lock(mutex_);
            commands.swap(commands_);
        }
        writer_step(std::move(commands), true);
        return;
    }
    std::unique_lock lock(mutex_);
    if (stopped_ || stopping_) {
        return;
    }
    const std::uint64_t target = ++sync_requested_;
    wake_.notify_one();
    synced_.wait_for(lock, std::chrono::seconds(10), [&] { return sync_done_ >= target; });
}

void Recorder::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopped_) {
            return;
        }
        stopping_ = true;
        wake_.notify_one();
    }
    if (writer_.joinable()) {
        writer_.join();
    } else {
        process_pending();
        end_session();
    }
    std::lock_guard lock(mutex_);
    stopped_ = true;
    // Nothing drains the queue any more: make the producer side a no-op.
    closed_.store(true, std::memory_order_release);
}

void Recorder::writer_step(std::vector<Command> commands, bool force_sync) {
    for (const auto& command : commands) {
        apply_command(command);
    }
    while (const FrameSlot* slot = queue_.front()) {
        handle_slot(*slot);
        queue_.pop();
    }
    const base::TimePoint now = clock_.now();
    if (session_ && (force_sync || now >= next_header_sync_)) {
        next_header_sync_ = now + options_.header_interval;
        header_syncs_.fetch_add(1, std::memory_order_relaxed);
        if (auto st = session_->sync_headers(); !st) {
            fail(st.error());
        }
    }
}

void Recorder::apply_command(const Command& command) {
    switch (command.kind) {
    case CommandKind::Enable:
        break; // the next frame starts a session
    case CommandKind::Disable:
        end_session();
        break;
    case CommandKind::Restart:
        // Only a running session is restarted; the new folder is created right away.
        if (session_) {
            end_session();
            if (state() == RecorderState::Recording) {
                start_session();
            }
        }
        break;
    case CommandKind::SetDirectory:
        end_session();
        writer_base_dir_ = command.dir;
        break;
    }
}

void Recorder::handle_slot(const FrameSlot& slot) {
    switch (slot.kind) {
    case SlotKind::Frame: {
        if (state() != RecorderState::Recording) {
            return; // disabled after this frame was queued
        }
        if (!session_ && !start_session()) {
            return;
        }
        const std::size_t before = session_->files_created();
        if (auto st = session_->on_frame(slot); !st) {
            fail(st.error());
            return;
        }
        files_created_.fetch_add(session_->files_created() - before, std::memory_order_relaxed);
        frames_written_.fetch_add(1 + std::uint64_t{slot.dropped_before},
                                  std::memory_order_relaxed);
        return;
    }
    case SlotKind::ClientLeft:
        if (session_) {
            if (auto st = session_->client_left(slot.channel_id); !st) {
                fail(st.error());
            }
        }
        return;
    case SlotKind::NoClients:
        end_session();
        return;
    }
}

bool Recorder::start_session() {
    auto started = Session::start(writer_base_dir_, wall_now(), options_.frame_samples);
    if (!started) {
        fail(started.error());
        return false;
    }
    session_.emplace(std::move(started).value());
    sessions_started_.fetch_add(1, std::memory_order_relaxed);
    next_header_sync_ = clock_.now() + options_.header_interval;
    logger_.info("recording session started", {{"dir", session_->dir()}});
    std::lock_guard lock(mutex_);
    session_dir_ = session_->dir();
    return true;
}

void Recorder::end_session() {
    if (!session_) {
        return;
    }
    auto st = session_->finish(options_.guid_generator);
    std::size_t items = 0;
    for (const auto& [name, list] : session_->tracks()) {
        items += list.size();
    }
    if (st) {
        logger_.info(
            "recording session finished",
            {{"dir", session_->dir()}, {"files", items}, {"frames", session_->current_frame()}});
    } else {
        logger_.error("recording session finished with errors",
                      {{"dir", session_->dir()}, {"files", items}, {"error", st.error()}});
    }
    session_.reset();
    sessions_finished_.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard lock(mutex_);
    session_dir_.clear();
}

void Recorder::fail(const std::string& error) {
    failures_.fetch_add(1, std::memory_order_relaxed);
    logger_.error("recording stopped by a file error; the room keeps playing", {{"error", error}});
    end_session();
    std::lock_guard lock(mutex_);
    // As in Jamulus, a failure disables recording (state 2) and is shown in status.
    enabled_request_ = false;
    error_message_ = error;
    publish_state_locked();
}

} // namespace jamfleet::recorder
