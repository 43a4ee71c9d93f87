// CPU time and resident memory of a process, read from /proc (for comparing
// servers: utime+stime over a fixed window, VmRSS idle and loaded).
#pragma once

#include <optional>

namespace jamfleet::bench {

struct ProcessSample {
    double cpu_s = 0; // utime + stime of all threads
    long rss_kb = 0;  // VmRSS
};

std::optional<ProcessSample> sample_process(int pid);
// The calling process (getrusage), user + system.
double own_cpu_seconds();

} // namespace jamfleet::bench
