// The -l connection log in Jamulus 3.12.4's format (src/serverlogging.cpp), and
// reopening after rotation.
#include "mixer-worker/connection_log.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace jamfleet::mixer {
namespace {

std::string read_all(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST(ConnectionLog, LinesAreJamulusLines) {
    EXPECT_EQ(connection_log_connected("2026-12-04 21:55:12", "198.51.100.7", 3),
              "2026-12-04 21:55:12, 198.51.100.7, connected (3)");
    EXPECT_EQ(connection_log_idle("2026-12-04 22:40:01"),
              "2026-12-04 22:40:01,, server idling -------------------------------------");
    const std::string time = connection_log_time(0);
    EXPECT_EQ(time.size(), 19u);
    EXPECT_EQ(time[4], '-');
    EXPECT_EQ(time[10], ' ');
}

TEST(ConnectionLog, AppendsConnectsAndIdleAndReopensAfterRotation) {
    const std::string dir =
        std::filesystem::temp_directory_path() / ("jamfleet-connlog-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string path = dir + "/room.log";
    {
        std::ofstream earlier(path);
        earlier << "earlier line\n";
    }
    ConnectionLog log;
    ASSERT_TRUE(log.open(path).ok());
    log.client_connected("10.0.0.1", 1);
    log.client_connected("10.0.0.2", 2);
    log.client_left(1); // someone is still there: Jamulus writes nothing
    log.client_left(0);
    std::istringstream lines(read_all(path));
    std::string line;
    std::vector<std::string> got;
    while (std::getline(lines, line)) {
        got.push_back(line);
    }
    ASSERT_EQ(got.size(), 4u);
    EXPECT_EQ(got[0], "earlier line");
    EXPECT_TRUE(got[1].ends_with(", 10.0.0.1, connected (1)")) << got[1];
    EXPECT_TRUE(got[2].ends_with(", 10.0.0.2, connected (2)")) << got[2];
    EXPECT_TRUE(got[3].ends_with(",, server idling -------------------------------------"));

    std::filesystem::rename(path, path + ".1"); // logrotate without copytruncate
    ASSERT_TRUE(log.reopen().ok());
    log.client_connected("10.0.0.3", 1);
    EXPECT_TRUE(read_all(path).ends_with(", 10.0.0.3, connected (1)\n"));
    EXPECT_EQ(read_all(path).find("10.0.0.1"), std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST(ConnectionLog, AnUnwritablePathIsAnError) {
    ConnectionLog log;
    const auto opened = log.open("/nonexistent/dir/room.log");
    ASSERT_FALSE(opened.ok());
    EXPECT_NE(opened.error().find("open log file /nonexistent/dir/room.log"), std::string::npos);
}

} // namespace
} // namespace jamfleet::mixer
