// jamfleet-web's command line.
#include <gtest/gtest.h>

#include "web/web_app.h"

namespace jamfleet::web {
namespace {

TEST(WebOptions, WhatTheSupervisorPasses) {
    auto o =
        parse_web_options({"--run-dir", "/run/j", "--bind", "::1", "--port", "8080", "--token-file",
                           "/run/j/web.token", "--control-socket", "/run/j/web.sock"});
    ASSERT_TRUE(o.ok()) << o.error();
    EXPECT_EQ(o->supervisor_socket, "/run/j/jamfleet.sock");
    EXPECT_EQ(o->bind, "::1");
    EXPECT_EQ(o->port, 8080);
    EXPECT_EQ(o->limits.max_connections_per_ip, 32u);
    EXPECT_EQ(o->limits.idle_timeout_s, 10u);
}

TEST(WebOptions, Errors) {
    EXPECT_FALSE(parse_web_options({"--token-file", "t"}).ok());
    EXPECT_FALSE(parse_web_options({"--run-dir", "r"}).ok());
    EXPECT_FALSE(
        parse_web_options({"--run-dir", "r", "--token-file", "t", "--port", "65536"}).ok());
    EXPECT_FALSE(
        parse_web_options({"--run-dir", "r", "--token-file", "t", "--idle-timeout", "0"}).ok());
    EXPECT_FALSE(
        parse_web_options({"--run-dir", "r", "--token-file", "t", "--frobnicate", "1"}).ok());
    EXPECT_FALSE(parse_web_options({"--run-dir"}).ok());
    EXPECT_TRUE(parse_web_options({"--help"})->help);
}

} // namespace
} // namespace jamfleet::web
