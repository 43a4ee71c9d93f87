// TickPool: helper threads, the generation handshake and the claim/complete protocol
// (see tick_pool.h for the design and why it needs no lock).
#include "mixer-worker/tick_pool.h"

#include <algorithm>
#include <limits>
#include <string>

#include <pthread.h>

namespace jamfleet::mixer {
namespace {

// Largest batch the 32-bit counters can describe (32 bits so that std::atomic::wait is a
// plain futex on Linux).
constexpr std::size_t kMaxBatch = std::numeric_limits<std::uint32_t>::max();

// Tells the core (and a hyper-threaded sibling) that this is a spin-wait loop.
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

} // namespace

TickPool::TickPool(int helper_threads) : TickPool(helper_threads, Spin()) {}

TickPool::TickPool(int helper_threads, Spin spin) : spin_(spin) {
    const int count = std::max(helper_threads, 0);
    helpers_.reserve(static_cast<std::size_t>(count));
    try {
        for (int i = 1; i <= count; ++i) {
            helpers_.emplace_back([this, i] { helper_main(i); });
            // Named so that top -H and perf show which threads are the tick's.
            const std::string name = "jf-tick-" + std::to_string(i);
            pthread_setname_np(helpers_.back().native_handle(), name.c_str());
        }
    } catch (...) {
        // The helpers already started would wait forever: stop them before the vector joins.
        stop_.store(true, std::memory_order_release);
        generation_.fetch_add(1, std::memory_order_release);
        generation_.notify_all();
        throw;
    }
}

TickPool::~TickPool() {
    stop_.store(true, std::memory_order_release);
    generation_.fetch_add(1, std::memory_order_release);
    generation_.notify_all();
    for (auto& helper : helpers_) {
        helper.join();
    }
}

template <class Pred>
bool TickPool::spin_until(std::chrono::nanoseconds limit, Pred pred) {
    if (limit.count() <= 0) {
        return pred();
    }
    const auto start = std::chrono::steady_clock::now();
    for (unsigned i = 1;; ++i) {
        if (pred()) {
            return true;
        }
        cpu_relax();
        // Reading the clock costs ~20 ns: check it only every few dozen pauses.
        if (i % 32 == 0 && std::chrono::steady_clock::now() - start >= limit) {
            return pred();
        }
    }
}

void TickPool::run_erased(std::size_t count, void* context, Trampoline call) {
    context_ = context;
    call_ = call;
    // Runs larger than the 32-bit completion counter go in consecutive batches.
    for (std::size_t offset = 0; offset < count; offset += kMaxBatch) {
        const auto batch = static_cast<std::uint32_t>(std::min(count - offset, kMaxBatch));
        batch_offset_ = offset;
        batch_count_ = batch;
        completed_.store(0, std::memory_order_relaxed);
        // Publishes the batch: a claim (an acquire RMW on unclaimed_) synchronizes with this
        // store.
        unclaimed_.store(batch, std::memory_order_release);
        generation_.fetch_add(1, std::memory_order_release);
        generation_.notify_all();

        work(0);

        // Every index is claimed; wait for the ones still running on helpers.
        auto all_done = [&] { return completed_.load(std::memory_order_acquire) == batch; };
        if (!spin_until(spin_.completion, all_done)) {
            for (std::uint32_t done = completed_.load(std::memory_order_acquire); done != batch;
                 done = completed_.load(std::memory_order_acquire)) {
                completed_.wait(done, std::memory_order_acquire);
            }
        }
    }
}

void TickPool::work(int worker) {
    std::uint32_t unclaimed = unclaimed_.load(std::memory_order_acquire);
    while (unclaimed != 0) {
        if (!unclaimed_.compare_exchange_weak(unclaimed, unclaimed - 1, std::memory_order_acquire,
                                              std::memory_order_acquire)) {
            continue; // unclaimed now holds the current value
        }
        // Whichever run this claim belongs to (a helper may wake for one run and claim in the
        // next), that run cannot complete, so its job fields cannot change, until completed_
        // is incremented below.
        const std::uint32_t count = batch_count_;
        call_(context_, worker, batch_offset_ + (count - unclaimed));
        if (completed_.fetch_add(1, std::memory_order_acq_rel) + 1 == count) {
            // The caller may be asleep waiting for exactly this; libstdc++ skips the system
            // call when nobody waits.
            completed_.notify_one();
        }
        unclaimed = unclaimed_.load(std::memory_order_acquire);
    }
}

void TickPool::helper_main(int worker) {
    std::uint32_t seen = 0;
    for (;;) {
        auto changed = [&] { return generation_.load(std::memory_order_acquire) != seen; };
        if (!spin_until(spin_.idle, changed)) {
            generation_.wait(seen, std::memory_order_acquire);
        }
        seen = generation_.load(std::memory_order_acquire);
        if (stop_.load(std::memory_order_acquire)) {
            return;
        }
        work(worker);
    }
}

} // namespace jamfleet::mixer
