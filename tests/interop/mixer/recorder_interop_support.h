// Helpers of recorder_interop_test.cpp's full-disk test: a tmpfs in a private mount namespace
// and a tshark capture of the RECORDER_STATE frames real clients receive.
#pragma once

#include <sched.h>
#include <sys/mount.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "tests/interop/harness/process.h"
#include "tests/interop/harness/wait.h"

namespace jamfleet::interop {

// A tmpfs seen only by this test thread and the processes it starts: the thread moves into
// its own mount namespace (CLONE_NEWNS only unshares the calling thread's file-system view)
// with every mount private, so nothing leaks into the machine's mount table, even on a crash.
class PrivateTmpfs {
public:
    PrivateTmpfs(const std::filesystem::path& dir, const std::string& size) : dir_(dir) {
        std::filesystem::create_directories(dir);
        mounted_ = (entered_ || enter_private_mount_namespace()) &&
                   ::mount("tmpfs", dir.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
    }
    ~PrivateTmpfs() {
        if (mounted_) {
            ::umount2(dir_.c_str(), MNT_DETACH);
        }
    }
    PrivateTmpfs(const PrivateTmpfs&) = delete;
    PrivateTmpfs& operator=(const PrivateTmpfs&) = delete;
    bool mounted() const { return mounted_; }

private:
    static bool enter_private_mount_namespace() {
        entered_ = ::unshare(CLONE_NEWNS) == 0 &&
                   ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0;
        return entered_;
    }
    static inline bool entered_ = false;
    std::filesystem::path dir_;
    bool mounted_ = false;
};

// RECORDER_STATE frames (message ID 33 = 0x21) the server sends, captured with tshark on the
// test's private loopback: what a real client receives on the wire.
class RecorderStateCapture {
public:
    explicit RecorderStateCapture(const std::filesystem::path& dir)
        : tshark_(
              ProcessOptions{.name = "tshark",
                             .program = "tshark",
                             .args = {"-i", "lo", "-l", "-n", "-f", "udp and udp[8:4] = 0x00002100",
                                      "-T", "fields", "-e", "udp.dstport", "-e", "udp.payload"},
                             .work_dir = dir / "tshark"}) {}

    bool wait_capturing() {
        return wait_until(
            [&] { return tshark_.log_text().find("Capturing on") != std::string::npos; },
            std::chrono::seconds(30), std::chrono::milliseconds(100));
    }
    // The states sent to `port`, in order (resends included).
    std::vector<int> states_to(std::uint16_t port) const {
        std::vector<int> states;
        std::istringstream lines(tshark_.log_text());
        std::string line;
        const std::string prefix = std::to_string(port) + "\t00002100";
        while (std::getline(lines, line)) {
            // "PORT\t00002100 cc 0100 ss crc": tag, ID, counter, length 1, the state byte.
            if (line.rfind(prefix, 0) == 0 && line.size() >= prefix.size() + 10 &&
                line.compare(prefix.size() + 2, 4, "0100") == 0) {
                states.push_back(std::stoi(line.substr(prefix.size() + 6, 2), nullptr, 16));
            }
        }
        return states;
    }

private:
    Process tshark_;
};

// True when `states` holds "recording" (3) and later "not enabled" (2).
bool saw_recording_then_stopped(const std::vector<int>& states) {
    const auto on = std::find(states.begin(), states.end(), 3);
    return on != states.end() && std::find(on, states.end(), 2) != states.end();
}

std::string join(const std::vector<int>& values) {
    std::string out;
    for (int v : values) {
        out += (out.empty() ? "" : ",") + std::to_string(v);
    }
    return out;
}

} // namespace jamfleet::interop
