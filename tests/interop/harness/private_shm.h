// Gives the interop test process its own /dev/shm, so the JACK servers it starts register in a
// JACK registry of their own. jackd keeps at most 8 servers in the machine-wide registry
// (/dev/shm/jack-shm-registry) and reclaims a dead server's slot only when a server of the same
// name starts again; every test uses a unique name, so each jackd that ever died without
// unregistering (a SIGKILLed test run) would hold a slot for good and, after eight, no test on
// the machine could start jackd ("Too many servers already active").
#pragma once

#include <string>

namespace jamfleet::interop {

// unshare(CLONE_NEWNS), every mount made private, a fresh tmpfs mounted on /dev/shm. Must run
// before any thread is started (child processes inherit the mount namespace). Returns an empty
// string on success, else the reason (the process then keeps the machine's /dev/shm).
std::string enter_private_dev_shm();

} // namespace jamfleet::interop
