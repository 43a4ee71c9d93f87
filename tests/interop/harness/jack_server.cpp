// JackServer: jackd with the dummy driver under a name no other test or user shares.
#include "tests/interop/harness/jack_server.h"

#include <sstream>
#include <stdexcept>
#include <unistd.h>

#include "tests/interop/harness/wait.h"

namespace jamfleet::interop {
namespace {

// JACK server names live in /dev/shm, outside the network namespace: make them unique.
std::string unique_name() {
    const auto now = std::chrono::steady_clock::now().time_since_epoch();
    return "jfit" + std::to_string(::getpid()) + "_" +
           std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(now).count());
}

} // namespace

JackServer::JackServer(const std::filesystem::path& dir, int period_frames)
    : dir_(dir / "jack"), name_(unique_name()), period_frames_(period_frames) {
    process_ = std::make_unique<Process>(ProcessOptions{
        .name = "jackd",
        .program = "jackd",
        // A generous client timeout: on an overloaded machine jackd would otherwise zombify a
        // slow client (jack_metro, a Jamulus client) and the test would record silence.
        .args = {"-n", name_, "-t", "5000", "-d", "dummy", "-r", "48000", "-p",
                 std::to_string(period_frames)},
        .env = {{"JACK_NO_AUDIO_RESERVATION", "1"}},
        .work_dir = dir_});
    const bool ready = wait_until(
        [&] {
            return !process_->running() || run_command({.name = "jack_lsp",
                                                        .program = "jack_lsp",
                                                        .args = {},
                                                        .env = client_env(),
                                                        .work_dir = dir_})
                                                   .exit_code == 0;
        },
        std::chrono::seconds(15), std::chrono::milliseconds(100));
    if (!ready || !process_->running()) {
        throw std::runtime_error("jackd " + name_ + " did not start:\n" + process_->log_text());
    }
}

JackServer::~JackServer() = default;

Env JackServer::client_env() const {
    return {{"JACK_DEFAULT_SERVER", name_}, {"JACK_NO_START_SERVER", "1"}};
}

std::vector<std::string> JackServer::ports() const {
    const auto result = run_command({.name = "jack_lsp",
                                     .program = "jack_lsp",
                                     .args = {},
                                     .env = client_env(),
                                     .work_dir = dir_});
    std::vector<std::string> ports;
    std::istringstream lines(result.output);
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty()) {
            ports.push_back(line);
        }
    }
    return ports;
}

bool JackServer::wait_for_port(const std::string& port, std::chrono::milliseconds timeout) const {
    return wait_until(
        [&] {
            for (const auto& existing : ports()) {
                if (existing == port) {
                    return true;
                }
            }
            return false;
        },
        timeout, std::chrono::milliseconds(100));
}

void JackServer::connect(const std::string& from, const std::string& to) const {
    const auto result = run_command({.name = "jack_connect",
                                     .program = "jack_connect",
                                     .args = {from, to},
                                     .env = client_env(),
                                     .work_dir = dir_});
    if (result.exit_code != 0) {
        throw std::runtime_error("jack_connect '" + from + "' '" + to + "': " + result.output);
    }
}

} // namespace jamfleet::interop
