// The connection log of `-l FILE`, line for line in the format Jamulus's server
// writes (src/serverlogging.cpp at tag r3_12_4), since admins' scripts parse it:
//   2026-12-04 21:55:12, 198.51.100.7, connected (3)
//   2026-12-04 22:40:01,, server idling -------------------------------------
// local time; the number is the clients connected after the join; the idle line is
// written when the last client leaves (Jamulus logs no single disconnects). The
// file is opened for appending and reopened on SIGHUP (MixerServer), so log
// rotation can move it away and signal the mixer.
#pragma once

#include <cstdio>
#include <ctime>
#include <string>
#include <string_view>

#include "base/result.h"

namespace jamfleet::mixer {

// The Jamulus timestamp "yyyy-MM-dd HH:mm:ss" of `t` in local time.
std::string connection_log_time(std::time_t t);
std::string connection_log_connected(std::string_view time, std::string_view ip, int clients);
std::string connection_log_idle(std::string_view time);

class ConnectionLog {
public:
    ConnectionLog() = default;
    ~ConnectionLog();
    ConnectionLog(const ConnectionLog&) = delete;
    ConnectionLog& operator=(const ConnectionLog&) = delete;

    // Opens (creating) `path` for appending. "open log file PATH: REASON" on failure.
    base::Status<std::string> open(const std::string& path);
    // Closes and opens the same path again (after log rotation moved the file).
    base::Status<std::string> reopen();
    bool is_open() const { return file_ != nullptr; }

    void client_connected(std::string_view ip, int clients_now);
    void client_left(int clients_now);

private:
    void write_line(const std::string& line);

    std::string path_;
    std::FILE* file_ = nullptr;
};

} // namespace jamfleet::mixer
