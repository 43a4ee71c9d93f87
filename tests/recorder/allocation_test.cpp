// Proves the producer side of the recorder (what the mixer's tick calls) allocates
// nothing: operator new is replaced in this executable only and counts calls made on
// the producer thread while a window is open; the writer thread allocates freely.
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <vector>

#include <gtest/gtest.h>

#include "recorder/recorder.h"
#include "tests/recorder/test_util.h"

namespace {
// Counting state for the replaced operator new (the one place globals are needed).
thread_local bool t_counting = false;
std::atomic<std::uint64_t> g_allocations{0};

void* counted_alloc(std::size_t size) {
    if (t_counting) {
        g_allocations.fetch_add(1, std::memory_order_relaxed);
    }
    if (void* p = std::malloc(size == 0 ? 1 : size)) {
        return p;
    }
    throw std::bad_alloc();
}
} // namespace

void* operator new(std::size_t size) {
    return counted_alloc(size);
}
void* operator new[](std::size_t size) {
    return counted_alloc(size);
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete[](void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    std::free(p);
}

namespace jamfleet::recorder {
namespace {

TEST(RecorderProducer, AllocatesNothingWhileRecording) {
    test::TempDir dir;
    base::SteadyClock clock;
    RecorderOptions options;
    options.base_dir = dir.path();
    options.queue_slots = 64; // small, so the full-queue path runs too
    Recorder recorder(options, clock, base::Logger("recorder", [](std::string_view) {}));
    std::vector<std::int16_t> mono(128, 5);
    std::vector<std::int16_t> stereo(256, 6);
    const std::string name = "A rather long client name";

    t_counting = true;
    for (int tick = 0; tick < 3000; ++tick) {
        for (std::uint8_t id = 0; id < 8; ++id) {
            (void)recorder.on_frame({id, 0x7f000001, static_cast<std::uint16_t>(2000 + id), name,
                                     static_cast<std::uint8_t>(id % 2 + 1),
                                     id % 2 ? stereo : mono});
        }
        if (tick % 500 == 499) {
            recorder.client_left(3);
        }
        if (tick % 1000 == 999) {
            recorder.on_no_clients();
        }
    }
    t_counting = false;

    EXPECT_EQ(g_allocations.load(), 0u);
    recorder.flush();
    const auto stats = recorder.stats();
    EXPECT_GT(stats.frames_enqueued, 0u);
    EXPECT_EQ(stats.frames_enqueued + stats.frames_dropped, 3000u * 8u);
}

} // namespace
} // namespace jamfleet::recorder
