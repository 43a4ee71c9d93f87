// CLM_SERVER_FEATURES (1019) and CLM_WELCOME_MESSAGE (1021), Jamulus 4.0.
#include <gtest/gtest.h>

#include "proto/messages.h"
#include "proto/server_features.h"
#include "tests/proto/hex.h"

namespace jamfleet::proto {
namespace {

using test::from_hex;
using test::to_hex;

TEST(ServerFeatures, BitsAreTheProtocolPositionsLittleEndian) {
    ServerFeatures f;
    f.set(ServerFeature::FastUpdate).set(ServerFeature::DisconnectOnQuit);
    f.set(ServerFeature::HasLicence);
    EXPECT_EQ(f.bits, 0x481u);
    EXPECT_TRUE(f.has(ServerFeature::DisconnectOnQuit));
    EXPECT_FALSE(f.has(ServerFeature::RawAudio));
    EXPECT_EQ(to_hex(encode_payload(f)), "81 04 00 00");
    f.set(ServerFeature::FastUpdate, false);
    EXPECT_EQ(f.bits, 0x480u);
    auto decoded = decode_server_features(from_hex("81 04 00 00"));
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->bits, 0x481u);
    EXPECT_EQ(decode_server_features(from_hex("81 04 00")).error(), DecodeError::WrongSize);
}

TEST(WelcomeMessage, IsALengthPrefixedUtf8TextCutAt1600Units) {
    const WelcomeMessage hello{"Hi <b>Köln</b>"};
    EXPECT_EQ(to_hex(encode_payload(hello)).substr(0, 5), "0f 00");
    auto decoded = decode_welcome_message(encode_payload(hello));
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->text, hello.text);
    EXPECT_EQ(to_hex(encode_payload(WelcomeMessage{})), "00 00");
    const WelcomeMessage long_one{std::string(2000, 'x')};
    EXPECT_EQ(encode_payload(long_one).size(), 2u + kMaxWelcomeMessageUnits);
    EXPECT_EQ(decode_welcome_message(from_hex("01 00 41 42")).error(), DecodeError::TrailingBytes);
}

TEST(NewIn40, RequestsAndRawAudioSupportedAreEmptyAndNamed) {
    for (const auto id : {MessageId::RawAudioSupported, MessageId::ClmReqServerFeatures,
                          MessageId::ClmReqWelcomeMessage}) {
        auto decoded = decode_message(to_wire(id), {});
        ASSERT_TRUE(decoded.ok());
        EXPECT_TRUE(std::holds_alternative<Empty>(decoded->body));
        EXPECT_TRUE(is_known_message(to_wire(id)));
    }
    EXPECT_EQ(message_name(36), "RAWAUDIO_SUPPORTED");
    EXPECT_EQ(message_name(1019), "CLM_SERVER_FEATURES");
    EXPECT_EQ(message_name(1020), "CLM_REQ_SERVER_FEATURES");
    EXPECT_EQ(message_name(1021), "CLM_WELCOME_MESSAGE");
    EXPECT_EQ(message_name(1022), "CLM_REQ_WELCOME_MESSAGE");
    auto features = decode_message(1019, from_hex("40 00 00 00"));
    ASSERT_TRUE(features.ok());
    EXPECT_EQ(std::get<ServerFeatures>(features->body).bits, 0x40u);
}

} // namespace
} // namespace jamfleet::proto
