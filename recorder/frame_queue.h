// Bounded lock-free single-producer/single-consumer queue of preallocated slots:
// the mixer's audio tick fills slots in place (no allocation, no lock, no syscall)
// and the recorder's writer thread drains them.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <type_traits>

namespace jamfleet::recorder {

// Largest server frame (128 samples) times the largest channel count (stereo).
inline constexpr std::size_t kMaxFrameSamples = 128;
inline constexpr std::size_t kMaxSlotSamples = kMaxFrameSamples * 2;
// Client names are at most 16 UTF-16 units on the wire, so 64 UTF-8 bytes suffice.
inline constexpr std::size_t kMaxNameBytes = 64;

enum class SlotKind : std::uint8_t {
    Frame,      // one server frame of one client
    ClientLeft, // the client's connection ended: close its file
    NoClients,  // a tick with no client: the session ends
};

struct FrameSlot {
    SlotKind kind = SlotKind::Frame;
    std::uint8_t channel_id = 0;
    std::uint8_t channels = 1;
    std::uint8_t name_bytes = 0;
    std::uint16_t frame_samples = 0; // per channel
    std::uint16_t port = 0;
    std::uint32_t ip = 0;
    // Frames of this channel the queue dropped just before this one: the writer
    // writes silence in their place so the track stays aligned with the others.
    std::uint32_t dropped_before = 0;
    char name[kMaxNameBytes] = {};
    std::int16_t samples[kMaxSlotSamples] = {};
};

template <typename T>
class SpscQueue {
public:
    // `capacity` is rounded up to a power of two; all slots are allocated here.
    // calloc rather than new T[]: a large calloc maps zero pages that become resident
    // only when a slot is first written, so a room that never records keeps its
    // megabytes of slots out of its RSS. All-zero bytes are a valid, value-initialised T.
    explicit SpscQueue(std::size_t capacity) {
        std::size_t c = 2;
        while (c < capacity) {
            c *= 2;
        }
        mask_ = c - 1;
        slots_.reset(static_cast<T*>(std::calloc(c, sizeof(T))));
        if (!slots_) {
            throw std::bad_alloc();
        }
    }
    SpscQueue(const SpscQueue&) = delete;
    SpscQueue& operator=(const SpscQueue&) = delete;

    std::size_t capacity() const { return mask_ + 1; }

    // Producer: the next free slot to fill, or nullptr when full.
    T* begin_push() {
        const std::size_t tail = tail_.load(std::memory_order_relaxed);
        if (tail - head_cache_ > mask_) {
            head_cache_ = head_.load(std::memory_order_acquire);
            if (tail - head_cache_ > mask_) {
                return nullptr;
            }
        }
        return slots_.get() + (tail & mask_);
    }
    // Producer: publishes the slot returned by begin_push.
    void commit_push() {
        tail_.store(tail_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    }

    // Consumer: the oldest published slot, or nullptr when empty.
    const T* front() {
        const std::size_t head = head_.load(std::memory_order_relaxed);
        if (head == tail_cache_) {
            tail_cache_ = tail_.load(std::memory_order_acquire);
            if (head == tail_cache_) {
                return nullptr;
            }
        }
        return slots_.get() + (head & mask_);
    }
    // Consumer: releases the slot returned by front.
    void pop() {
        head_.store(head_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    }

private:
    // Producer and consumer indices on their own cache lines to avoid false sharing.
    alignas(64) std::atomic<std::size_t> tail_{0};
    std::size_t head_cache_ = 0; // producer's view of head_
    alignas(64) std::atomic<std::size_t> head_{0};
    std::size_t tail_cache_ = 0; // consumer's view of tail_
    alignas(64) std::size_t mask_ = 0;
    struct FreeSlots {
        void operator()(T* p) const { std::free(p); }
    };
    static_assert(std::is_trivially_copyable_v<T> && std::is_aggregate_v<T>,
                  "slots are implicit-lifetime objects created by calloc");
    std::unique_ptr<T, FreeSlots> slots_;
};

} // namespace jamfleet::recorder
