// Tests of what must survive failures: a full disk stops recording cleanly while the
// producer keeps going, and a kill -9 leaves WAV headers that match their data.
#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <poll.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "recorder/recorder.h"
#include "tests/recorder/test_util.h"

namespace jamfleet::recorder {
namespace {

constexpr std::uint32_t kLoopback = 0x7f000001;

// A tmpfs only this thread (and what it forks) sees: the thread first moves into its own mount
// namespace (CLONE_NEWNS unshares just the calling thread's view) with every mount private, so
// the mount never reaches the machine's mount table, even if the test crashes.
class TmpfsMount {
public:
    TmpfsMount(const std::string& dir, const char* size) : dir_(dir) {
        const std::string opts = std::string("size=") + size;
        mounted_ = ::unshare(CLONE_NEWNS) == 0 &&
                   ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 &&
                   ::mount("tmpfs", dir.c_str(), "tmpfs", 0, opts.c_str()) == 0;
    }
    ~TmpfsMount() {
        if (mounted_) {
            ::umount2(dir_.c_str(), MNT_DETACH);
        }
    }
    TmpfsMount(const TmpfsMount&) = delete;
    TmpfsMount& operator=(const TmpfsMount&) = delete;
    bool mounted() const { return mounted_; }

private:
    std::string dir_;
    bool mounted_ = false;
};

struct FullDiskOutcome {
    bool stopped = false; // state went to NotEnabled
    bool error_says_full = false;
    bool logged = false;
    int calls = 0; // producer calls made (all of them returned)
    int accepted_after_failure = 0;
    bool header_matches = false; // the last WAV's header equals its data size
};

// Records 16 clients until the file system is full; the producer never stops calling.
FullDiskOutcome record_until_full(const std::string& base_dir) {
    FullDiskOutcome out;
    std::vector<std::string> logs;
    base::FakeClock clock;
    RecorderOptions options;
    options.base_dir = base_dir;
    options.writer_thread = false;
    Recorder recorder(options, clock,
                      base::Logger("recorder", [&](std::string_view l) { logs.emplace_back(l); }));
    std::vector<std::int16_t> samples(128, 1234);
    std::string session;
    for (int tick = 0; tick < 2000; ++tick) {
        for (std::uint8_t id = 0; id < 16; ++id) {
            const bool ok = recorder.on_frame(
                {id, kLoopback, static_cast<std::uint16_t>(1000 + id), "Player", 1, samples});
            ++out.calls;
            if (ok && out.stopped) {
                ++out.accepted_after_failure;
            }
        }
        if (tick % 8 == 7) {
            clock.advance(std::chrono::milliseconds(300));
            if (session.empty()) {
                session = recorder.session_dir();
            }
            recorder.process_pending();
            out.stopped = out.stopped || recorder.state() == RecorderState::NotEnabled;
        }
    }
    out.error_says_full =
        recorder.status().error_message.find("No space left on device") != std::string::npos ||
        recorder.status().error_message.find("File too large") != std::string::npos;
    for (const auto& l : logs) {
        out.logged = out.logged || (l.rfind("error recorder: recording stopped", 0) == 0);
    }
    if (!session.empty()) {
        const auto wav = test::read_file(session + "/Player-127_0_0_1_1000-0-1.wav");
        out.header_matches = wav.size() > 44 && test::u32_at(wav, 40) == wav.size() - 44 &&
                             test::u32_at(wav, 4) == wav.size() - 8;
    }
    return out;
}

TEST(RecorderDiskFull, FullTmpfsStopsRecordingWhileProducerKeepsGoing) {
    test::TempDir dir;
    TmpfsMount mount(dir.path(), "256k");
    // A failure, not a skip: ./test.sh runs as root, and a disk-full test that did not
    // run has proved nothing.
    ASSERT_TRUE(mount.mounted()) << "cannot mount a 256 KiB tmpfs (needs root)";
    const FullDiskOutcome out = record_until_full(dir.path());
    EXPECT_TRUE(out.stopped);
    EXPECT_TRUE(out.error_says_full);
    EXPECT_TRUE(out.logged);
    EXPECT_EQ(out.calls, 2000 * 16);
    EXPECT_EQ(out.accepted_after_failure, 0);
    EXPECT_TRUE(out.header_matches);
}

TEST(RecorderDiskFull, FileSizeLimitStopsRecordingWhileProducerKeepsGoing) {
    test::TempDir dir;
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        std::signal(SIGXFSZ, SIG_IGN); // writes past the limit then fail with EFBIG
        const rlimit limit{64 * 1024, 64 * 1024};
        ::setrlimit(RLIMIT_FSIZE, &limit);
        const FullDiskOutcome out = record_until_full(dir.path());
        const bool ok = out.stopped && out.error_says_full && out.logged &&
                        out.calls == 2000 * 16 && out.accepted_after_failure == 0 &&
                        out.header_matches;
        ::_exit(ok ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
}

// The child records with a periodic header update, reports its session folder once
// a periodic update has covered every frame, then waits to be killed.
[[noreturn]] void record_then_wait_for_kill(int report_fd, const std::string& base_dir) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    base::SteadyClock clock;
    RecorderOptions options;
    options.base_dir = base_dir;
    options.header_interval = std::chrono::milliseconds(20);
    options.writer_poll = std::chrono::milliseconds(2);
    Recorder recorder(options, clock, base::Logger("recorder", [](std::string_view) {}));
    std::vector<std::int16_t> samples(256, -77);
    for (int i = 0; i < 200; ++i) {
        while (!recorder.on_frame({0, kLoopback, 4242, "K", 2, samples})) {
            std::this_thread::yield(); // a full queue: retry (only this test wants all frames)
        }
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (recorder.stats().frames_written < 200 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    // Two more periodic updates: the first one after the last frame has completed.
    const std::uint64_t syncs = recorder.stats().header_syncs;
    while (recorder.stats().header_syncs < syncs + 2 &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    const std::string line = recorder.session_dir() + "\n";
    [[maybe_unused]] const auto n = ::write(report_fd, line.data(), line.size());
    for (;;) {
        ::pause();
    }
}

TEST(RecorderCrash, KillNineLeavesHeadersMatchingTheData) {
    test::TempDir dir;
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ::close(fds[0]);
        record_then_wait_for_kill(fds[1], dir.path());
    }
    ::close(fds[1]);
    pollfd pfd{fds[0], POLLIN, 0};
    const int ready = ::poll(&pfd, 1, 20000);
    std::string session;
    char buf[512];
    if (ready > 0) {
        const ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n > 0) {
            session.assign(buf, static_cast<std::size_t>(n));
        }
    }
    ::close(fds[0]);
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFSIGNALED(status));
    ASSERT_FALSE(session.empty()) << "child did not report in time";
    session.pop_back();
    const auto wav = test::read_file(session + "/K___-127_0_0_1_4242-0-2.wav");
    ASSERT_EQ(wav.size(), 44u + 200u * 256u * 2u);
    EXPECT_EQ(test::u32_at(wav, 40), wav.size() - 44);
    EXPECT_EQ(test::u32_at(wav, 4), wav.size() - 8);
    EXPECT_EQ(test::u16_at(wav, 22), 2u);
    // Killed mid-session: no project files yet.
    EXPECT_TRUE(test::files_with_suffix(session, ".rpp").empty());
}

} // namespace
} // namespace jamfleet::recorder
