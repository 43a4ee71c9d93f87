// Failures people can act on, with the real jamfleet-mixer behind a wrapper
// script that plays a broken installation: a room whose mixer exits 2 (its own
// usage error) is failed at once with that message in status; a room that
// crashes repeatedly backs off, is failed, is retried later by itself and comes
// back once the cause is gone (retry delays shortened by JAMFLEET_FAILED_RETRY_MS).
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include "tests/interop/fleet/fleet_fixture.h"
#include "tests/interop/harness/temp_dir.h"
#include "tests/interop/harness/wait.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
}

bool has_line(const nlohmann::json& child, const std::string& text) {
    for (const auto& line : child.value("last_lines", nlohmann::json::array())) {
        if (line.get<std::string>().find(text) != std::string::npos) {
            return true;
        }
    }
    return false;
}

TEST(FleetFailures, UsageErrorFailsAtOnceAndACrashLoopHealsByItselfOnceTheCauseIsGone) {
    TempDir dir("fleet-failures");
    const auto bin = dir / "bin";
    const auto crash_file = dir / "delta-is-broken";
    std::filesystem::create_directories(bin);
    write_file(crash_file, "");
    // Gamma's mixer gets an option it does not know (as after a botched
    // upgrade); Delta's crashes while crash_file exists.
    write_file(bin / "jamfleet-mixer",
               "#!/bin/sh\ncase \" $* \" in\n"
               "  *\" -p 22125 \"*) exec '" +
                   mixer_program() +
                   "' --bogus \"$@\";;\n"
                   "  *\" -p 22126 \"*) if [ -e '" +
                   crash_file.string() +
                   "' ]; then\n"
                   "      echo 'simulated crash: the disk is full' >&2; exit 1; fi;;\n"
                   "esac\nexec '" +
                   mixer_program() + "' \"$@\"\n");
    std::filesystem::permissions(bin / "jamfleet-mixer", std::filesystem::perms::owner_all);
    std::filesystem::create_symlink(directory_program(), bin / "jamfleet-directory");
    write_file(dir / "fleet.yaml",
               "fleet:\n  name: Failure fleet\n  bind: 127.0.0.1\n  run_dir: ./var/run\n"
               "directory:\n  port: 22123\n  name: Test directory\n  database: ./var/dir.db\n"
               "servers:\n  - {name: Alpha, port: 22124}\n  - {name: Gamma, port: 22125}\n"
               "  - {name: Delta, port: 22126}\n");
    FleetRun fleet(
        dir.path(), dir / "fleet.yaml",
        {"", {{"JAMFLEET_BIN_DIR", bin.string()}, {"JAMFLEET_FAILED_RETRY_MS", "3000"}}});

    // Exit 2: failed at once, no restart, the mixer's own words in status.
    ASSERT_TRUE(wait_until([&] { return fleet.child("Gamma")["state"] == "failed"; }, 5s, 50ms))
        << fleet.process().log_text();
    const auto gamma = fleet.child("Gamma");
    EXPECT_EQ(gamma["restarts"], 0);
    EXPECT_EQ(gamma["failure_reason"],
              "usage error (exit status 2): jamfleet-mixer: unknown option --bogus")
        << gamma.dump();
    EXPECT_TRUE(has_line(gamma, "unknown option --bogus")) << gamma.dump();
    EXPECT_TRUE(gamma.contains("next_try")) << gamma.dump();
    EXPECT_LE(gamma.value("next_try_in_s", 99), 3);
    const auto text = fleet.command({"status"});
    EXPECT_NE(text.output.find("failed: usage error (exit status 2): jamfleet-mixer: unknown "
                               "option --bogus"),
              std::string::npos)
        << text.output;

    // Delta crash-loops into failed, with its last words and a next try.
    ASSERT_TRUE(wait_until([&] { return fleet.child("Delta")["state"] == "failed"; }, 10s, 50ms))
        << fleet.process().log_text();
    const auto delta = fleet.child("Delta");
    EXPECT_EQ(delta["restarts"], 4);
    EXPECT_EQ(delta["failure_reason"].get<std::string>().rfind("crashed 5 times", 0), 0u)
        << delta.dump();
    EXPECT_TRUE(has_line(delta, "simulated crash: the disk is full")) << delta.dump();
    EXPECT_TRUE(delta.contains("next_try")) << delta.dump();
    // Retried later by itself (and still crashing).
    ASSERT_TRUE(wait_until([&] { return fleet.child("Delta")["restarts"].get<int>() > 4; }, 6s))
        << fleet.process().log_text();
    // The cause goes away: Delta comes back without anyone typing a command.
    std::filesystem::remove(crash_file);
    EXPECT_TRUE(wait_until(
        [&] { return fleet.child("Delta")["state"] == "running" && answers_ping(22126); }, 15s,
        200ms))
        << fleet.child("Delta").dump() << fleet.process().log_text();
    EXPECT_EQ(fleet.child("Alpha")["state"], "running");
    EXPECT_EQ(fleet.child("Alpha")["restarts"], 0);
}

} // namespace
} // namespace jamfleet::interop
