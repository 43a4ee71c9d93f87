// Browser: the driver runs as a child with two pipes; every wait is bounded.
#include "tests/interop/web/browser.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kPython = "/usr/bin/python3"; // Debian's, which has python3-selenium

std::string driver_script() {
    const char* path = std::getenv("JAMFLEET_BROWSER_DRIVER");
    if (path == nullptr || *path == '\0') {
        throw std::runtime_error("JAMFLEET_BROWSER_DRIVER is not set (meson sets it to "
                                 "tests/interop/web/browser_driver.py)");
    }
    return path;
}

// Margin over a request's own timeout for the driver to answer (a page load, a screenshot).
constexpr auto kReplyMargin = 30s;

} // namespace

std::string js_string(const std::string& text) {
    return json(text).dump();
}

Browser::Browser(const std::filesystem::path& work_dir, std::filesystem::path screenshot_dir)
    : screenshot_dir_(std::move(screenshot_dir)), log_path_(work_dir / "browser_driver.log") {
    const std::string script = driver_script();
    if (::access(kPython, X_OK) != 0) {
        throw std::runtime_error(std::string(kPython) + " is missing (apt-get install -y python3)");
    }
    std::filesystem::create_directories(work_dir);
    std::filesystem::create_directories(screenshot_dir_);
    int in_pipe[2];
    int out_pipe[2];
    if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0) {
        throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    }
    const int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log_fd < 0) {
        throw std::runtime_error("open " + log_path_.string() + ": " + std::strerror(errno));
    }
    const std::string home = work_dir.string();
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) {
            ::_exit(127);
        }
        ::dup2(in_pipe[0], STDIN_FILENO);
        ::dup2(out_pipe[1], STDOUT_FILENO);
        ::dup2(log_fd, STDERR_FILENO);
        ::setenv("HOME", home.c_str(), 1); // Chromium writes caches below HOME
        ::execl(kPython, kPython, script.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::close(in_pipe[0]);
    ::close(out_pipe[1]);
    ::close(log_fd);
    if (pid_ < 0) {
        ::close(in_pipe[1]);
        ::close(out_pipe[0]);
        throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    }
    to_driver_ = in_pipe[1];
    from_driver_ = out_pipe[0];
    // The first line says whether Chromium started ("ready") or why not.
    const json hello = json::parse(read_line(60s));
    if (!hello.value("ok", false)) {
        throw std::runtime_error("browser driver: " + hello.value("error", hello.dump()));
    }
}

Browser::~Browser() {
    if (pid_ <= 0) {
        return;
    }
    try {
        request({{"op", "quit"}}, 20s);
    } catch (const std::exception&) {
        // Killed below; its chromedriver then exits when its parent's pipe closes.
    }
    ::close(to_driver_);
    int status = 0;
    for (int i = 0; i < 100; ++i) {
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            ::close(from_driver_);
            return;
        }
        std::this_thread::sleep_for(100ms);
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    ::close(from_driver_);
}

std::string Browser::read_line(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        const auto nl = buffer_.find('\n');
        if (nl != std::string::npos) {
            std::string line = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            return line;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            throw std::runtime_error(
                "browser driver did not answer in time (log: " + log_path_.string() + ")");
        }
        pollfd pfd{from_driver_, POLLIN, 0};
        const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno != EINTR) {
            throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
        }
        if (ready <= 0) {
            continue;
        }
        char chunk[65536];
        const ssize_t n = ::read(from_driver_, chunk, sizeof chunk);
        if (n <= 0) {
            throw std::runtime_error("browser driver exited (log: " + log_path_.string() + ")");
        }
        buffer_.append(chunk, static_cast<std::size_t>(n));
    }
}

json Browser::request(const json& message, std::chrono::milliseconds timeout) {
    const std::string line = message.dump() + "\n";
    std::size_t sent = 0;
    while (sent < line.size()) {
        const ssize_t n = ::write(to_driver_, line.data() + sent, line.size() - sent);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            throw std::runtime_error("browser driver is gone (log: " + log_path_.string() + ")");
        }
        sent += static_cast<std::size_t>(n);
    }
    const std::string reply_line = read_line(timeout + kReplyMargin);
    const json reply = json::parse(reply_line, nullptr, false);
    if (!reply.is_object()) {
        throw std::runtime_error("browser driver answered " + reply_line + " to " + message.dump());
    }
    if (!reply.value("ok", false)) {
        throw std::runtime_error("browser: " + message.dump() + ": " + reply.value("error", ""));
    }
    return reply.value("value", json());
}

void Browser::open(const std::string& url) {
    request({{"op", "open"}, {"url", url}}, 0s);
}

void Browser::resize(int width, int height, bool mobile) {
    request({{"op", "size"}, {"width", width}, {"height", height}, {"mobile", mobile}}, 0s);
}

json Browser::wait(const std::string& script, std::chrono::milliseconds timeout) {
    return request({{"op", "wait"},
                    {"script", script},
                    {"timeout", static_cast<double>(timeout.count()) / 1000.0}},
                   timeout);
}

bool Browser::becomes(const std::string& script, std::chrono::milliseconds timeout) {
    try {
        wait(script, timeout);
        return true;
    } catch (const std::runtime_error& error) {
        if (std::string(error.what()).find("TimeoutError") == std::string::npos) {
            throw; // a broken script or a dead browser is not "false"
        }
        return false;
    }
}

void Browser::click(const std::string& css) {
    request({{"op", "click"}, {"css", css}}, 0s);
}

void Browser::type(const std::string& css, const std::string& text) {
    request({{"op", "type"}, {"css", css}, {"text", text}}, 0s);
}

json Browser::js(const std::string& script) {
    return request({{"op", "js"}, {"script", script}}, 0s);
}

std::vector<std::string> Browser::errors() {
    return request({{"op", "errors"}}, 0s).get<std::vector<std::string>>();
}

std::filesystem::path Browser::screenshot(const std::string& name) {
    const auto path = screenshot_dir_ / (name + ".png");
    request({{"op", "screenshot"}, {"path", path.string()}}, 0s);
    return path;
}

} // namespace jamfleet::interop
