// `jamfleet metrics` against a running fleet (real jamfleet-directory and jamfleet-mixer
// children) with a real Jamulus 3.9.1 client: the text passes `promtool check metrics`, and
// clients, packets and bytes of the occupied room move with its traffic between two reads
// while the empty room's stay still; the directory counts a list request.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

#include "tests/interop/fleet/fleet_fixture.h"
#include "tests/interop/harness/jack_server.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/temp_dir.h"
#include "tests/interop/harness/wait.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;

constexpr const char* kPromtool = "/usr/bin/promtool";

std::filesystem::path write_fleet(const std::filesystem::path& dir) {
    const auto path = dir / "fleet.yaml";
    std::ofstream out(path);
    out << "fleet:\n  name: Metrics fleet\n  bind: 127.0.0.1\n  run_dir: ./var/run\n"
           "directory:\n  port: 22123\n  name: Dir\n  database: ./var/dir.db\n"
           "  list_rate: 0\n  ping_rate: 0\n"
           "servers:\n  - {name: Alpha, port: 22124}\n  - {name: \"Beta \\\"b\\\"\", port: "
           "22125}\n";
    return path;
}

// The value of the sample whose line starts with `series` (name and labels as printed).
std::optional<double> sample(const std::string& text, const std::string& series) {
    const std::string prefix = series + ' ';
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t end = text.find('\n', at);
        const std::string line = text.substr(at, end == std::string::npos ? end : end - at);
        if (line.rfind(prefix, 0) == 0) {
            return std::stod(line.substr(prefix.size()));
        }
        if (end == std::string::npos) {
            break;
        }
        at = end + 1;
    }
    return std::nullopt;
}

double value(const std::string& text, const std::string& series) {
    const auto v = sample(text, series);
    EXPECT_TRUE(v.has_value()) << "no sample " << series << " in\n" << text;
    return v.value_or(-1);
}

std::pair<int, std::string> promtool_check(const std::filesystem::path& dir,
                                           const std::string& text) {
    const auto path = dir / "metrics.prom";
    std::ofstream(path) << text;
    const std::string command =
        std::string(kPromtool) + " check metrics < '" + path.string() + "' 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    std::string output;
    char buffer[512];
    while (pipe != nullptr && std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
        output += buffer;
    }
    return {pipe != nullptr ? ::pclose(pipe) : -1, output};
}

TEST(FleetMetrics, PassPromtoolAndMoveWithRealTraffic) {
    ASSERT_EQ(::access(kPromtool, X_OK), 0)
        << kPromtool << " missing: install Debian's prometheus package (tools/deps.sh does)";
    TempDir dir("fleet-metrics");
    FleetRun fleet(dir.path(), write_fleet(dir.path()));
    ASSERT_TRUE(wait_until(
        [&] {
            if (!fleet.all_running(3)) {
                return false;
            }
            const auto alpha = fleet.child("Alpha");
            return alpha.contains("child") && alpha["child"].is_object() &&
                   alpha["child"].value("registration", "") == "registered";
        },
        20s))
        << fleet.process().log_text();

    JackServer jack(dir.path(), 128);
    JamulusClient alice(dir.path(), jack, "alice", {.name = "Alice"}, "127.0.0.1:22124");
    ASSERT_TRUE(alice.wait_connected(20s)) << fleet.process().log_text();
    const std::string alpha = "{room=\"Alpha\",port=\"22124\"}";
    const std::string beta = "{room=\"Beta \\\"b\\\"\",port=\"22125\"}";

    CommandResult first;
    ASSERT_TRUE(wait_until(
        [&] {
            first = fleet.command({"metrics"});
            return first.exit_code == 0 &&
                   sample(first.output, "jamfleet_room_clients" + alpha) == 1.0;
        },
        10s))
        << first.output;
    const auto [lint, lint_output] = promtool_check(dir.path(), first.output);
    EXPECT_EQ(lint, 0) << lint_output << "\n" << first.output;
    EXPECT_EQ(lint_output, "");

    ASSERT_TRUE(request_server_list(22123).has_value());
    std::this_thread::sleep_for(2s);
    const CommandResult second = fleet.command({"metrics"});
    ASSERT_EQ(second.exit_code, 0) << second.output;
    EXPECT_EQ(promtool_check(dir.path(), second.output).first, 0) << second.output;

    const auto delta = [&](const std::string& series) {
        return value(second.output, series) - value(first.output, series);
    };
    // A 3.9.1 client at 128 samples sends and receives ~375 audio packets a second
    // (48000 / 128); two seconds give at least a few hundred even on a loaded machine.
    EXPECT_GE(delta("jamfleet_room_receive_packets_total" + alpha), 300) << second.output;
    EXPECT_GE(delta("jamfleet_room_transmit_packets_total" + alpha), 300) << second.output;
    EXPECT_GE(delta("jamfleet_room_receive_bytes_total" + alpha),
              delta("jamfleet_room_receive_packets_total" + alpha) * 10);
    EXPECT_GE(delta("jamfleet_room_transmit_bytes_total" + alpha),
              delta("jamfleet_room_transmit_packets_total" + alpha) * 10);
    EXPECT_GE(delta("jamfleet_room_ticks_total" + alpha), 300);
    EXPECT_GE(delta("jamfleet_room_audio_frames_decoded_total" + alpha), 100);
    EXPECT_EQ(value(second.output, "jamfleet_room_clients" + alpha), 1);
    EXPECT_EQ(value(second.output, "jamfleet_room_clients" + beta), 0);
    // The empty room answers at most its directory's keep-alives: far below audio rates.
    EXPECT_LT(delta("jamfleet_room_receive_packets_total" + beta), 20) << second.output;
    EXPECT_GT(delta("jamfleet_child_cpu_seconds_total{kind=\"mixer\",name=\"Alpha\","
                    "port=\"22124\"}"),
              0);
    EXPECT_EQ(value(second.output,
                    "jamfleet_child_state{kind=\"mixer\",name=\"Alpha\",port=\"22124\","
                    "state=\"running\"}"),
              1);
    EXPECT_GE(delta("jamfleet_directory_list_requests_total{port=\"22123\"}"), 1);
    EXPECT_GE(delta("jamfleet_directory_lists_sent_total{port=\"22123\"}"), 1);
    // The two rooms (the directory's own entry is not a registration).
    EXPECT_EQ(value(second.output, "jamfleet_directory_entries{port=\"22123\"}"), 2);
}

TEST(FleetMetrics, NoSupervisorIsAnErrorOnStderr) {
    TempDir dir("fleet-metrics-none");
    const CommandResult r =
        run_command(ProcessOptions{.name = "metrics-none",
                                   .program = orchestrator_program(),
                                   .args = {"metrics", "--run-dir", (dir / "nothing").string()},
                                   .env = {},
                                   .work_dir = dir.path()},
                    10s);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.output.find("jamfleet metrics: "), std::string::npos) << r.output;
}

} // namespace
} // namespace jamfleet::interop
