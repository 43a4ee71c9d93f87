// main() of every interop test executable: enter a private network namespace and a private
// /dev/shm, then run gtest.
#include <cstdio>
#include <gtest/gtest.h>

#include "tests/interop/harness/netns.h"
#include "tests/interop/harness/private_shm.h"

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    if (!jamfleet::interop::shared_network_namespace_requested()) {
        // Before any thread exists: unshare(CLONE_NEWNET) applies to the calling thread only,
        // and every child process then inherits the namespace.
        if (auto error = jamfleet::interop::enter_private_network_namespace(); !error.empty()) {
            std::fprintf(stderr,
                         "interop: cannot create a private network namespace (%s); run as root, "
                         "or set JAMFLEET_INTEROP_SHARED_NETNS=1 to share the machine's\n",
                         error.c_str());
            // A failure, not a skip: an interop test that cannot run has proved nothing.
            return 1;
        }
    }
    if (auto error = jamfleet::interop::enter_private_dev_shm(); !error.empty()) {
        std::fprintf(stderr,
                     "interop: keeping the machine's /dev/shm (%s); jackd may find the machine's "
                     "JACK registry full of dead servers\n",
                     error.c_str());
    }
    return RUN_ALL_TESTS();
}
