// The process's CPU time grows while it computes.
#include "io/process_usage.h"

#include <chrono>

#include <gtest/gtest.h>

namespace jamfleet::io {
namespace {

TEST(ProcessUsage, CpuSecondsGrowWithWork) {
    const double before = process_cpu_seconds();
    EXPECT_GE(before, 0.0);
    // Spin about 50 ms of wall time (CPU time follows unless the machine is starved).
    volatile std::uint64_t sink = 0;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
    while (std::chrono::steady_clock::now() < until) {
        sink = sink + 1;
    }
    EXPECT_GT(process_cpu_seconds(), before);
}

} // namespace
} // namespace jamfleet::io
