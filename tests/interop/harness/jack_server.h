// A private JACK server on the dummy backend (48 kHz), for the audio of real Jamulus clients,
// plus the small jackd2 tools the tests use to wire and inspect ports.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/interop/harness/process.h"

namespace jamfleet::interop {

class JackServer {
public:
    // Starts `jackd -n <unique name> -t 5000 -d dummy -r 48000 -p <period>` and waits until it
    // answers.
    JackServer(const std::filesystem::path& dir, int period_frames = 128);
    ~JackServer();

    const std::string& name() const { return name_; }
    int period_frames() const { return period_frames_; }
    // Environment every JACK client needs to reach this server and never auto-start another.
    Env client_env() const;

    std::vector<std::string> ports() const;
    bool wait_for_port(const std::string& port,
                       std::chrono::milliseconds timeout = std::chrono::seconds(15)) const;
    // jack_connect; throws std::runtime_error when it fails.
    void connect(const std::string& from, const std::string& to) const;
    Process& process() { return *process_; }

private:
    std::filesystem::path dir_;
    std::string name_;
    int period_frames_;
    std::unique_ptr<Process> process_;
};

} // namespace jamfleet::interop
