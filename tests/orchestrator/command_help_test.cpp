// `jamfleet COMMAND --help`: every command has its own text.
#include "orchestrator/command_help.h"

#include <gtest/gtest.h>

namespace jamfleet::orchestrator {
namespace {

TEST(CommandHelp, EveryCommandHasAUsageLine) {
    for (const char* command :
         {"check", "srv", "run", "probe", "rollout", "status", "reload", "restart", "stop"}) {
        const auto help = command_help(command);
        ASSERT_TRUE(help) << command;
        EXPECT_TRUE(help->starts_with("usage: jamfleet ")) << *help;
        EXPECT_NE(help->find(std::string(" ") + command + " "), std::string::npos) << *help;
    }
}

TEST(CommandHelp, ControlCommandsSayHowTheSupervisorIsFound) {
    EXPECT_NE(command_help("status")->find("/run/jamfleet"), std::string::npos);
    EXPECT_EQ(command_help("check")->find("/run/jamfleet"), std::string::npos);
}

TEST(CommandHelp, UnknownCommandsHaveNone) {
    EXPECT_FALSE(command_help("frobnicate"));
}

} // namespace
} // namespace jamfleet::orchestrator
