// Tests of TickPool: every index exactly once, no lost wake-ups over many runs, real use of
// the helpers, clean shutdown, and no heap allocation in run(). Global operator new is
// replaced here to count allocations, so this file is its own test executable.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <new>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/counting_new.h"

#include "mixer-worker/tick_pool.h"

namespace jamfleet::mixer {
namespace {

// Every wait goes straight to the futex: the path a lost wake-up would break.
constexpr TickPool::Spin kNoSpin{std::chrono::nanoseconds(0), std::chrono::nanoseconds(0)};

// Names of this process's threads that belong to a TickPool (named "jf-tick-N").
std::vector<std::string> tick_thread_names() {
    std::vector<std::string> names;
    DIR* dir = opendir("/proc/self/task");
    if (dir == nullptr) {
        return names;
    }
    while (const dirent* entry = readdir(dir)) {
        if (entry->d_name[0] == '.') {
            continue;
        }
        std::ifstream comm(std::string("/proc/self/task/") + entry->d_name + "/comm");
        std::string name;
        if (std::getline(comm, name) && name.rfind("jf-tick-", 0) == 0) {
            names.push_back(name);
        }
    }
    closedir(dir);
    std::sort(names.begin(), names.end());
    return names;
}

// Scheduler states ('R' running, 'S' sleeping, ...) of this process's TickPool threads.
std::string tick_thread_states() {
    std::string states;
    DIR* dir = opendir("/proc/self/task");
    if (dir == nullptr) {
        return states;
    }
    while (const dirent* entry = readdir(dir)) {
        const std::string task = std::string("/proc/self/task/") + entry->d_name;
        std::ifstream comm(task + "/comm");
        std::string name;
        if (entry->d_name[0] == '.' || !std::getline(comm, name) || name.rfind("jf-tick-", 0)) {
            continue;
        }
        // stat is "tid (comm) state ...": the state follows the last ')'.
        std::ifstream stat(task + "/stat");
        std::string line;
        std::getline(stat, line);
        const auto paren = line.rfind(')');
        if (paren != std::string::npos && paren + 2 < line.size()) {
            states += line[paren + 2];
        }
    }
    closedir(dir);
    return states;
}

// Makes the caller's items wait (bounded) until a helper has started an item, so that the
// helpers really race with the caller even when the scheduler favours the caller's thread.
// Returns false on timeout.
bool wait_for_helper(const std::atomic<bool>& helper_started) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!helper_started.load()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        std::this_thread::yield();
    }
    return true;
}

// Plain (non-atomic) counters: each index is written by the one worker that claimed it and
// read by the caller after run(), so a double visit or a missing happens-before shows up
// as a wrong count here and as a data race under ThreadSanitizer.
void expect_each_index_once(TickPool& pool, std::size_t count) {
    std::vector<int> visits(count, 0);
    std::vector<int> worker_of(count, -1);
    pool.run(count, [&](int worker, std::size_t index) {
        ++visits[index];
        worker_of[index] = worker;
    });
    for (std::size_t i = 0; i < count; ++i) {
        ASSERT_EQ(visits[i], 1) << "index " << i << " of " << count;
        ASSERT_GE(worker_of[i], 0);
        ASSERT_LT(worker_of[i], pool.workers());
    }
}

TEST(TickPool, WorkersCountsTheCallerAndEachHelper) {
    EXPECT_EQ(TickPool(0).workers(), 1);
    EXPECT_EQ(TickPool(1).workers(), 2);
    EXPECT_EQ(TickPool(3).workers(), 4);
    EXPECT_EQ(TickPool(-1).workers(), 1); // a negative count means no helpers
}

TEST(TickPool, VisitsEveryIndexExactlyOnce) {
    for (int helpers : {0, 1, 2}) {
        TickPool pool(helpers);
        for (std::size_t count : {0u, 1u, 2u, 3u, 1000u}) {
            SCOPED_TRACE("helpers " + std::to_string(helpers) + " count " + std::to_string(count));
            expect_each_index_once(pool, count);
        }
    }
}

TEST(TickPool, ZeroCountNeverCallsFn) {
    TickPool pool(2);
    int calls = 0;
    pool.run(0, [&](int, std::size_t) { ++calls; });
    EXPECT_EQ(calls, 0);
}

// 100 000 back-to-back runs of small counts: a lost wake-up hangs the test, a double or
// missed claim shows as a wrong count, a missing happens-before as a data race under TSan.
// Every 50th run the caller's items wait (bounded) until a helper has started one, so the
// helpers are awake and racing with the caller even when the scheduler favours the caller.
// Run with the default spin and with no spin at all, which sends every wait to the futex.
TEST(TickPool, ManyConsecutiveSmallRunsVisitEveryIndexOnce) {
    for (bool spin : {true, false}) {
        SCOPED_TRACE(spin ? "default spin" : "no spin");
        TickPool pool(2, spin ? TickPool::Spin() : kNoSpin);
        constexpr std::size_t kMaxCount = 5;
        std::vector<int> visits(kMaxCount, 0);
        std::vector<int> worker_of(kMaxCount, 0);
        std::uint64_t on_helpers = 0;
        const int runs = spin ? 100'000 : 20'000;
        for (int run = 0; run < runs; ++run) {
            const std::size_t count = static_cast<std::size_t>(run) % (kMaxCount + 1);
            const bool overlap = run % 50 == 2;
            std::atomic<bool> helper_started{false};
            std::atomic<bool> timed_out{false};
            std::fill(visits.begin(), visits.end(), 0);
            pool.run(count, [&](int worker, std::size_t index) {
                ++visits[index];
                worker_of[index] = worker;
                if (worker != 0) {
                    helper_started = true;
                } else if (overlap && !wait_for_helper(helper_started)) {
                    timed_out = true;
                }
            });
            ASSERT_FALSE(timed_out.load()) << "run " << run << ": no helper woke";
            for (std::size_t i = 0; i < kMaxCount; ++i) {
                ASSERT_EQ(visits[i], i < count ? 1 : 0) << "run " << run << " index " << i;
                on_helpers += i < count && worker_of[i] != 0 ? 1 : 0;
            }
        }
        // Printed, not asserted: how much the helpers took part depends on the scheduler.
        std::printf("[          ] %d runs, %s: %llu items on helpers\n", runs,
                    spin ? "default spin" : "no spin", static_cast<unsigned long long>(on_helpers));
    }
}

// Each call waits until every index has started, which no single worker can satisfy: a run
// completes only if all three workers (caller + 2 helpers) took part at the same time.
// The wait is bounded so that a broken pool fails instead of hanging.
TEST(TickPool, EveryWorkerTakesPartWhenCallsMustOverlap) {
    TickPool pool(2);
    const std::size_t count = static_cast<std::size_t>(pool.workers());
    std::set<int> workers_seen;
    for (int run = 0; run < 20; ++run) {
        std::atomic<std::size_t> started{0};
        std::atomic<bool> timed_out{false};
        std::vector<int> worker_of(count, -1);
        pool.run(count, [&](int worker, std::size_t index) {
            worker_of[index] = worker;
            started.fetch_add(1);
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            while (started.load() < count) {
                if (std::chrono::steady_clock::now() > deadline) {
                    timed_out = true;
                    return;
                }
                std::this_thread::yield();
            }
        });
        ASSERT_FALSE(timed_out.load()) << "run " << run << ": not every worker joined";
        std::set<int> distinct(worker_of.begin(), worker_of.end());
        EXPECT_EQ(distinct.size(), count) << "run " << run;
        workers_seen.insert(distinct.begin(), distinct.end());
    }
    EXPECT_EQ(workers_seen, (std::set<int>{0, 1, 2}));
}

TEST(TickPool, ZeroHelpersRunEverythingOnTheCallerInIndexOrder) {
    TickPool pool(0);
    const auto caller = std::this_thread::get_id();
    std::vector<std::pair<int, std::size_t>> calls;
    calls.reserve(100);
    bool other_thread = false;
    pool.run(100, [&](int worker, std::size_t index) {
        other_thread = other_thread || std::this_thread::get_id() != caller;
        calls.emplace_back(worker, index);
    });
    ASSERT_EQ(calls.size(), 100u);
    for (std::size_t i = 0; i < calls.size(); ++i) {
        EXPECT_EQ(calls[i].first, 0);
        EXPECT_EQ(calls[i].second, i);
    }
    EXPECT_FALSE(other_thread);
}

TEST(TickPool, HelpersAreNamedAndJoinedOnDestruction) {
    ASSERT_TRUE(tick_thread_names().empty()) << "a pool of an earlier test is still alive";
    {
        TickPool pool(2);
        EXPECT_EQ(tick_thread_names(), (std::vector<std::string>{"jf-tick-1", "jf-tick-2"}));
    }
    EXPECT_TRUE(tick_thread_names().empty());
}

TEST(TickPool, DestructionWhileHelpersSleepJoinsCleanly) {
    std::atomic<int> calls{0};
    {
        TickPool pool(2, kNoSpin);
        pool.run(10, [&](int, std::size_t) { calls.fetch_add(1); });
        pool.run(10, [&](int, std::size_t) { calls.fetch_add(1); });
        // Wait (bounded) until both helpers sleep in the kernel: destruction must wake them.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (tick_thread_states() != "SS" && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::yield();
        }
        ASSERT_EQ(tick_thread_states(), "SS");
    }
    EXPECT_EQ(calls.load(), 20);
    EXPECT_TRUE(tick_thread_names().empty());
}

TEST(TickPool, AcceptsConstAndTemporaryFunctionObjects) {
    TickPool pool(1);
    std::vector<int> out(8, 0);
    const auto fill = [&out](int, std::size_t index) { out[index] = static_cast<int>(index) + 1; };
    pool.run(out.size(), fill);
    struct Doubler {
        std::vector<int>* values;
        void operator()(int, std::size_t index) const { (*values)[index] *= 2; }
    };
    pool.run(out.size(), Doubler{&out});
    for (std::size_t i = 0; i < out.size(); ++i) {
        EXPECT_EQ(out[i], 2 * (static_cast<int>(i) + 1));
    }
}

// Counts from the pool's first run on, with helpers forced to take part every 20th run so
// that their wake-up, claim and completion paths (and the caller's sleep) are in the window.
TEST(TickPool, RunAllocatesNothing) {
    TickPool pool(2, kNoSpin);
    constexpr std::size_t kMaxCount = 64;
    constexpr int kRuns = 2000;
    std::atomic<std::uint64_t> calls{0};
    std::atomic<std::uint64_t> on_helpers{0};
    bool timed_out = false;
    test_support::start_counting_allocations();
    for (int run = 0; run < kRuns; ++run) {
        const std::size_t count = static_cast<std::size_t>(run) % kMaxCount;
        const bool overlap = run % 20 == 2;
        std::atomic<bool> helper_started{false};
        pool.run(count, [&](int worker, std::size_t) {
            calls.fetch_add(1, std::memory_order_relaxed);
            if (worker != 0) {
                on_helpers.fetch_add(1, std::memory_order_relaxed);
                helper_started = true;
            } else if (overlap && !wait_for_helper(helper_started)) {
                timed_out = true;
            }
        });
    }
    const std::uint64_t allocations = test_support::stop_counting_allocations();
    EXPECT_EQ(allocations, 0u);
    ASSERT_FALSE(timed_out);
    // The window really ran the work, partly on the helpers.
    std::uint64_t expected = 0;
    for (int run = 0; run < kRuns; ++run) {
        expected += static_cast<std::uint64_t>(run) % kMaxCount;
    }
    EXPECT_EQ(calls.load(), expected);
    EXPECT_GT(on_helpers.load(), 0u);
}

TEST(TickPool, TheCounterSeesAllocations) {
    test_support::start_counting_allocations();
    auto* p = new std::vector<int>(100);
    const std::uint64_t allocations = test_support::stop_counting_allocations();
    delete p;
    EXPECT_GE(allocations, 1u);
}

} // namespace
} // namespace jamfleet::mixer
