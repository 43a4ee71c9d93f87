// CPU time of this process, for metrics (getrusage(RUSAGE_SELF): every thread's).
#pragma once

namespace jamfleet::io {

// User plus system CPU seconds used so far; 0 if the kernel refuses to say.
double process_cpu_seconds();

} // namespace jamfleet::io
