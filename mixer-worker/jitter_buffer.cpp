// Jitter buffer: FIFO and sequence-window modes and the auto-size statistics.
#include "mixer-worker/jitter_buffer.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace jamfleet::mixer {

void JitterSizer::configure(int frame_samples) {
    const bool small = frame_samples == 64;
    window_ = small ? 22500 : 11000;
    bound_ = small ? 0.00025 : 0.0005;
    emergency_bound_ = small ? 0.005 : 0.01;
    // Growing uses the faster weight: a too-small buffer costs dropouts at once,
    // a too-large one only latency.
    weight_up_ = small ? 0.99994999875 : 0.9999;
    weight_down_ = small ? 0.9999975 : 0.999995;
    fast_up_ = small ? 0.99949988 : 0.999;
    fast_down_ = small ? 0.99974997 : 0.9995;
    history_.assign(window_ * kShadowCount, 0);
    for (int i = 0; i < kShadowCount; ++i) {
        shadows_[i].size = kShadowMinSize + i;
    }
    filtered_ = kInitialSize;
    current_ = kInitialSize;
    restart_statistics();
}

void JitterSizer::restart_statistics() {
    std::fill(history_.begin(), history_.end(), std::uint8_t{0});
    std::fill(std::begin(errors_), std::end(errors_), 0u);
    history_pos_ = 0;
    events_ = 0;
    for (auto& s : shadows_) {
        s.fill = s.size / 2;
        s.last_was_error = false;
    }
}

void JitterSizer::record(int shadow, bool error) {
    Shadow& s = shadows_[shadow];
    // A burst of consecutive errors counts once: one network hiccup is one event.
    const bool counted = error && !s.last_was_error;
    s.last_was_error = error;
    if (error) {
        s.fill = s.size / 2;
    }
    std::uint8_t& slot = history_[history_pos_ * kShadowCount + static_cast<std::size_t>(shadow)];
    errors_[shadow] -= slot;
    slot = counted ? 1 : 0;
    errors_[shadow] += slot;
}

void JitterSizer::on_put() {
    if (history_.empty()) {
        return;
    }
    for (int i = 0; i < kShadowCount; ++i) {
        Shadow& s = shadows_[i];
        const bool error = s.fill >= s.size;
        if (!error) {
            ++s.fill;
        }
        record(i, error);
    }
    history_pos_ = (history_pos_ + 1) % window_;
    ++events_;
}

void JitterSizer::on_get() {
    if (history_.empty()) {
        return;
    }
    for (int i = 0; i < kShadowCount; ++i) {
        Shadow& s = shadows_[i];
        const bool error = s.fill <= 0;
        if (!error) {
            --s.fill;
        }
        record(i, error);
    }
    history_pos_ = (history_pos_ + 1) % window_;
    ++events_;
}

double JitterSizer::error_rate(int size) const {
    const int i = size - kShadowMinSize;
    if (i < 0 || i >= kShadowCount || events_ == 0) {
        return 0;
    }
    const auto n = std::min(events_, window_);
    return static_cast<double>(errors_[i]) / static_cast<double>(n);
}

int JitterSizer::update() {
    if (history_.empty()) {
        return current_;
    }
    auto decide = [this](double bound) -> std::optional<int> {
        for (int size = kShadowMinSize; size < kShadowMinSize + kShadowCount - 1; ++size) {
            if (error_rate(size) <= bound) {
                return size;
            }
        }
        return std::nullopt;
    };
    const int decision = decide(bound_).value_or(kShadowMinSize + kShadowCount - 1);
    const auto emergency = decide(emergency_bound_);
    if (!emergency) {
        restart_statistics();
    }
    const bool initial_phase = events_ < window_ / 4;
    const bool fast = initial_phase || (emergency && current_ < *emergency);
    const double target = decision;
    const double w =
        target > filtered_ ? (fast ? fast_up_ : weight_up_) : (fast ? fast_down_ : weight_down_);
    filtered_ = w * filtered_ + (1.0 - w) * target;
    // Jamulus rounds with a 0.1 hysteresis against its initial value (6), not
    // against the last decision (a quirk kept for identical behaviour).
    const double hysteresis = 0.1;
    current_ = static_cast<int>(
        std::lround(filtered_ > kInitialSize ? filtered_ - hysteresis : filtered_ + hysteresis));
    current_ = std::clamp(current_, kMinJitterBlocks, kMaxJitterBlocks);
    return current_;
}

JitterBuffer::JitterBuffer() = default;

void JitterBuffer::configure(std::size_t block_bytes, bool with_sequence, int frame_samples) {
    block_bytes_ = block_bytes;
    with_sequence_ = with_sequence;
    storage_.assign(block_bytes * kMaxJitterBlocks, 0);
    valid_.assign(kMaxJitterBlocks, false);
    sizer_.configure(frame_samples);
    clear();
}

void JitterBuffer::clear() {
    reads_in_period_ = 0;
    min_fill_ = kMaxJitterBlocks;
    read_ = 0;
    count_ = 0;
    anchored_ = false;
    std::fill(valid_.begin(), valid_.end(), false);
}

int JitterBuffer::fill() const {
    if (!with_sequence_) {
        return static_cast<int>(count_);
    }
    return static_cast<int>(std::count(valid_.begin(), valid_.end(), true));
}

void JitterBuffer::set_requested_size(int value) {
    if (value == kAutoJitterValue) {
        auto_ = true;
        resize_window(sizer_.size());
    } else if (value >= kMinJitterBlocks && value <= kMaxJitterBlocks) {
        auto_ = false;
        resize_window(value);
    }
}

// Storage is always kMaxJitterBlocks slots used as a ring; the size only limits
// how many may be held (FIFO) or how far ahead the window reaches.
void JitterBuffer::resize_window(int new_size) {
    size_ = new_size;
    if (!with_sequence_) {
        while (count_ > static_cast<std::size_t>(size_)) {
            // Drop the oldest to keep the newest audio.
            read_ = (read_ + 1) % kMaxJitterBlocks;
            --count_;
        }
        return;
    }
    for (int i = size_; i < kMaxJitterBlocks; ++i) {
        valid_[(read_ + static_cast<std::size_t>(i)) % kMaxJitterBlocks] = false;
    }
}

bool JitterBuffer::put(std::span<const std::uint8_t> block, std::uint8_t seq) {
    if (block.size() != block_bytes_ || block_bytes_ == 0) {
        return false;
    }
    bool ok = true;
    if (!with_sequence_) {
        if (count_ >= static_cast<std::size_t>(size_)) {
            ok = false;
        } else {
            std::memcpy(slot((read_ + count_) % kMaxJitterBlocks), block.data(), block_bytes_);
            ++count_;
        }
    } else {
        if (!anchored_) {
            anchored_ = true;
            expected_seq_ = seq;
        }
        int offset = static_cast<std::int8_t>(static_cast<std::uint8_t>(seq - expected_seq_));
        const int n = size_;
        if (offset < 0) {
            // Older than the window: move the window back so it starts at this frame.
            const int back = -offset;
            read_ =
                (read_ + kMaxJitterBlocks * 8 - static_cast<std::size_t>(back)) % kMaxJitterBlocks;
            expected_seq_ = seq;
            for (int i = 0; i < std::min(back, n); ++i) {
                valid_[(read_ + static_cast<std::size_t>(i)) % kMaxJitterBlocks] = false;
            }
            for (int i = n; i < kMaxJitterBlocks; ++i) {
                valid_[(read_ + static_cast<std::size_t>(i)) % kMaxJitterBlocks] = false;
            }
            offset = 0;
        } else if (offset >= n) {
            // Beyond the window: advance it so this frame becomes the last slot.
            const int shift = offset - n + 1;
            for (int i = 0; i < std::min(shift, kMaxJitterBlocks); ++i) {
                valid_[(read_ + static_cast<std::size_t>(i)) % kMaxJitterBlocks] = false;
            }
            read_ = (read_ + static_cast<std::size_t>(shift)) % kMaxJitterBlocks;
            expected_seq_ = static_cast<std::uint8_t>(expected_seq_ + shift);
            offset = n - 1;
        }
        const std::size_t index = (read_ + static_cast<std::size_t>(offset)) % kMaxJitterBlocks;
        std::memcpy(slot(index), block.data(), block_bytes_);
        valid_[index] = true;
    }
    sizer_.on_put();
    return ok;
}

bool JitterBuffer::get(std::span<std::uint8_t> out) {
    if (block_bytes_ == 0 || out.size() < block_bytes_) {
        return false;
    }
    sizer_.on_get();
    bool have = false;
    if (!with_sequence_) {
        if (count_ > 0) {
            std::memcpy(out.data(), slot(read_), block_bytes_);
            read_ = (read_ + 1) % kMaxJitterBlocks;
            --count_;
            have = true;
        }
    } else if (anchored_) {
        have = valid_[read_];
        if (have) {
            std::memcpy(out.data(), slot(read_), block_bytes_);
        }
        valid_[read_] = false;
        read_ = (read_ + 1) % kMaxJitterBlocks;
        expected_seq_ = static_cast<std::uint8_t>(expected_seq_ + 1);
    }
    trim_latency();
    return have;
}

void JitterBuffer::drop_oldest() {
    if (!with_sequence_) {
        if (count_ > 0) {
            read_ = (read_ + 1) % kMaxJitterBlocks;
            --count_;
        }
        return;
    }
    valid_[read_] = false;
    read_ = (read_ + 1) % kMaxJitterBlocks;
    expected_seq_ = static_cast<std::uint8_t>(expected_seq_ + 1);
}

// Neither the FIFO nor the window ever shrinks the delay by itself once jitter or
// a late frame has raised it, so a client could keep extra latency for the whole
// session. When every read of a period still left two or more frames waiting,
// the oldest is dropped: one frame less delay, one frame of margin kept.
void JitterBuffer::trim_latency() {
    if (with_sequence_) {
        int waiting = 0;
        for (int i = 0; i < size_; ++i) {
            waiting += valid_[(read_ + static_cast<std::size_t>(i)) % kMaxJitterBlocks] ? 1 : 0;
        }
        // Frames behind a gap are not yet playable margin; count the leading run.
        int leading = 0;
        while (leading < size_ &&
               valid_[(read_ + static_cast<std::size_t>(leading)) % kMaxJitterBlocks]) {
            ++leading;
        }
        min_fill_ = std::min(min_fill_, std::min(waiting, leading));
    } else {
        min_fill_ = std::min(min_fill_, static_cast<int>(count_));
    }
    if (++reads_in_period_ < kTrimPeriodReads) {
        return;
    }
    if (min_fill_ >= 2) {
        drop_oldest();
        ++trimmed_;
    }
    reads_in_period_ = 0;
    min_fill_ = kMaxJitterBlocks;
}

std::optional<int> JitterBuffer::update_auto_size() {
    if (!auto_ || block_bytes_ == 0) {
        return std::nullopt;
    }
    const int decided = sizer_.update();
    if (decided == size_) {
        return std::nullopt;
    }
    resize_window(decided);
    return decided;
}

} // namespace jamfleet::mixer
