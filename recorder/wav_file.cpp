// WAV writing with plain POSIX calls, so every error reaches the recorder as a value
// (ENOSPC, EFBIG, EIO) and stops recording instead of being lost in a stream state.
#include "recorder/wav_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <utility>

namespace jamfleet::recorder {
namespace {

void put_u16(std::vector<std::uint8_t>& out, std::uint16_t v) {
    out.push_back(static_cast<std::uint8_t>(v & 0xff));
    out.push_back(static_cast<std::uint8_t>(v >> 8));
}

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) {
        out.push_back(static_cast<std::uint8_t>((v >> (8 * i)) & 0xff));
    }
}

void put_tag(std::vector<std::uint8_t>& out, const char* tag) {
    out.insert(out.end(), tag, tag + 4);
}

std::string errno_text(const std::string& what, const std::string& path, int err) {
    return what + " " + path + ": " + std::strerror(err);
}

// Writes all of `bytes` at `offset` (or at the current position when offset < 0).
bool write_all(int fd, const std::uint8_t* bytes, std::size_t size, off_t offset, int& err) {
    while (size > 0) {
        const ssize_t n = offset < 0 ? ::write(fd, bytes, size) : ::pwrite(fd, bytes, size, offset);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            err = errno;
            return false;
        }
        if (n == 0) {
            err = ENOSPC;
            return false;
        }
        bytes += n;
        size -= static_cast<std::size_t>(n);
        if (offset >= 0) {
            offset += n;
        }
    }
    return true;
}

} // namespace

std::vector<std::uint8_t> make_wav_header(int channels, std::uint64_t data_bytes) {
    // Sizes above the 32-bit range cannot be expressed; keep the largest valid value.
    const std::uint64_t max_data = 0xffffffffu - 36u;
    const auto data = static_cast<std::uint32_t>(data_bytes < max_data ? data_bytes : max_data);
    const auto ch = static_cast<std::uint16_t>(channels);
    std::vector<std::uint8_t> out;
    out.reserve(kWavHeaderBytes);
    put_tag(out, "RIFF");
    put_u32(out, data + 36);
    put_tag(out, "WAVE");
    put_tag(out, "fmt ");
    put_u32(out, 16);
    put_u16(out, 1); // PCM
    put_u16(out, ch);
    put_u32(out, kWavSampleRate);
    put_u32(out, kWavSampleRate * ch * 2u);
    put_u16(out, static_cast<std::uint16_t>(ch * 2u));
    put_u16(out, 16);
    put_tag(out, "data");
    put_u32(out, data);
    return out;
}

base::Result<WavFile, std::string> WavFile::create(const std::string& path, int channels) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        return base::Err{errno_text("create wav", path, errno)};
    }
    WavFile file(fd, path, channels);
    const auto header = make_wav_header(channels, 0);
    int err = 0;
    if (!write_all(fd, header.data(), header.size(), 0, err)) {
        return base::Err{errno_text("write wav header", path, err)};
    }
    if (::lseek(fd, static_cast<off_t>(kWavHeaderBytes), SEEK_SET) < 0) {
        return base::Err{errno_text("seek wav", path, errno)};
    }
    return file;
}

WavFile::WavFile(int fd, std::string path, int channels)
    : fd_(fd), path_(std::move(path)), channels_(channels) {
    buffer_.reserve(kBufferBytes);
}

WavFile::WavFile(WavFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)), channels_(other.channels_),
      data_bytes_(other.data_bytes_), buffer_(std::move(other.buffer_)) {}

WavFile& WavFile::operator=(WavFile&& other) noexcept {
    if (this != &other) {
        close_fd();
        fd_ = std::exchange(other.fd_, -1);
        path_ = std::move(other.path_);
        channels_ = other.channels_;
        data_bytes_ = other.data_bytes_;
        buffer_ = std::move(other.buffer_);
    }
    return *this;
}

WavFile::~WavFile() {
    close_fd();
}

void WavFile::close_fd() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

base::Status<std::string> WavFile::append(std::span<const std::int16_t> samples) {
    for (const std::int16_t s : samples) {
        const auto u = static_cast<std::uint16_t>(s);
        buffer_.push_back(static_cast<std::uint8_t>(u & 0xff));
        buffer_.push_back(static_cast<std::uint8_t>(u >> 8));
    }
    data_bytes_ += samples.size() * 2;
    if (buffer_.size() >= kBufferBytes) {
        return flush();
    }
    return base::kOk;
}

base::Status<std::string> WavFile::append_silence(std::size_t count) {
    buffer_.insert(buffer_.end(), count * 2, std::uint8_t{0});
    data_bytes_ += count * 2;
    if (buffer_.size() >= kBufferBytes) {
        return flush();
    }
    return base::kOk;
}

base::Status<std::string> WavFile::flush() {
    if (fd_ < 0) {
        return base::Err{std::string("write wav ") + path_ + ": file is closed"};
    }
    int err = 0;
    const bool ok = write_all(fd_, buffer_.data(), buffer_.size(), -1, err);
    buffer_.clear();
    if (!ok) {
        // Part of the buffer may be on disk: count only what really is, so the
        // final header still matches the file.
        const off_t end = ::lseek(fd_, 0, SEEK_CUR);
        const auto header_end = static_cast<off_t>(kWavHeaderBytes);
        data_bytes_ = end > header_end ? static_cast<std::uint64_t>(end - header_end) : 0;
        return base::Err{errno_text("write wav", path_, err)};
    }
    return base::kOk;
}

base::Status<std::string> WavFile::sync_header() {
    if (auto st = flush(); !st) {
        return st;
    }
    const auto header = make_wav_header(channels_, data_bytes_);
    int err = 0;
    if (!write_all(fd_, header.data(), header.size(), 0, err)) {
        return base::Err{errno_text("write wav header", path_, err)};
    }
    return base::kOk;
}

base::Status<std::string> WavFile::finalize() {
    auto st = sync_header();
    close_fd();
    return st;
}

} // namespace jamfleet::recorder
