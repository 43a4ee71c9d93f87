// measure_tone: one complete two-client session with a tone through the server's mix.
#include "tests/interop/harness/tone_session.h"

#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/interop/harness/tone.h"

namespace jamfleet::interop {

void PrintTo(const AudioCase& audio, std::ostream* out) {
    *out << audio.name;
}

std::vector<AudioCase> audio_cases() {
    return {
        {.name = "mono_128", .jack_period = 128, .server_args = {}},
        {.name = "mono_64",
         .jack_period = 64,
         .server_args = {"-F"},
         .opus_small = true,
         .frame_ms = 64.0 / 48.0},
        {.name = "stereo_high_128",
         .jack_period = 128,
         .server_args = {},
         .audio_channels = 2,
         .audio_quality = 2},
    };
}

std::string versions_tag(const ClientVersions& versions) {
    return versions.alice == versions.bob
               ? version_tag(versions.alice)
               : version_tag(versions.alice) + "_and_" + version_tag(versions.bob);
}

ToneResult measure_tone(const std::filesystem::path& dir, const ServerKind& kind,
                        const AudioCase& audio, const ClientVersions& versions) {
    constexpr double kToneHz = 440;
    // Small, so a buffer's random fill adds little spread: with 6 frames real Jamulus measured
    // 14.3–27.8 ms and ours 21.4–27.3 from session to session; with 3, 18.1–19.3 and 13.4–16.7.
    constexpr int kJitterFrames = 3;
    JackServer jack(dir, audio.jack_period);
    JamulusServer server(dir, kind, {.args = audio.server_args});
    const auto profile = [&](const std::string& name) {
        return ClientProfile{.name = name,
                             .audio_channels = audio.audio_channels,
                             .audio_quality = audio.audio_quality,
                             .opus_small = audio.opus_small};
    };
    // Fixed jitter buffers on both sides (the client tells the server its size): with the
    // automatic ones, the same server measured 13–24 ms from one session to the next, so a
    // latency comparison between servers would compare buffer decisions, not servers.
    const auto fixed_buffers = [&](JamulusVersion version) {
        return ClientOptions{.extra_ini = "<autojitbuf>0</autojitbuf><jitbuf>" +
                                          std::to_string(kJitterFrames) +
                                          "</jitbuf><jitbufserver>" +
                                          std::to_string(kJitterFrames) + "</jitbufserver>",
                             .version = version};
    };
    JamulusClient alice(dir, jack, "alice", profile("alice"), server.address(),
                        fixed_buffers(versions.alice));
    JamulusClient bob(dir, jack, "bob", profile("bob"), server.address(),
                      fixed_buffers(versions.bob));
    for (auto* client : {&alice, &bob}) {
        if (!client->wait_for_client_list([](const auto& c) { return c.size() == 2; })) {
            throw std::runtime_error(client->role() + " never saw both clients on " + kind.name);
        }
    }
    // Let jitter buffers settle after the connection sequence.
    std::this_thread::sleep_for(std::chrono::seconds(1));

    ToneResult result;
    const auto output = bob.jack_port("output left");
    const auto control = record_ports(jack, dir, {output}, std::chrono::seconds(2));
    result.control_dbfs = median(block_levels_dbfs(control.channels[0], kToneHz, 48000));

    ToneSource tone(jack, dir, "tone", static_cast<int>(kToneHz), 0.5);
    jack.connect(tone.port(), alice.jack_port("input left"));
    jack.connect(tone.port(), alice.jack_port("input right"));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const auto wired = record_ports(jack, dir, {tone.port(), output}, std::chrono::seconds(4));
    result.source_dbfs = median(block_levels_dbfs(wired.channels[0], kToneHz, 48000));
    result.level_dbfs = median(block_levels_dbfs(wired.channels[1], kToneHz, 48000));
    result.latency_ms = median_latency_ms(wired.channels[0], wired.channels[1], 48000);
    if (!kind.is_real_jamulus) {
        result.server_stats = server.rpc().call("jamfleet/getStats");
    }
    return result;
}

std::string describe(const ToneResult& result) {
    std::ostringstream text;
    text << "source " << result.source_dbfs << " dBFS, output " << result.level_dbfs
         << " dBFS, unwired control " << result.control_dbfs << " dBFS, latency ";
    if (result.latency_ms) {
        text << *result.latency_ms << " ms";
    } else {
        text << "not measurable";
    }
    return text.str();
}

} // namespace jamfleet::interop
