// TickPool: a lock-free, allocation-free fork-join helper that spreads one mixer tick's
// independent work items (decode per client, encode per listener group) over several cores.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace jamfleet::mixer {

// One run() publishes its job (type-erased function, count), sets the number of unclaimed
// indices and bumps a generation number; helpers waiting on it (short spin, then futex via
// std::atomic::wait) wake and claim indices with compare-and-swap on the unclaimed counter,
// as does the caller, so faster workers take more. A worker reads the job only after a
// successful claim, and a run cannot finish (so the job cannot change) until every claimed
// index has completed: a helper that wakes late simply finds nothing left, or claims in the
// run that is current. Completion is counted per index, so the caller never waits for a helper
// that found no work left (its wake-up latency is off the critical path). A helper that was
// preempted in the middle of an item does delay the caller, which is why the mixer should not
// run more helpers than there are spare cores.
//
// Scheduling is left alone: no SCHED_FIFO (the mixer runs unprivileged on shared machines,
// where a real-time spinner could starve everything else) and no CPU affinity (the operator
// may set one with taskset). Measured on the loaded 2-core machine: the kernel often wakes a
// helper on the caller's own CPU, where it cannot run until the tick is over, so at 750 Hz
// with 16 items of 15 us a helper took part in only 5-18 % of runs; pinning caller and helper
// to different CPUs raised that to 84-89 %, but moving only the helper away from the caller
// each run made the tail worse (a helper preempted mid-item stalls the caller). When it is
// woken on a free CPU, a sleeping helper starts its first item ~25-35 us (median) after
// run() begins.
//
// Not reentrant: run() must be called from one thread at a time, and fn must not call run().
// fn must not throw (a throw terminates the process: helpers cannot unwind into the caller).
class TickPool {
public:
    // How long a waiting thread busy-polls before sleeping in the kernel (a futex wake-up
    // costs tens of microseconds on a VM). Spinning costs CPU that the benchmark counts:
    // - idle: a helper waiting for the next run. Short, because the next tick is ~1.3 ms
    //   away; it only catches runs that follow each other closely (several phases a tick).
    // - completion: the caller waiting for the items still running on helpers once nothing
    //   is left to claim. Bounded by one item's duration (an Opus encode is ~15 us), so it
    //   rarely spins long, and sleeping instead would add a wake-up to every tick.
    struct Spin {
        std::chrono::nanoseconds idle{std::chrono::microseconds(5)};
        std::chrono::nanoseconds completion{std::chrono::microseconds(50)};
    };

    // helper_threads = 0 (or less) runs everything on the caller, in index order.
    explicit TickPool(int helper_threads);
    TickPool(int helper_threads, Spin spin);
    ~TickPool(); // stops and joins the helpers
    TickPool(const TickPool&) = delete;
    TickPool& operator=(const TickPool&) = delete;

    // 1 (the caller) + helper threads.
    int workers() const { return 1 + static_cast<int>(helpers_.size()); }

    // Calls fn(worker, index) for every index in [0, count), spread over the caller
    // (worker 0) and the helpers (workers 1..); returns when all calls have returned.
    // fn must be safe to run concurrently for different indices. No allocation, no mutex.
    template <class Fn>
    void run(std::size_t count, Fn&& fn) {
        using F = std::remove_reference_t<Fn>;
        if (helpers_.empty() || count <= 1) {
            // Nothing to share: waking a helper would only add latency.
            for (std::size_t i = 0; i < count; ++i) {
                fn(0, i);
            }
            return;
        }
        void* context = const_cast<void*>(static_cast<const void*>(std::addressof(fn)));
        run_erased(count, context, &trampoline<F>);
    }

private:
    using Trampoline = void (*)(void* context, int worker, std::size_t index) noexcept;

    template <class F>
    static void trampoline(void* context, int worker, std::size_t index) noexcept {
        (*static_cast<F*>(context))(worker, index);
    }

    void run_erased(std::size_t count, void* context, Trampoline call);
    // Claims and runs indices of the current batch until none are left.
    void work(int worker);
    void helper_main(int worker);
    // Busy-polls pred() for at most `limit`; true if it became true.
    template <class Pred>
    static bool spin_until(std::chrono::nanoseconds limit, Pred pred);

    // Each hot atomic on its own cache line so that claiming, completing and waking do not
    // invalidate each other's lines (false sharing costs more than the work at 2 cores).
    static constexpr std::size_t kCacheLine = 64;

    // Indices of the current batch nobody has claimed yet; index = count - unclaimed. All
    // three counters are 32 bits wide so that std::atomic::wait is a plain futex.
    alignas(kCacheLine) std::atomic<std::uint32_t> unclaimed_{0};
    // Indices of the current batch whose fn call has returned.
    alignas(kCacheLine) std::atomic<std::uint32_t> completed_{0};
    // Bumped once per batch (and at shutdown); helpers wait on it (32 bits: a futex word).
    alignas(kCacheLine) std::atomic<std::uint32_t> generation_{0};
    std::atomic<bool> stop_{false};

    // The job of the current batch (a run of more than 2^32 - 1 indices is split into
    // batches): written before it is published, read only by a worker holding a claimed index.
    alignas(kCacheLine) void* context_ = nullptr;
    Trampoline call_ = nullptr;
    std::size_t batch_offset_ = 0;
    std::uint32_t batch_count_ = 0;

    Spin spin_;
    std::vector<std::jthread> helpers_;
};

} // namespace jamfleet::mixer
