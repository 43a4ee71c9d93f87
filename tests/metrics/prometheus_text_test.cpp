// render_prometheus on a real supervisor status document (captured from `jamfleet status
// --json` of a running fleet with a directory and two rooms), checked by promtool.
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "metrics/exposition.h"
#include "metrics/prometheus_text.h"

namespace jamfleet::metrics {
namespace {

nlohmann::json fleet_status() {
    std::ifstream in(std::string(JAMFLEET_SOURCE_DIR) + "/tests/metrics/data/fleet_status.json");
    EXPECT_TRUE(in.good());
    return nlohmann::json::parse(in);
}

// Output and exit status of `promtool check metrics` on `text` (the format's linter).
std::pair<int, std::string> promtool_check(const std::string& text) {
    char path[] = "/tmp/jamfleet-metrics-XXXXXX";
    const int fd = ::mkstemp(path);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    ::close(fd);
    const std::string command = std::string("/usr/bin/promtool check metrics < ") + path + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    std::string output;
    char buffer[512];
    while (pipe != nullptr && std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
        output += buffer;
    }
    const int status = pipe != nullptr ? ::pclose(pipe) : -1;
    ::unlink(path);
    return {status, output};
}

TEST(PrometheusText, RealStatusPassesPromtool) {
    ASSERT_EQ(::access("/usr/bin/promtool", X_OK), 0)
        << "promtool missing: install Debian's prometheus package (tools/deps.sh does)";
    const std::string text = render_prometheus(fleet_status());
    const auto [status, output] = promtool_check(text);
    EXPECT_EQ(status, 0) << output << "\n" << text;
    EXPECT_EQ(output, "") << text; // no lint warnings either
}

TEST(PrometheusText, EveryFamilyHasHelpAndTypeOnce) {
    const std::string text = render_prometheus(fleet_status());
    std::istringstream lines(text);
    std::set<std::string> helped;
    std::set<std::string> typed;
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind("# HELP ", 0) == 0) {
            EXPECT_TRUE(helped.insert(line.substr(7, line.find(' ', 7) - 7)).second) << line;
        } else if (line.rfind("# TYPE ", 0) == 0) {
            EXPECT_TRUE(typed.insert(line.substr(7, line.find(' ', 7) - 7)).second) << line;
        } else {
            const std::string name = line.substr(0, line.find_first_of("{ "));
            EXPECT_TRUE(typed.count(name) == 1) << "sample before its TYPE: " << line;
            EXPECT_EQ(name.rfind("jamfleet_", 0), 0u) << line;
        }
    }
    EXPECT_EQ(helped, typed);
    EXPECT_GE(typed.size(), 30u);
}

TEST(PrometheusText, RoomsDirectoryAndSupervisorFromTheDocument) {
    const std::string text = render_prometheus(fleet_status());
    // A name with a double quote is escaped in the label value.
    EXPECT_NE(text.find("jamfleet_room_clients{room=\"Room \\\"A\\\"\",port=\"42124\"} 0\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("jamfleet_room_max_clients{room=\"Room B\",port=\"42125\"} 10\n"),
              std::string::npos);
    EXPECT_NE(text.find("jamfleet_directory_entries{port=\"42123\"} 2\n"), std::string::npos);
    EXPECT_NE(text.find("jamfleet_directory_registrations_total{port=\"42123\",kind=\"new\"} 2\n"),
              std::string::npos);
    EXPECT_NE(text.find("jamfleet_child_state{kind=\"mixer\",name=\"Room B\",port=\"42125\","
                        "state=\"running\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("jamfleet_room_dropped_datagrams_total{room=\"Room B\",port=\"42125\","
                        "reason=\"banned\"} 0\n"),
              std::string::npos);
    EXPECT_NE(text.find("# TYPE jamfleet_room_transmit_bytes_total counter\n"), std::string::npos);
    EXPECT_NE(text.find("jamfleet_info{fleet=\"Metrics fleet\",version=\"0.1.0\"} 1\n"),
              std::string::npos);
}

TEST(PrometheusText, NumbersFollowTheDocument) {
    nlohmann::json status = fleet_status();
    nlohmann::json& room = status["children"][1]["child"];
    room["clients"] = nlohmann::json::array({{{"id", 0}}, {{"id", 1}}});
    room["traffic"]["bytesIn"] = 123456789012ULL;
    room["cpuSeconds"] = 1.25;
    status["children"][1]["restarts"] = 3;
    status["fleetBans"] = nlohmann::json::array({{{"address", "192.0.2.7/32"}}});
    const std::string text = render_prometheus(status);
    EXPECT_NE(text.find("jamfleet_room_clients{room=\"Room \\\"A\\\"\",port=\"42124\"} 2\n"),
              std::string::npos);
    EXPECT_NE(text.find("jamfleet_room_receive_bytes_total{room=\"Room \\\"A\\\"\",port=\"42124\"} "
                        "123456789012\n"),
              std::string::npos);
    EXPECT_NE(text.find("jamfleet_child_cpu_seconds_total{kind=\"mixer\",name=\"Room \\\"A\\\"\","
                        "port=\"42124\"} 1.25\n"),
              std::string::npos);
    EXPECT_NE(text.find("jamfleet_child_restarts_total{kind=\"mixer\",name=\"Room \\\"A\\\"\","
                        "port=\"42124\"} 3\n"),
              std::string::npos);
    EXPECT_NE(text.find("\njamfleet_fleet_bans 1\n"), std::string::npos) << text;
}

TEST(PrometheusText, ChildWithoutStatusHasStateButNoRoomSamples) {
    nlohmann::json status = fleet_status();
    status["children"][2].erase("child");
    status["children"][2]["state"] = "backoff";
    const std::string text = render_prometheus(status);
    EXPECT_NE(text.find("jamfleet_child_state{kind=\"mixer\",name=\"Room B\",port=\"42125\","
                        "state=\"backoff\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("jamfleet_child_up{kind=\"mixer\",name=\"Room B\",port=\"42125\"} 0\n"),
              std::string::npos);
    EXPECT_EQ(text.find("jamfleet_room_clients{room=\"Room B\""), std::string::npos);
    EXPECT_EQ(promtool_check(text).first, 0);
}

TEST(PrometheusText, NoDirectoryNoDirectoryFamilies) {
    nlohmann::json status = fleet_status();
    status["children"].erase(0);
    const std::string text = render_prometheus(status);
    EXPECT_EQ(text.find("jamfleet_directory_"), std::string::npos);
    EXPECT_NE(text.find("jamfleet_room_clients"), std::string::npos);
}

TEST(PrometheusText, GarbageInputGivesNoSamplesAndNoCrash) {
    EXPECT_EQ(render_prometheus(nlohmann::json()), "");
    EXPECT_EQ(render_prometheus(nlohmann::json::array({1, 2})), "");
    const nlohmann::json odd = {{"fleet", 7}, {"children", {1, "x", {{"kind", 3}}}}};
    const std::string text = render_prometheus(odd);
    EXPECT_EQ(promtool_check(text).first, 0) << text;
}

TEST(Exposition, EscapesAndValues) {
    EXPECT_EQ(escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
    EXPECT_EQ(escape_help("x\\y\nz\""), "x\\\\y\\nz\"");
    EXPECT_EQ(format_value(0), "0");
    EXPECT_EQ(format_value(18446744073709551615.0), "18446744073709551616");
    EXPECT_EQ(format_value(42), "42");
    EXPECT_EQ(format_value(0.003575), "0.003575");
    EXPECT_EQ(format_value(std::nan("")), "NaN");
    EXPECT_EQ(format_value(-1.0 / 0.0), "-Inf");
}

} // namespace
} // namespace jamfleet::metrics
