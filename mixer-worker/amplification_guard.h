// Anti-amplification budget for one address that has not proved yet that it
// receives what we send (RFC 9000 §8.1): before validation the room never sends it
// more than kAmplificationFactor times the bytes it received from it. Sans-I/O.
#pragma once

#include <cstddef>
#include <cstdint>

namespace jamfleet::mixer {

inline constexpr std::uint64_t kAmplificationFactor = 3;

class AmplificationGuard {
public:
    void on_received(std::size_t bytes) { received_ += bytes; }
    // Counts `bytes` as sent and returns true when they fit the budget; otherwise
    // nothing is counted and the datagram must not go out.
    bool try_send(std::size_t bytes) {
        if (sent_ + bytes > kAmplificationFactor * received_) {
            ++blocked_;
            return false;
        }
        sent_ += bytes;
        return true;
    }
    std::uint64_t received() const { return received_; }
    std::uint64_t sent() const { return sent_; }
    std::uint64_t blocked() const { return blocked_; }

private:
    std::uint64_t received_ = 0;
    std::uint64_t sent_ = 0;
    std::uint64_t blocked_ = 0;
};

} // namespace jamfleet::mixer
