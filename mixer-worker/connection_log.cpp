// Jamulus-format connection log; see connection_log.h.
#include "mixer-worker/connection_log.h"

#include <cerrno>
#include <cstring>

namespace jamfleet::mixer {

std::string connection_log_time(std::time_t t) {
    std::tm local{};
    ::localtime_r(&t, &local);
    char text[32];
    const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &local);
    return std::string(text, n);
}

std::string connection_log_connected(std::string_view time, std::string_view ip, int clients) {
    return std::string(time) + ", " + std::string(ip) + ", connected (" + std::to_string(clients) +
           ")";
}

std::string connection_log_idle(std::string_view time) {
    return std::string(time) + ",, server idling -------------------------------------";
}

ConnectionLog::~ConnectionLog() {
    if (file_ != nullptr) {
        std::fclose(file_);
    }
}

base::Status<std::string> ConnectionLog::open(const std::string& path) {
    path_ = path;
    return reopen();
}

base::Status<std::string> ConnectionLog::reopen() {
    if (file_ != nullptr) {
        std::fclose(file_);
        file_ = nullptr;
    }
    file_ = std::fopen(path_.c_str(), "ae"); // O_APPEND | O_CLOEXEC
    if (file_ == nullptr) {
        return base::Err{"open log file " + path_ + ": " + std::strerror(errno)};
    }
    return base::kOk;
}

void ConnectionLog::write_line(const std::string& line) {
    if (file_ == nullptr) {
        return;
    }
    std::fputs(line.c_str(), file_);
    std::fputc('\n', file_);
    std::fflush(file_); // scripts tail the file; Jamulus flushes every line too
}

void ConnectionLog::client_connected(std::string_view ip, int clients_now) {
    write_line(connection_log_connected(connection_log_time(std::time(nullptr)), ip, clients_now));
}

void ConnectionLog::client_left(int clients_now) {
    if (clients_now == 0) {
        write_line(connection_log_idle(connection_log_time(std::time(nullptr))));
    }
}

} // namespace jamfleet::mixer
