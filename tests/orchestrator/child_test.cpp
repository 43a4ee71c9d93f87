// Labels on children's output lines and exit descriptions in status.
#include "orchestrator/child.h"

#include <gtest/gtest.h>

#include <csignal>

namespace jamfleet::orchestrator {
namespace {

TEST(ChildOutput, LogLinesGetAChildField) {
    EXPECT_EQ(label_child_line("Rock Room", "info mixer: listening address=127.0.0.1:22124"),
              "info mixer: listening address=127.0.0.1:22124 child=\"Rock Room\"");
    EXPECT_EQ(label_child_line("directory", "warn directory: dropped reason=bad_crc"),
              "warn directory: dropped reason=bad_crc child=directory");
}

TEST(ChildOutput, OtherLinesGetAPrefix) {
    EXPECT_EQ(label_child_line("Jazz", "munmap_chunk(): invalid pointer"),
              "[Jazz] munmap_chunk(): invalid pointer");
    EXPECT_EQ(label_child_line("Jazz", "info without a component"),
              "[Jazz] info without a component");
}

TEST(ChildExit, DescribesExitCodesAndSignals) {
    EXPECT_EQ(describe_exit(3, 0), "exit status 3");
    EXPECT_EQ(describe_exit(0, SIGKILL), "killed by signal 9 (SIGKILL)");
}

} // namespace
} // namespace jamfleet::orchestrator
