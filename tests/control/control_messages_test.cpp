// Control messages: encoding is stable, decoding round-trips and rejects garbage.
#include "control/control_messages.h"

#include <gtest/gtest.h>

namespace jamfleet::control {
namespace {

TEST(ControlMessages, HelloRoundTrips) {
    const Hello hello{"mixer", "main", 4242, 22124, "0.1.0", "My fleet", "0123456789abcdef"};
    const std::string line = encode(hello);
    EXPECT_EQ(line, R"({"fleet":"My fleet","kind":"mixer","name":"main","pid":4242,"port":22124,)"
                    R"("settings":"0123456789abcdef","type":"hello","version":"0.1.0"})");
    const auto decoded = decode_child_message(line);
    ASSERT_TRUE(decoded.ok()) << decoded.error();
    const auto& h = std::get<Hello>(*decoded);
    EXPECT_EQ(h.kind, "mixer");
    EXPECT_EQ(h.name, "main");
    EXPECT_EQ(h.pid, 4242);
    EXPECT_EQ(h.port, 22124);
    EXPECT_EQ(h.version, "0.1.0");
    EXPECT_EQ(h.fleet, "My fleet");
    EXPECT_EQ(h.settings, "0123456789abcdef");
}

TEST(ControlMessages, RequestRoundTrips) {
    const std::string line = encode(ControlRequest{7, "status", {{"verbose", true}}});
    EXPECT_EQ(line, R"({"args":{"verbose":true},"id":7,"op":"status"})");
    const auto r = decode_request(line);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->id, 7u);
    EXPECT_EQ(r->op, "status");
    EXPECT_EQ(r->args["verbose"], true);
}

TEST(ControlMessages, RequestWithoutArgsGetsAnEmptyObject) {
    const auto r = decode_request(R"({"id":1,"op":"stop"})");
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->args.is_object());
    EXPECT_TRUE(r->args.empty());
}

TEST(ControlMessages, MalformedRequestsAreErrors) {
    EXPECT_EQ(decode_request("[]").error(), "control request: not a JSON object");
    EXPECT_EQ(decode_request("{").error(), "control request: not a JSON object");
    EXPECT_EQ(decode_request(R"({"op":"stop"})").error(),
              "control request: missing unsigned member id");
    EXPECT_EQ(decode_request(R"({"id":-1,"op":"stop"})").error(),
              "control request: missing unsigned member id");
    EXPECT_EQ(decode_request(R"({"id":1,"op":3})").error(),
              "control request: missing string member op");
    EXPECT_EQ(decode_request(R"({"id":1,"op":"x","args":[]})").error(),
              "control request: args is not an object");
}

TEST(ControlMessages, ResponsesRoundTripBothWays) {
    const auto ok = decode_child_message(encode(ControlResponse{3, true, {{"clients", 2}}, ""}));
    ASSERT_TRUE(ok.ok());
    const auto& r = std::get<ControlResponse>(*ok);
    EXPECT_TRUE(r.ok);
    EXPECT_EQ(r.id, 3u);
    EXPECT_EQ(r.result["clients"], 2);

    const auto err = decode_child_message(encode(ControlResponse{4, false, nullptr, "nope"}));
    ASSERT_TRUE(err.ok());
    EXPECT_FALSE(std::get<ControlResponse>(*err).ok);
    EXPECT_EQ(std::get<ControlResponse>(*err).error, "nope");
}

TEST(ControlMessages, EventRoundTrips) {
    const auto e = decode_child_message(encode(ControlEvent{"registered", {{"status", "ok"}}}));
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(std::get<ControlEvent>(*e).event, "registered");
    EXPECT_EQ(std::get<ControlEvent>(*e).data["status"], "ok");
}

TEST(ControlMessages, MalformedChildMessagesAreErrors) {
    EXPECT_FALSE(decode_child_message("5").ok());
    EXPECT_FALSE(decode_child_message(R"({"kind":"mixer"})").ok());
    EXPECT_EQ(decode_child_message(R"({"type":"bogus"})").error(),
              "control message: unknown type bogus");
    EXPECT_FALSE(
        decode_child_message(R"({"type":"hello","kind":"m","name":"n","pid":1,"port":70000})")
            .ok());
    EXPECT_FALSE(decode_child_message(R"({"type":"response","id":1,"ok":false})").ok());
    EXPECT_FALSE(decode_child_message(R"({"type":"response","id":1})").ok());
}

} // namespace
} // namespace jamfleet::control
