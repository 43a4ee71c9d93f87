// The supervisor's web child (jamfleet-web, docs/web.md): the default token
// file, then start or adopt it like any other child.
#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "orchestrator/supervisor.h"

namespace jamfleet::orchestrator {

namespace {

// Writes 32 random bytes as 64 hex digits to `path` (mode 0600) unless it exists.
bool make_token_file(const std::string& path, std::string& error) {
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
        return true;
    }
    unsigned char bytes[32];
    if (::getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
        error = std::string("getrandom: ") + std::strerror(errno);
        return false;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string text;
    for (unsigned char b : bytes) {
        text += kHex[b >> 4];
        text += kHex[b & 15];
    }
    text += '\n';
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        error = "create " + path + ": " + std::strerror(errno);
        return false;
    }
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    if (!ok) {
        error = "write " + path + ": " + std::strerror(errno);
        ::unlink(path.c_str());
    }
    return ok;
}

} // namespace

void Supervisor::start_web() {
    auto spec = web_launch(fleet_, options_.bins);
    if (!spec) {
        web_.reset();
        return;
    }
    web_ = make_child(std::move(*spec));
    // A missing token file is made, at the default path or the one given (whose
    // directory must exist); an existing one is never touched.
    std::string error;
    std::error_code ec;
    std::filesystem::create_directories(fleet_.fleet.run_dir, ec);
    if (!make_token_file(fleet_.web_token_path(), error)) {
        mark_failed(*web_, "web token: " + error);
        return;
    }
    if (web_->spec.program.empty()) {
        mark_failed(*web_, "jamfleet-web not found next to jamfleet (use --bin-dir)");
        return;
    }
    adopting_ ? adopt_or_start(*web_) : start_child(*web_);
}

} // namespace jamfleet::orchestrator
