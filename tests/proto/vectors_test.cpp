// Golden vectors captured from real Jamulus 3.9.1 and 4.0.0 beta 2 (tests/proto/vectors/*.hex):
// every datagram is classified, every protocol frame decodes with the typed decoder
// for its ID and re-encodes to exactly the captured bytes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>

#include "proto/audio_format.h"
#include "proto/country.h"
#include "proto/messages.h"
#include "proto/reliable_link.h"
#include "tests/proto/hex.h"

namespace jamfleet::proto {
namespace {

namespace fs = std::filesystem;
using test::from_hex;
using test::to_hex;

struct Datagram {
    std::string file;
    int line = 0;
    std::string from;
    std::string to;
    Bytes bytes;
};

std::vector<fs::path> vector_files() {
    std::vector<fs::path> files;
    const fs::path dir(JAMFLEET_PROTO_VECTORS_DIR);
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (entry.is_regular_file() && entry.path().extension() == ".hex") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<Datagram> read_vectors(const fs::path& path) {
    std::vector<Datagram> out;
    std::ifstream in(path);
    std::string text;
    int line = 0;
    while (std::getline(in, text)) {
        ++line;
        if (text.empty() || text[0] == '#' ||
            text.find_first_not_of(" \t\r") == std::string::npos) {
            continue;
        }
        std::istringstream fields(text);
        Datagram d{path.filename().string(), line, {}, {}, {}};
        std::string hex;
        std::string piece;
        fields >> d.from >> d.to;
        while (fields >> piece) {
            hex += piece;
        }
        d.bytes = from_hex(hex);
        out.push_back(std::move(d));
    }
    return out;
}

// The first decoded message with `id` sent by `from` in `file`, or nullopt.
std::optional<Message> first_message(const std::string& file, const std::string& from,
                                     MessageId id) {
    const fs::path path = fs::path(JAMFLEET_PROTO_VECTORS_DIR) / file;
    for (const Datagram& d : read_vectors(path)) {
        auto frame = parse_frame(d.bytes);
        if (d.from == from && frame && frame->id == to_wire(id)) {
            auto decoded = decode_message(*frame);
            if (decoded) {
                return std::move(decoded).value();
            }
        }
    }
    return std::nullopt;
}

TEST(GoldenVectorContent, ServerRegistrationCarriesOptionsGivenToJamulus) {
    auto reg = first_message("directory.hex", "regserver", MessageId::ClmRegisterServerEx);
    ASSERT_TRUE(reg.has_value());
    const auto& r = std::get<RegisterServer>(reg->body);
    EXPECT_EQ(r.port, 22324);
    EXPECT_EQ(r.name, "Z\xC3\xBCrich Jam");
    EXPECT_EQ(r.city, "Z\xC3\xBCrich");
    EXPECT_EQ(r.country, country_from_iso("ch"));
    EXPECT_EQ(r.os, 2);
    EXPECT_EQ(r.version, "3.9.1");

    auto reg2 = first_message("directory.hex", "regserver2", MessageId::ClmRegisterServerEx);
    ASSERT_TRUE(reg2.has_value());
    const auto& r2 = std::get<RegisterServer>(reg2->body);
    EXPECT_EQ(r2.name, "Plain Server");
    EXPECT_EQ(r2.city, "Paris");
    EXPECT_EQ(r2.country, 74);
    EXPECT_EQ(r2.max_clients, 5);
    EXPECT_EQ(r2.internal_address, "10.1.2.3");
}

TEST(GoldenVectorContent, DirectoryListStartsWithItselfAtZeroAddress) {
    auto list = first_message("directory.hex", "directory", MessageId::ClmServerList);
    ASSERT_TRUE(list.has_value());
    const auto& entries = std::get<ServerList>(list->body).entries;
    ASSERT_FALSE(entries.empty());
    EXPECT_EQ(entries[0].ip, 0u);
    EXPECT_EQ(entries[0].port, 0);
    EXPECT_EQ(entries[0].name, "Jam Directory");
    EXPECT_EQ(entries[0].city, "Berlin");
    EXPECT_EQ(entries[0].country, 82);
    auto reduced = first_message("directory.hex", "directory", MessageId::ClmRedServerList);
    ASSERT_TRUE(reduced.has_value());
    EXPECT_EQ(std::get<RedServerList>(reduced->body).entries.at(0).name, "Jam Directory");
}

TEST(GoldenVectorContent, ClientSessionProfileVersionAndWelcome) {
    auto infos = first_message("client_session.hex", "client", MessageId::ChannelInfos);
    ASSERT_TRUE(infos.has_value());
    const auto& ci = std::get<ChannelInfos>(infos->body);
    EXPECT_EQ(ci.city, "K\xC3\xB6ln");
    EXPECT_EQ(ci.country, 82);
    EXPECT_EQ(ci.instrument, 20u);
    EXPECT_EQ(ci.skill, 2);

    auto version = first_message("client_session.hex", "server", MessageId::VersionAndOs);
    ASSERT_TRUE(version.has_value());
    EXPECT_EQ(std::get<VersionAndOs>(version->body), (VersionAndOs{2, "3.9.1"}));

    auto id = first_message("client_session.hex", "server", MessageId::ClientId);
    ASSERT_TRUE(id.has_value());
    EXPECT_EQ(std::get<ClientId>(id->body).channel_id, 0);

    auto chat = first_message("client_session.hex", "server", MessageId::ChatText);
    ASSERT_TRUE(chat.has_value());
    EXPECT_EQ(std::get<ChatText>(chat->body).text.rfind("<b>Server Welcome Message:</b> ", 0), 0u);

    auto licence = first_message("client_session.hex", "server", MessageId::LicenceRequired);
    ASSERT_TRUE(licence.has_value());
    EXPECT_EQ(std::get<LicenceRequired>(licence->body).licence, 1);
}

// Jamulus 4.0.0 beta 2 (v40_raw_and_features.hex): the new connection-less answers, message 36
// and raw PCM datagrams.
TEST(GoldenVectorContent, Jamulus40FeaturesWelcomeAndRawAudio) {
    const std::string file = "v40_raw_and_features.hex";
    auto features = first_message(file, "server", MessageId::ClmServerFeatures);
    ASSERT_TRUE(features.has_value());
    const auto& bits = std::get<ServerFeatures>(features->body);
    EXPECT_TRUE(bits.has(ServerFeature::RawAudio));
    EXPECT_TRUE(bits.has(ServerFeature::HasWelcomeMessage));
    EXPECT_FALSE(bits.has(ServerFeature::FastUpdate));
    EXPECT_FALSE(bits.has(ServerFeature::Ipv6Available)); // --noipv6
    auto welcome = first_message(file, "server", MessageId::ClmWelcomeMessage);
    ASSERT_TRUE(welcome.has_value());
    EXPECT_EQ(std::get<WelcomeMessage>(welcome->body).text, "Hello <b>raw</b>");
    // RAWAUDIO_SUPPORTED is the server's second connection message, right after CLIENT_ID.
    std::vector<std::uint16_t> server_ids;
    std::set<std::size_t> raw_sizes;
    for (const Datagram& d : read_vectors(fs::path(JAMFLEET_PROTO_VECTORS_DIR) / file)) {
        auto frame = parse_frame(d.bytes);
        if (frame && d.from == "server" && d.to == "client" && frame->id != 1) {
            server_ids.push_back(frame->id);
        } else if (!frame && d.from == "client") {
            raw_sizes.insert(d.bytes.size());
        }
    }
    ASSERT_GE(server_ids.size(), 2u);
    EXPECT_EQ(server_ids[0], to_wire(MessageId::ClientId));
    EXPECT_EQ(server_ids[1], to_wire(MessageId::RawAudioSupported));
    // 128 samples mono raw: 256 bytes of PCM (+ the sequence byte once negotiated).
    EXPECT_TRUE(raw_sizes.count(257)) << "no raw datagram from the 4.0 client";
    AudioFormat raw;
    raw.coded_bytes = 256;
    EXPECT_TRUE(raw.is_raw());
    EXPECT_TRUE(is_valid_audio_packet_size(257));
}

// Jamulus 4.0.0 beta 2 with its IPv6 socket open and no other option (v40_features_ipv6.hex):
// bit 5 (IPv6 available) and bit 6 (raw audio offered), nothing else.
TEST(GoldenVectorContent, Jamulus40FeaturesWithItsIpv6SocketOpen) {
    auto features = first_message("v40_features_ipv6.hex", "server", MessageId::ClmServerFeatures);
    ASSERT_TRUE(features.has_value());
    const auto& bits = std::get<ServerFeatures>(features->body);
    EXPECT_EQ(bits.bits, 0x60u);
    EXPECT_TRUE(bits.has(ServerFeature::Ipv6Available));
    EXPECT_TRUE(bits.has(ServerFeature::RawAudio));
}

TEST(GoldenVectors, FolderHoldsVectorFiles) {
    EXPECT_FALSE(vector_files().empty())
        << "no *.hex file in " << JAMFLEET_PROTO_VECTORS_DIR
        << " (golden vectors from real Jamulus 3.9.1 are expected there)";
}

TEST(GoldenVectors, EveryDatagramDecodesAndReencodesToCapture) {
    std::map<std::uint16_t, int> seen_ids;
    std::size_t audio = 0;
    std::size_t frames = 0;
    std::size_t reassembled = 0;
    for (const auto& path : vector_files()) {
        const auto datagrams = read_vectors(path);
        EXPECT_FALSE(datagrams.empty()) << path;
        // One receiving link per direction reassembles split messages like a peer would.
        std::map<std::pair<std::string, std::string>, ReliableLink> links;
        for (const Datagram& d : datagrams) {
            const std::string where = d.file + ":" + std::to_string(d.line);
            ASSERT_FALSE(d.bytes.empty()) << where;
            auto frame = parse_frame(d.bytes);
            if (!frame) {
                ++audio;
                EXPECT_TRUE(is_valid_audio_packet_size(d.bytes.size()))
                    << where << ": audio datagram of " << d.bytes.size() << " bytes";
                continue;
            }
            ++frames;
            ++seen_ids[frame->id];
            auto decoded = decode_message(*frame);
            ASSERT_TRUE(decoded.ok())
                << where << " " << message_name(frame->id) << ": " << to_string(decoded.error());
            EXPECT_TRUE(is_known_message(frame->id)) << where << ": unexpected ID " << frame->id;
            EXPECT_EQ(to_hex(encode_message_frame(*decoded, frame->counter)), to_hex(d.bytes))
                << where << " " << message_name(frame->id);

            if (frame->id == to_wire(MessageId::SpecialSplitMessage)) {
                auto result = links[{d.from, d.to}].on_frame(*frame, {});
                if (result.message) {
                    ++reassembled;
                    auto whole = decode_message(result.message->id, result.message->payload);
                    EXPECT_TRUE(whole.ok())
                        << where << ": reassembled " << message_name(result.message->id);
                }
            } else if (!is_connectionless(frame->id)) {
                (void)links[{d.from, d.to}].on_frame(*frame, {});
            }
        }
    }
    std::ostringstream summary;
    for (const auto& [id, count] : seen_ids) {
        summary << message_name(id) << "=" << count << " ";
    }
    std::cout << "golden vectors: " << frames << " protocol frames, " << audio
              << " audio datagrams; " << summary.str() << "\n";
    EXPECT_GT(frames, 0u);
    if (seen_ids.count(to_wire(MessageId::SpecialSplitMessage)) != 0) {
        EXPECT_GT(reassembled, 0u) << "split parts were captured but none reassembled";
    }
}

} // namespace
} // namespace jamfleet::proto
