// Text the control commands print from the supervisor's JSON replies.
#include "orchestrator/client_commands.h"

#include <gtest/gtest.h>

namespace jamfleet::orchestrator {
namespace {

TEST(StatusText, ShowsEveryChildWithItsStateAndDetails) {
    const auto status = nlohmann::json::parse(R"json({
      "fleet": "Demo", "file": "fleet.yaml", "pid": 10, "stopping": false,
      "children": [
        {"name": "directory", "kind": "directory", "port": 22123, "pid": 11, "state": "running",
         "restarts": 0, "last_exit": "", "child": {"entries": 4}},
        {"name": "Rock", "kind": "mixer", "port": 22124, "pid": 12, "state": "running",
         "restarts": 2, "last_exit": "killed by signal 9 (SIGKILL)",
         "child": {"clients": 3, "registration": "registered",
                   "drops": {"junk_from_unknown": 40, "server_full_limited": 2}}},
        {"name": "Jazz", "kind": "mixer", "port": 22125, "pid": null, "state": "failed",
         "restarts": 0, "last_exit": "",
         "failure_reason": "bind udp 127.0.0.1:22125: address already in use"}],
      "srv": ["_jamulus._udp.rock.example.org. 300 IN SRV 0 5 22124 jam.example.org."]})json");
    EXPECT_EQ(format_status(status),
              "fleet \"Demo\" (fleet.yaml), supervisor pid 10\n"
              "  directory  directory  port 22123  pid 11  running  restarts 0  entries 4\n"
              "  Rock  mixer  port 22124  pid 12  running  restarts 2  clients 3  registration "
              "registered  dropped 42  last exit: killed by signal 9 (SIGKILL)\n"
              "  Jazz  mixer  port 22125  pid -  failed  restarts 0  failed: bind udp "
              "127.0.0.1:22125: address already in use\n"
              "  srv _jamulus._udp.rock.example.org. 300 IN SRV 0 5 22124 jam.example.org.\n");
}

TEST(StatusText, ShowsVersionAdoptionNextTryAndAFailedChildsLastLines) {
    const auto status = nlohmann::json::parse(R"json({
      "fleet": "Demo", "file": "fleet.yaml", "pid": 10, "version": "0.1.0", "stopping": false,
      "children": [
        {"name": "Rock", "kind": "mixer", "port": 22124, "pid": 12, "state": "running",
         "restarts": 0, "last_exit": "", "adopted": true},
        {"name": "Jazz", "kind": "mixer", "port": 22125, "pid": null, "state": "failed",
         "restarts": 0, "last_exit": "exit status 2", "adopted": false,
         "failure_reason": "usage error (exit status 2): jamfleet-mixer: unknown option --x",
         "next_try": "2026-12-04T22:31:05Z", "next_try_in_s": 59,
         "last_lines": ["jamfleet-mixer: unknown option --x", "Try 'jamfleet-mixer --help'"]}],
      "srv": []})json");
    EXPECT_EQ(format_status(status),
              "fleet \"Demo\" (fleet.yaml), supervisor pid 10 version 0.1.0\n"
              "  Rock  mixer  port 22124  pid 12  running  restarts 0  adopted\n"
              "  Jazz  mixer  port 22125  pid -  failed  restarts 0  last exit: exit status 2  "
              "failed: usage error (exit status 2): jamfleet-mixer: unknown option --x  next try "
              "2026-12-04T22:31:05Z (in 59 s)\n"
              "    | jamfleet-mixer: unknown option --x\n"
              "    | Try 'jamfleet-mixer --help'\n");
}

TEST(ReloadText, ListsWhatChangedOrEveryError) {
    const auto ok = nlohmann::json::parse(R"({"ok": true, "errors": [], "added": ["New"],
      "removed": ["Old"], "changed": [], "unchanged": ["A", "B"], "directory_restarted": false,
      "notes": []})");
    EXPECT_EQ(format_reload(ok), "reloaded: added New; removed Old; changed -; unchanged A, B\n");
    const auto live = nlohmann::json::parse(R"({"ok": true, "added": [], "removed": [],
      "changed": [], "unchanged": [], "live": ["Rock"], "waiting": ["Jazz"]})");
    EXPECT_EQ(format_reload(live), "reloaded: added -; removed -; changed -; unchanged -; live "
                                   "Rock; waiting to restart when empty Jazz\n");
    const auto bad = nlohmann::json::parse(
        R"({"ok": false, "errors": ["f.yaml:3:9: /fleet/bind: bad", "f.yaml:4:1: /x: unknown"]})");
    EXPECT_EQ(format_reload(bad), "f.yaml:3:9: /fleet/bind: bad\nf.yaml:4:1: /x: unknown\n"
                                  "reload rejected; the running fleet is unchanged\n");
}

TEST(RunDir, FlagWinsThenFleetFileThenDefault) {
    std::string error;
    EXPECT_EQ(resolve_run_dir("/x", "", error), "/x");
    EXPECT_EQ(resolve_run_dir("", "", error), "./var/run");
    EXPECT_EQ(
        resolve_run_dir("", std::string(JAMFLEET_SOURCE_DIR) + "/examples/school.yaml", error),
        "/var/lib/jamfleet/run");
    EXPECT_EQ(resolve_run_dir("", "/nonexistent.yaml", error), "");
    EXPECT_NE(error.find("/nonexistent.yaml"), std::string::npos);
}

} // namespace
} // namespace jamfleet::orchestrator
