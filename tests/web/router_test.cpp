// web/router: every route of docs/web.md, the token check and the body checks,
// sans I/O.
#include <gtest/gtest.h>

#include "web/router.h"

namespace jamfleet::web {
namespace {

using nlohmann::json;

constexpr std::string_view kToken =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

class RouterTest : public ::testing::Test {
protected:
    Route go(std::string method, std::string path, std::string body = {},
             std::string authorization = "Bearer " + std::string(kToken)) {
        io::HttpRequest request;
        request.method = std::move(method);
        request.path = std::move(path);
        request.body = std::move(body);
        if (!authorization.empty()) {
            request.headers["authorization"] = std::move(authorization);
        }
        return route(request, context);
    }
    int status(const Route& r) {
        const auto* response = std::get_if<io::HttpResponse>(&r);
        return response != nullptr ? response->status : 0;
    }
    ControlCall call(const Route& r) {
        const auto* c = std::get_if<ControlCall>(&r);
        EXPECT_NE(c, nullptr) << "not a control call, status " << status(r);
        return c != nullptr ? *c : ControlCall{};
    }

    json fleet{{"fleet", "Test"}, {"rooms", json::array()}};
    std::set<std::string> rooms{"Main", "a/b"};
    RouterContext context{kToken, &fleet, "<!DOCTYPE html>", &rooms, true, true};
};

TEST_F(RouterTest, ReadOnlyRoutesNeedNoToken) {
    const auto page = std::get<io::HttpResponse>(go("GET", "/", {}, ""));
    EXPECT_EQ(page.status, 200);
    EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
    EXPECT_EQ(page.body, "<!DOCTYPE html>");
    const auto doc = std::get<io::HttpResponse>(go("GET", "/api/fleet", {}, ""));
    EXPECT_EQ(doc.status, 200);
    EXPECT_EQ(json::parse(doc.body), fleet);
    EXPECT_EQ(json::parse(std::get<io::HttpResponse>(go("HEAD", "/healthz", {}, "")).body),
              json({{"ok", true}}));
    EXPECT_TRUE(std::holds_alternative<OpenEvents>(go("GET", "/api/events", {}, "")));
    EXPECT_TRUE(std::holds_alternative<ServeMetrics>(go("GET", "/metrics", {}, "")));
}

TEST_F(RouterTest, UnknownPathsMethodsAndMissingDataAreErrors) {
    EXPECT_EQ(status(go("GET", "/nope")), 404);
    EXPECT_EQ(status(go("GET", "/api/rooms/Main/kick")), 404);
    EXPECT_EQ(status(go("PUT", "/")), 405);
    EXPECT_EQ(status(go("POST", "/api/nothing", "{}")), 404);
    context.fleet = nullptr;
    EXPECT_EQ(status(go("GET", "/api/fleet")), 503);
    context.metrics = false;
    EXPECT_EQ(status(go("GET", "/metrics")), 404);
    const auto error = std::get<io::HttpResponse>(go("GET", "/nope"));
    EXPECT_TRUE(json::parse(error.body).contains("error"));
    EXPECT_EQ(error.content_type, "application/json");
}

TEST_F(RouterTest, EveryActionNeedsTheBearerToken) {
    const std::string kick = R"({"id": 1})";
    EXPECT_EQ(status(go("POST", "/api/rooms/Main/kick", kick, "")), 401);
    EXPECT_EQ(status(go("POST", "/api/rooms/Main/kick", kick, "Bearer wrong")), 401);
    EXPECT_EQ(status(go("POST", "/api/rooms/Main/kick", kick, std::string(kToken))), 401);
    EXPECT_EQ(
        status(go("POST", "/api/rooms/Main/kick", kick, "Bearer " + std::string(kToken) + "0")),
        401);
    EXPECT_EQ(status(go("POST", "/api/chat", R"({"text":"x"})", "Basic abc")), 401);
    // The scheme is case-insensitive (RFC 7235); the token is not.
    EXPECT_EQ(call(go("POST", "/api/rooms/Main/kick", kick, "bearer " + std::string(kToken))).op,
              "kick");
    // No token configured: every action is refused.
    context.token = "";
    EXPECT_EQ(status(go("POST", "/api/rooms/Main/kick", kick, "Bearer ")), 401);
    // The token check comes before anything else about the request.
    context.token = kToken;
    EXPECT_EQ(status(go("POST", "/api/rooms/Nobody/kick", "junk", "")), 401);
}

TEST_F(RouterTest, RoomActionsBecomeControlOps) {
    auto c = call(go("POST", "/api/rooms/Main/kick", R"({"id": 3, "banSeconds": 60, "x": 1})"));
    EXPECT_EQ(c.target, Target::Room);
    EXPECT_EQ(c.room, "Main");
    EXPECT_EQ(c.args, json({{"id", 3}, {"banSeconds", 60}})) << "unknown members are dropped";
    c = call(go("POST", "/api/rooms/Main/restart"));
    EXPECT_EQ(c.target, Target::Supervisor);
    EXPECT_EQ(c.op, "restart");
    EXPECT_EQ(c.args, json({{"name", "Main"}}));
    EXPECT_TRUE(c.reply_ok_only);
    c = call(go("POST", "/api/rooms/Main/recording", R"({"action": "new"})"));
    EXPECT_EQ(c.op, "recording");
    EXPECT_EQ(c.args, json({{"action", "new"}}));
    c = call(go("POST", "/api/rooms/Main/chat", R"({"text": "hi"})"));
    EXPECT_EQ(c.op, "chat");
    c = call(go("POST", "/api/rooms/Main/ban",
                R"({"address": "192.0.2.0/24", "seconds": 3600, "reason": "spam"})"));
    EXPECT_EQ(c.op, "ban");
    EXPECT_EQ(c.args.size(), 3u);
    c = call(go("POST", "/api/rooms/Main/unban", R"({"address": "192.0.2.0/24"})"));
    EXPECT_EQ(c.op, "unban");
    c = call(go("POST", "/api/rooms/Main/allow", R"({"addresses": ["10.0.0.0/8"]})"));
    EXPECT_EQ(c.op, "setAllowList");
    // A room name may hold a slash: the action is after the last one.
    c = call(go("POST", "/api/rooms/a/b/chat", R"({"text": "hi"})"));
    EXPECT_EQ(c.room, "a/b");
}

TEST_F(RouterTest, BadBodiesAreRefused) {
    EXPECT_EQ(status(go("POST", "/api/rooms/Nobody/kick", R"({"id": 1})")), 404);
    EXPECT_EQ(status(go("POST", "/api/rooms/Main/explode", "{}")), 404);
    EXPECT_EQ(status(go("POST", "/api/rooms//kick", "{}")), 404);
    EXPECT_EQ(status(go("POST", "/api/rooms/Main/kick", "not json")), 400);
    EXPECT_EQ(status(go("POST", "/api/rooms/Main/kick", "[1]")), 400);
    EXPECT_EQ(status(go("POST", "/api/rooms/Main/kick", R"({"id": "1"})")), 400);
    EXPECT_EQ(status(go("POST", "/api/rooms/Main/kick", R"({"id": 1.5})")), 400);
    EXPECT_EQ(status(go("POST", "/api/rooms/Main/kick", R"({"id": 1, "banSeconds": "x"})")), 400);
    EXPECT_EQ(status(go("POST", "/api/rooms/Main/recording", R"({"action": "explode"})")), 400);
    EXPECT_EQ(status(go("POST", "/api/rooms/Main/chat", "{}")), 400);
    EXPECT_EQ(status(go("POST", "/api/rooms/Main/allow", R"({"addresses": "x"})")), 400);
    EXPECT_EQ(status(go("POST", "/api/chat", std::string(kMaxBodyBytes + 1, ' '))), 413);
    EXPECT_EQ(status(go("POST", "/api/rooms/Main/allow",
                        R"({"addresses": )" + std::string(100, '[') + std::string(100, ']') + "}")),
              400);
}

TEST_F(RouterTest, FleetWideAndDirectoryActions) {
    auto c = call(go("POST", "/api/chat", R"({"text": "to all"})"));
    EXPECT_EQ(c.target, Target::EveryRoom);
    EXPECT_EQ(c.op, "chat");
    c = call(go("POST", "/api/bans", R"({"address": "198.51.100.9", "seconds": 60})"));
    EXPECT_EQ(c.target, Target::Supervisor);
    EXPECT_EQ(c.op, "ban");
    c = call(go("POST", "/api/unban", R"({"address": "198.51.100.9"})"));
    EXPECT_EQ(c.op, "unban");
    c = call(go("POST", "/api/directory/evict", R"({"address": "192.0.2.1:22124"})"));
    EXPECT_EQ(c.target, Target::Directory);
    EXPECT_EQ(c.op, "evict");
    EXPECT_EQ(call(go("POST", "/api/directory/ban", R"({"address": "192.0.2.1"})")).op, "ban");
    EXPECT_EQ(call(go("POST", "/api/directory/unban", R"({"address": "192.0.2.1"})")).op, "unban");
    EXPECT_EQ(status(go("POST", "/api/directory/ban", R"({"seconds": 1})")), 400);
    context.directory = false;
    EXPECT_EQ(status(go("POST", "/api/directory/evict", R"({"address": "x"})")), 404);
}

} // namespace
} // namespace jamfleet::web
