// `jamfleet check`'s start checks: welcome and secret files, writable directories,
// JSON-RPC ports in use, and the warnings.
#include "orchestrator/start_checks.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace jamfleet::orchestrator {
namespace {

namespace fs = std::filesystem;

class StartChecks : public testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("jamfleet-start-checks-" + std::to_string(::getpid()) + "-" +
                testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
        fleet_.fleet.run_dir = dir_ / "run";
        fleet_.directory.database = dir_ / "state/directory.db";
        fleet_.directory.whitelist = {"127.0.0.1"};
        config::ServerConfig room;
        room.name = "A";
        fleet_.servers.push_back(room);
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string write(const std::string& name, const std::string& text) {
        const fs::path path = dir_ / name;
        std::ofstream(path) << text;
        return path;
    }
    std::vector<StartFinding> run() {
        StartCheckOptions options;
        return start_checks(fleet_, options);
    }
    std::string all(const std::vector<StartFinding>& findings) {
        std::string text;
        for (const auto& f : findings) {
            text += (f.error ? "error " : "warning ") + f.where + ": " + f.message + "\n";
        }
        return text;
    }

    fs::path dir_;
    config::FleetConfig fleet_;
};

TEST_F(StartChecks, AGoodFleetHasNoFindings) {
    fleet_.servers[0].options.welcome = write("welcome.html", "<b>hi</b>");
    fleet_.servers[0].options.recording_dir = dir_ / "recordings/a";
    fleet_.servers[0].log_file = dir_ / "a.log";
    EXPECT_EQ(all(run()), "");
}

TEST_F(StartChecks, WelcomeTextIsTextButAMissingFileIsAnError) {
    EXPECT_FALSE(welcome_looks_like_path("Welcome! Be kind."));
    EXPECT_FALSE(welcome_looks_like_path("<b>see /rules</b>"));
    EXPECT_TRUE(welcome_looks_like_path("/etc/jamfleet/welcome.html"));
    EXPECT_TRUE(welcome_looks_like_path("welcome.html"));
    EXPECT_TRUE(welcome_looks_like_path("./motd.txt"));
    fleet_.servers[0].options.welcome = (dir_ / "missing.html").string();
    const auto findings = run();
    ASSERT_EQ(findings.size(), 1u) << all(findings);
    EXPECT_TRUE(findings[0].error);
    EXPECT_EQ(findings[0].where, "/servers/A/welcome");
    EXPECT_NE(findings[0].message.find("musicians would see the file name"), std::string::npos);
}

TEST_F(StartChecks, SecretFilesMustHoldSixteenCharacters) {
    fleet_.directory.jsonrpc_port = 0; // port 0: always free to bind
    fleet_.directory.jsonrpc_secret_file = write("short", "fifteen-chars--\nmore");
    fleet_.servers[0].jsonrpc_port = 0;
    fleet_.servers[0].jsonrpc_secret_file = (dir_ / "absent").string();
    const std::string text = all(run());
    EXPECT_NE(
        text.find("error /directory/jsonrpc_secret_file: " + fleet_.directory.jsonrpc_secret_file +
                  ": the first line must hold a secret of at least 16 characters"),
        std::string::npos)
        << text;
    EXPECT_NE(text.find("error /servers/A/jsonrpc_secret_file: " + (dir_ / "absent").string() +
                        ": cannot read"),
              std::string::npos)
        << text;
    fleet_.directory.jsonrpc_secret_file = write("good", "sixteen-chars---\n");
    fleet_.servers[0].jsonrpc_secret_file = fleet_.directory.jsonrpc_secret_file;
    EXPECT_EQ(all(run()), "");
}

TEST_F(StartChecks, AJsonRpcPortInUseIsAnErrorUnlessTheFleetHoldsIt) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(::listen(fd, 1), 0);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    fleet_.servers[0].jsonrpc_port = ntohs(address.sin_port);
    fleet_.servers[0].jsonrpc_secret_file = write("good", "sixteen-chars---\n");
    const std::string text = all(run());
    EXPECT_NE(text.find("error /servers/A/jsonrpc_port: TCP 127.0.0.1:" +
                        std::to_string(ntohs(address.sin_port)) + " is already in use"),
              std::string::npos)
        << text;
    StartCheckOptions running;
    running.ports_in_use_by_fleet = true;
    EXPECT_EQ(all(start_checks(fleet_, running)), "");
    ::close(fd);
}

TEST_F(StartChecks, UnwritableDirectoriesAreErrors) {
    if (::geteuid() == 0) {
        // root writes everywhere; a file in the way is an error for everyone.
        write("file", "x");
        fleet_.servers[0].options.recording_dir = dir_ / "file";
        fleet_.servers[0].log_file = dir_ / "file/sub/a.log";
        fleet_.fleet.run_dir = dir_ / "file";
        const std::string text = all(run());
        EXPECT_NE(text.find("error /servers/A/recording_dir: " + (dir_ / "file").string() +
                            " is not a directory"),
                  std::string::npos)
            << text;
        EXPECT_NE(text.find("error /servers/A/log_file:"), std::string::npos) << text;
        EXPECT_NE(text.find("error /fleet/run_dir:"), std::string::npos) << text;
        return;
    }
    fs::create_directories(dir_ / "ro");
    fs::permissions(dir_ / "ro", fs::perms::owner_read | fs::perms::owner_exec);
    fleet_.servers[0].options.recording_dir = dir_ / "ro/rec";
    EXPECT_NE(all(run()).find("error /servers/A/recording_dir"), std::string::npos);
    fs::permissions(dir_ / "ro", fs::perms::owner_all);
}

TEST_F(StartChecks, AnOpenDirectoryIsAWarning) {
    fleet_.directory.whitelist.clear();
    const auto findings = start_checks(fleet_, StartCheckOptions{});
    ASSERT_EQ(findings.size(), 1u) << all(findings);
    EXPECT_FALSE(findings[0].error);
    EXPECT_EQ(findings[0].where, "/directory/whitelist");
}

} // namespace
} // namespace jamfleet::orchestrator
