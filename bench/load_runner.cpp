// The load generator's I/O loop: one UDP socket per client, a timerfd with
// absolute deadlines pacing the audio, epoll + recvmmsg with kernel receive
// timestamps for the measurements (see load_runner.h).
#include "bench/load_runner.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <memory>

#include "bench/client_protocol.h"
#include "bench/opus_custom_codec.h"
#include "bench/posix_fd.h"
#include "bench/process_sample.h"
#include "bench/receive_stats.h"
#include "bench/tone_check.h"
#include "bench/tone_loop.h"

namespace jamfleet::bench {
namespace {

using base::Duration;
using base::TimePoint;

TimePoint steady_now() {
    return base::SteadyClock().now();
}

Duration seconds(double s) {
    return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

double to_seconds(Duration d) {
    return std::chrono::duration<double>(d).count();
}

struct SimClient {
    Fd fd;
    ClientProtocol protocol;
    ReceiveStats stats;
    ToneLoop tone;
    std::uint8_t sequence = 0;
    std::uint64_t frame_index = 0;
    std::optional<TimePoint> first_audio;
    std::uint64_t wrong_size = 0;
    std::uint64_t send_errors = 0;
};

struct ReceiveSlot {
    std::array<std::uint8_t, proto::kMaxDatagramBytes> data;
    std::array<char, CMSG_SPACE(sizeof(timespec))> control;
    iovec iov;
};

constexpr std::size_t kBatch = 16;

void flush_protocol(SimClient& client) {
    for (const auto& datagram : client.protocol.take_outgoing()) {
        if (::send(client.fd.get(), datagram.data(), datagram.size(), 0) < 0) {
            ++client.send_errors;
        }
    }
}

nlohmann::json summarize(std::vector<double> values) {
    if (values.empty()) {
        return nullptr;
    }
    std::sort(values.begin(), values.end());
    return {{"min", values.front()}, {"median", values[values.size() / 2]}, {"max", values.back()}};
}

} // namespace

std::variant<nlohmann::json, std::string> run_load(const LoadOptions& options) {
    const auto codec =
        options.frame_samples == 64 ? proto::AudioCodingType::Opus64 : proto::AudioCodingType::Opus;
    proto::AudioFormat format;
    format.codec = codec;
    format.frame_samples = static_cast<std::uint16_t>(options.frame_samples);
    format.channels = static_cast<std::uint8_t>(options.channels);
    format.coded_bytes = proto::coded_bytes_for(codec, format.channels, options.quality);
    format.block_factor = 1;
    format.with_sequence = false;
    const Duration period = std::chrono::nanoseconds(
        static_cast<std::int64_t>(options.frame_samples) * 1'000'000'000 / kSampleRate);
    const double frame_rate = static_cast<double>(kSampleRate) / options.frame_samples;

    // Encode every client's tone first, so the run itself costs little CPU.
    const double amplitude = tone_amplitude(options.clients);
    std::vector<std::unique_ptr<SimClient>> clients;
    const sockaddr_in server = make_sockaddr(options.server_ip, options.server_port);
    const sockaddr_in local = make_sockaddr(options.bind_ip, 0);
    Fd epoll(::epoll_create1(EPOLL_CLOEXEC));
    if (epoll.get() < 0) {
        return std::string("epoll_create1: ") + std::strerror(errno);
    }
    for (std::size_t i = 0; i < options.clients; ++i) {
        auto tone = encode_tone_loop(options.frame_samples, options.channels, format.coded_bytes,
                                     tone_frequency_hz(i), amplitude);
        if (!tone) {
            return std::string("opus custom encoder: cannot encode the tone loop");
        }
        Fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        if (fd.get() < 0) {
            return std::string("socket: ") + std::strerror(errno);
        }
        const int on = 1;
        const int buffer_bytes = 1 << 20;
        ::setsockopt(fd.get(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
        ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof(buffer_bytes));
        if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&local), sizeof(local)) < 0) {
            return "bind udp " + ipv4_to_string(options.bind_ip) + ":0: " + std::strerror(errno);
        }
        // Connected: the kernel drops datagrams from anyone but the server.
        if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&server), sizeof(server)) < 0) {
            return "connect udp " + ipv4_to_string(options.server_ip) + ":" +
                   std::to_string(options.server_port) + ": " + std::strerror(errno);
        }
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = i;
        ::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, fd.get(), &ev);
        ClientProfile profile;
        profile.name = "load-" + std::to_string(i);
        profile.city = "loopback";
        profile.jitter_blocks = options.jitter_blocks;
        if (options.personal_mixes) {
            // 1.0 down to ~0.54 in distinct steps; the injected tones stay audible.
            profile.own_gain = static_cast<std::uint16_t>(0x8000 - 100 * (i % 150));
        }
        clients.push_back(std::unique_ptr<SimClient>(
            new SimClient{std::move(fd), ClientProtocol(format, std::move(profile)),
                          ReceiveStats(period), std::move(*tone)}));
        // Start each client's sequence like a real one: anywhere.
        clients.back()->sequence = static_cast<std::uint8_t>(i * 37);
    }

    Fd timer(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
    if (timer.get() < 0) {
        return std::string("timerfd_create: ") + std::strerror(errno);
    }
    constexpr std::uint64_t kTimerKey = ~std::uint64_t{0};
    {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = kTimerKey;
        ::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, timer.get(), &ev);
        timespec now{};
        ::clock_gettime(CLOCK_MONOTONIC, &now);
        itimerspec spec{};
        spec.it_value = now;
        spec.it_interval.tv_nsec = static_cast<long>(period.count());
        ::timerfd_settime(timer.get(), TFD_TIMER_ABSTIME, &spec, nullptr);
    }

    const TimePoint start = steady_now();
    const TimePoint window_start = start + seconds(options.warmup_s);
    const TimePoint window_end = window_start + seconds(options.duration_s);
    const TimePoint check_end = window_start + seconds(options.check_s);
    const TimePoint finish = window_end + std::chrono::milliseconds(300);
    bool in_window = false;
    bool window_done = false;
    int disconnect_sends = 0;
    std::optional<ProcessSample> server_before;
    std::optional<ProcessSample> server_after;
    std::optional<ProcessSample> server_idle;
    double own_cpu_before = 0;
    double own_cpu_after = 0;
    TimePoint measured_start = window_start;
    TimePoint measured_end = window_end;
    if (options.server_pid) {
        server_idle = sample_process(*options.server_pid);
    }

    JitterHistogram jitter;
    std::uint64_t tick_overruns = 0;
    std::uint64_t frames_sent = 0;
    std::vector<std::vector<std::uint8_t>> check_frames; // client 0's mix, for decoding
    std::vector<ReceiveSlot> slots(kBatch);
    std::array<mmsghdr, kBatch> messages{};
    std::array<epoll_event, 256> events{};
    std::array<std::uint8_t, 1500> packet{};
    const auto disconnect = ClientProtocol::disconnection_datagram();

    while (true) {
        const int ready =
            ::epoll_wait(epoll.get(), events.data(), static_cast<int>(events.size()), 100);
        if (ready < 0 && errno != EINTR) {
            return std::string("epoll_wait: ") + std::strerror(errno);
        }
        const TimePoint now = steady_now();
        if (now >= finish) {
            break;
        }
        if (!in_window && !window_done && now >= window_start) {
            in_window = true;
            measured_start = now;
            own_cpu_before = own_cpu_seconds();
            if (options.server_pid) {
                server_before = sample_process(*options.server_pid);
            }
        }
        if (in_window && now >= window_end) {
            in_window = false;
            window_done = true;
            measured_end = now;
            own_cpu_after = own_cpu_seconds();
            if (options.server_pid) {
                server_after = sample_process(*options.server_pid);
            }
        }
        for (int e = 0; e < std::max(ready, 0); ++e) {
            const std::uint64_t key = events[static_cast<std::size_t>(e)].data.u64;
            if (key == kTimerKey) {
                std::uint64_t expirations = 0;
                if (::read(timer.get(), &expirations, sizeof(expirations)) != sizeof(expirations)) {
                    continue;
                }
                tick_overruns += expirations > 1 ? expirations - 1 : 0;
                if (window_done) {
                    // Leave like a real client: audio stops, then CLM_DISCONNECTION (3×).
                    if (disconnect_sends < 3 &&
                        now >= window_end + std::chrono::milliseconds(20 * disconnect_sends)) {
                        ++disconnect_sends;
                        for (auto& c : clients) {
                            ::send(c->fd.get(), disconnect.data(), disconnect.size(), 0);
                        }
                    }
                    continue;
                }
                // Like a sound card: every period owes one frame; catch up a few after a stall.
                const std::uint64_t frames = std::min<std::uint64_t>(expirations, 4);
                for (auto& c : clients) {
                    const auto& fmt = c->protocol.format();
                    for (std::uint64_t f = 0; f < frames; ++f) {
                        const auto coded = c->tone.frame(c->frame_index++);
                        std::memcpy(packet.data(), coded.data(), coded.size());
                        std::size_t size = coded.size();
                        if (fmt.with_sequence) {
                            packet[size++] = c->sequence;
                        }
                        // The counter advances with or without numbers on the wire (§5.3).
                        ++c->sequence;
                        if (::send(c->fd.get(), packet.data(), size, 0) < 0) {
                            ++c->send_errors;
                        } else {
                            ++frames_sent;
                        }
                    }
                    c->protocol.poll(now);
                    flush_protocol(*c);
                }
                continue;
            }
            SimClient& c = *clients[key];
            while (true) {
                for (std::size_t m = 0; m < kBatch; ++m) {
                    slots[m].iov = {slots[m].data.data(), slots[m].data.size()};
                    messages[m].msg_hdr = {};
                    messages[m].msg_hdr.msg_iov = &slots[m].iov;
                    messages[m].msg_hdr.msg_iovlen = 1;
                    messages[m].msg_hdr.msg_control = slots[m].control.data();
                    messages[m].msg_hdr.msg_controllen = slots[m].control.size();
                }
                const int got =
                    ::recvmmsg(c.fd.get(), messages.data(), kBatch, MSG_DONTWAIT, nullptr);
                if (got <= 0) {
                    break;
                }
                const TimePoint received_at = steady_now();
                for (int m = 0; m < got; ++m) {
                    auto& msg = messages[static_cast<std::size_t>(m)];
                    const std::span<const std::uint8_t> datagram(
                        slots[static_cast<std::size_t>(m)].data.data(), msg.msg_len);
                    // Kernel timestamp (CLOCK_REALTIME): only differences are used.
                    TimePoint arrival = received_at;
                    for (cmsghdr* cm = CMSG_FIRSTHDR(&msg.msg_hdr); cm != nullptr;
                         cm = CMSG_NXTHDR(&msg.msg_hdr, cm)) {
                        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
                            timespec ts{};
                            std::memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
                            arrival = TimePoint(std::chrono::seconds(ts.tv_sec) +
                                                std::chrono::nanoseconds(ts.tv_nsec));
                        }
                    }
                    const auto kind = c.protocol.on_datagram(datagram, received_at);
                    if (kind != DatagramKind::Audio) {
                        continue;
                    }
                    if (!c.first_audio) {
                        c.first_audio = received_at;
                    }
                    const auto& fmt = c.protocol.format();
                    if (datagram.size() != fmt.packet_bytes()) {
                        ++c.wrong_size;
                        continue;
                    }
                    if (in_window) {
                        c.stats.on_frame(arrival, proto::sequence_byte(fmt, datagram, 0), jitter);
                        if (&c == clients.front().get() && received_at < check_end) {
                            const auto coded = proto::coded_frame(fmt, datagram, 0);
                            check_frames.emplace_back(coded.begin(), coded.end());
                        }
                    }
                }
                flush_protocol(c);
                if (static_cast<std::size_t>(got) < kBatch) {
                    break;
                }
            }
        }
    }
    if (!window_done) {
        measured_end = steady_now();
        own_cpu_after = own_cpu_seconds();
    }

    // Decode the sample of client 0's mix and look for everyone's tones.
    nlohmann::json audio_check;
    {
        auto decoder =
            OpusCustomCodec::create(options.frame_samples, options.channels, format.coded_bytes);
        std::vector<float> mono;
        std::vector<std::int16_t> pcm(
            static_cast<std::size_t>(options.frame_samples * options.channels));
        std::size_t decode_errors = 0;
        for (const auto& frame : check_frames) {
            if (!decoder || !decoder->decode(frame, pcm)) {
                ++decode_errors;
                continue;
            }
            for (int s = 0; s < options.frame_samples; ++s) {
                float sum = 0;
                for (int ch = 0; ch < options.channels; ++ch) {
                    sum += pcm[static_cast<std::size_t>(s * options.channels + ch)];
                }
                mono.push_back(sum / static_cast<float>(options.channels) / 32768.0f);
            }
        }
        const ToneCheck check = check_tones(mono, options.clients, 0, amplitude);
        const bool others_ok =
            check.tones_checked == 0 || check.tones_detected * 10 >= check.tones_checked * 9;
        audio_check = {{"frames_decoded", check_frames.size() - decode_errors},
                       {"decode_errors", decode_errors},
                       {"blocks", check.blocks},
                       {"rms_dbfs", check.rms_dbfs},
                       {"own_tone_detected", check.own_tone_detected},
                       {"other_tones_checked", check.tones_checked},
                       {"other_tones_detected", check.tones_detected},
                       {"min_margin_db", check.min_margin_db},
                       {"median_margin_db", check.median_margin_db},
                       {"median_level_db", check.median_level_db},
                       {"absent_tone_detected", check.absent_tone_detected},
                       {"missing_tones", check.missing},
                       {"ok", decode_errors == 0 && check.blocks > 0 && others_ok &&
                                  check.own_tone_detected && !check.absent_tone_detected}};
    }

    const double window_s = to_seconds(measured_end - measured_start);
    const double expected = window_s * frame_rate;
    std::vector<double> rates;
    std::vector<double> connect_ms;
    std::uint64_t received = 0, lost = 0, late = 0, reordered = 0, stalls = 0, wrong_size = 0;
    std::uint64_t bad = 0, send_errors = 0, retransmissions = 0, connected = 0, sequenced = 0;
    std::uint64_t with_id = 0;
    std::uint64_t shortfall_total = 0;
    double max_gap_ms = 0;
    for (const auto& c : clients) {
        const auto& s = c->stats;
        rates.push_back(static_cast<double>(s.frames()) / window_s);
        received += s.frames();
        lost += s.lost();
        late += s.late();
        reordered += s.reordered();
        stalls += s.stalls();
        wrong_size += c->wrong_size;
        send_errors += c->send_errors;
        retransmissions += c->protocol.retransmissions();
        connected += c->protocol.connected() ? 1 : 0;
        sequenced += c->protocol.format().with_sequence ? 1 : 0;
        with_id += c->protocol.client_id() ? 1 : 0;
        max_gap_ms = std::max(max_gap_ms, to_seconds(s.max_gap()) * 1000);
        if (c->first_audio) {
            connect_ms.push_back(to_seconds(*c->first_audio - start) * 1000);
        }
        // A frame is bad once: lost (sequence gap), late (stalled, counted in frame
        // periods) or never sent at all (short of the nominal rate, with 2 frames of
        // window-edge slack). A stall the server never makes up is both late and short,
        // so the larger of the two counts.
        const double shortfall = std::max(0.0, expected - static_cast<double>(s.frames()) - 2);
        const auto short_frames = static_cast<std::uint64_t>(shortfall);
        const std::uint64_t bad_client =
            std::max<std::uint64_t>(s.lost() + s.late(), short_frames) + s.reordered();
        bad += std::min<std::uint64_t>(bad_client, static_cast<std::uint64_t>(std::ceil(expected)));
        shortfall_total += short_frames;
    }
    const double expected_total = expected * static_cast<double>(options.clients);

    nlohmann::json report = {
        {"server", ipv4_to_string(options.server_ip) + ":" + std::to_string(options.server_port)},
        {"clients", options.clients},
        {"frame_samples", options.frame_samples},
        {"channels", options.channels},
        {"quality", quality_name(options.quality)},
        {"personal_mixes", options.personal_mixes},
        {"coded_bytes", format.coded_bytes},
        {"warmup_s", options.warmup_s},
        {"window_s", window_s},
        {"handshake",
         {{"clients_with_client_id", with_id},
          {"clients_receiving_audio", connected},
          {"clients_with_sequence_numbers", sequenced},
          {"first_audio_ms", summarize(connect_ms)},
          {"protocol_retransmissions", retransmissions},
          {"server_version", clients.front()->protocol.server_version()}}},
        {"tx",
         {{"frames_sent", frames_sent},
          {"send_errors", send_errors},
          {"tick_overruns", tick_overruns}}},
        {"rx",
         {{"packets_per_s_per_client", summarize(rates)},
          {"nominal_packets_per_s", frame_rate},
          {"frames_received", received},
          {"frames_expected", expected_total},
          {"lost_frames", lost},
          {"late_frames", late},
          {"reordered_frames", reordered},
          {"short_frames", shortfall_total},
          {"stalls", stalls},
          {"wrong_size_packets", wrong_size},
          {"late_or_lost_frames", bad},
          {"late_or_lost_ratio",
           expected_total > 0 ? static_cast<double>(bad) / expected_total : 1.0},
          {"jitter_us",
           {{"mean", jitter.mean_us()},
            {"p50", jitter.quantile_us(0.5)},
            {"p99", jitter.quantile_us(0.99)},
            {"p999", jitter.quantile_us(0.999)},
            {"max", jitter.max_us()}}},
          {"max_gap_ms", max_gap_ms}}},
        {"audio_check", audio_check},
        {"load_generator_cpu_s", own_cpu_after - own_cpu_before},
    };
    if (options.server_pid) {
        nlohmann::json proc = {{"pid", *options.server_pid}};
        if (server_idle) {
            proc["rss_kb_before"] = server_idle->rss_kb;
        }
        if (server_before && server_after) {
            const double cpu = server_after->cpu_s - server_before->cpu_s;
            proc["cpu_s"] = cpu;
            proc["cpu_percent"] = 100.0 * cpu / window_s;
            proc["cpu_ms_per_client_second"] =
                1000.0 * cpu / (window_s * static_cast<double>(options.clients));
            proc["rss_kb_loaded"] = server_after->rss_kb;
        }
        report["server_process"] = proc;
    }
    return report;
}

} // namespace jamfleet::bench
