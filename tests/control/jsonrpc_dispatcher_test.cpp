// JSON-RPC core: every row of the §8.1 error table, authentication and batches,
// with replies compared byte for byte against what Jamulus 3.9.1 writes.
#include "control/jsonrpc_dispatcher.h"

#include <gtest/gtest.h>

#include "control/json_nesting.h"

namespace jamfleet::control {
namespace {

constexpr const char* kSecret = "0123456789abcdef-secret";

class Dispatcher : public ::testing::Test {
protected:
    Dispatcher() : rpc_(kSecret) {
        rpc_.add_method("jamulus/getVersion", [](const nlohmann::json&) {
            return base::Result<nlohmann::json, RpcError>(nlohmann::json{{"version", "3.9.1"}});
        });
        rpc_.add_method("test/echoName",
                        [](const nlohmann::json& p) -> base::Result<nlohmann::json, RpcError> {
                            const auto it = p.find("name");
                            if (it == p.end() || !it->is_string()) {
                                return base::Err{rpc_param_not_string("name")};
                            }
                            return nlohmann::json(*it);
                        });
        rpc_.add_method("test/throws", [](const nlohmann::json& p) {
            return base::Result<nlohmann::json, RpcError>(p.at("missing"));
        });
    }

    RpcLineOutcome line(std::string_view text) { return rpc_.handle_line(auth_, text); }
    void authenticate() {
        const auto r = line(std::string(R"({"id":0,"jsonrpc":"2.0","method":"jamulus/apiAuth",)") +
                            R"("params":{"secret":")" + kSecret + R"("}})");
        ASSERT_EQ(r.reply, R"({"id":0,"jsonrpc":"2.0","result":"ok"})");
        ASSERT_TRUE(auth_);
    }

    JsonRpcDispatcher rpc_;
    bool auth_ = false;
};

TEST_F(Dispatcher, BlankLineIsAParseErrorThatKeepsTheConnection) {
    for (const char* blank : {"", "   ", "\t\r"}) {
        const auto r = line(blank);
        EXPECT_EQ(r.reply,
                  R"({"error":{"code":-32700,"message":"Parse error: Blank line received"},)"
                  R"("jsonrpc":"2.0"})");
        EXPECT_FALSE(r.close);
    }
}

TEST_F(Dispatcher, InvalidJsonIsAParseErrorThatCloses) {
    for (const char* bad : {"{", "{\"a\":}", "nonsense", "42", "\"string\"", "null", "true"}) {
        const auto r = line(bad);
        EXPECT_EQ(r.reply,
                  R"({"error":{"code":-32700,"message":"Parse error: Invalid JSON received"},)"
                  R"("jsonrpc":"2.0"})")
            << bad;
        EXPECT_TRUE(r.close) << bad;
    }
}

TEST_F(Dispatcher, JsonNestedDeeperThan64IsAParseErrorThatCloses) {
    const auto request = [](std::size_t depth) {
        return R"({"id":1,"jsonrpc":"2.0","method":"jamulus/getVersion","params":{},"x":)" +
               std::string(depth, '[') + std::string(depth, ']') + "}";
    };
    authenticate();
    const auto deep = line(request(kMaxJsonNesting));
    EXPECT_TRUE(deep.close);
    EXPECT_NE(deep.reply->find("-32700"), std::string::npos) << *deep.reply;
    // 63 arrays inside the request object: 64 levels, answered as usual.
    const auto ok = line(request(kMaxJsonNesting - 1));
    EXPECT_FALSE(ok.close);
    EXPECT_NE(ok.reply->find(R"("result")"), std::string::npos) << *ok.reply;
}

TEST_F(Dispatcher, EmptyBatchIsAnInvalidRequestThatCloses) {
    const auto r = line("[]");
    EXPECT_EQ(r.reply, R"({"error":{"code":-32600,"message":"Invalid request: Empty batch )"
                       R"(request encountered"},"jsonrpc":"2.0"})");
    EXPECT_TRUE(r.close);
}

TEST_F(Dispatcher, BatchWithANonObjectGetsNoReplyAndCloses) {
    const auto r = line(R"([{"id":1,"method":"jamulus/getVersion","params":{}}, 5])");
    EXPECT_FALSE(r.reply.has_value());
    EXPECT_TRUE(r.close);
}

TEST_F(Dispatcher, MethodNotAStringIsAnInvalidRequestThatKeeps) {
    for (const char* req : {R"({"id":3,"method":5,"params":{}})", R"({"id":3,"params":{}})"}) {
        const auto r = line(req);
        EXPECT_EQ(r.reply, R"({"error":{"code":-32600,"message":"Invalid request: The `method` )"
                           R"(member is not a string"},"id":3,"jsonrpc":"2.0"})");
        EXPECT_FALSE(r.close);
    }
}

TEST_F(Dispatcher, ParamsMissingOrNotAnObjectIsInvalidParams) {
    for (const char* req : {R"({"id":4,"method":"jamulus/getVersion"})",
                            R"({"id":4,"method":"jamulus/getVersion","params":[]})",
                            R"({"id":4,"method":"jamulus/apiAuth","params":"x"})"}) {
        const auto r = line(req);
        EXPECT_EQ(r.reply, R"({"error":{"code":-32602,"message":"Invalid params: The `params` )"
                           R"(member is not an object"},"id":4,"jsonrpc":"2.0"})");
        EXPECT_FALSE(r.close);
    }
}

TEST_F(Dispatcher, AnythingButApiAuthNeedsAuthentication) {
    const auto r = line(R"({"id":2,"jsonrpc":"2.0","method":"jamulus/getVersion","params":{}})");
    EXPECT_EQ(r.reply, R"({"error":{"code":401,"message":"Unauthenticated: Please authenticate )"
                       R"(using jamulus/apiAuth first"},"id":2,"jsonrpc":"2.0"})");
    EXPECT_FALSE(r.close);
    // Unknown methods are hidden behind authentication too.
    const auto u = line(R"({"id":2,"method":"no/such","params":{}})");
    EXPECT_NE(u.reply->find("\"code\":401"), std::string::npos);
}

TEST_F(Dispatcher, WrongSecretFailsAndKeepsTheConnectionUnauthenticated) {
    const auto r = line(R"({"id":1,"method":"jamulus/apiAuth","params":{"secret":"wrong"}})");
    EXPECT_EQ(
        r.reply,
        R"({"error":{"code":400,"message":"Authentication failed."},"id":1,"jsonrpc":"2.0"})");
    EXPECT_FALSE(r.close);
    EXPECT_FALSE(auth_);
    // A prefix of the secret is not the secret.
    line(R"({"id":1,"method":"jamulus/apiAuth","params":{"secret":"0123456789abcdef"}})");
    EXPECT_FALSE(auth_);
}

TEST_F(Dispatcher, SecretMustBeAString) {
    const auto r = line(R"({"id":1,"method":"jamulus/apiAuth","params":{"secret":12}})");
    EXPECT_EQ(r.reply, R"({"error":{"code":-32602,"message":"Invalid params: secret is not a )"
                       R"(string"},"id":1,"jsonrpc":"2.0"})");
    EXPECT_FALSE(auth_);
}

TEST_F(Dispatcher, AuthenticatedCallsReachTheMethod) {
    authenticate();
    const auto r = line(R"({"id":5,"jsonrpc":"2.0","method":"jamulus/getVersion","params":{}})");
    EXPECT_EQ(r.reply, R"({"id":5,"jsonrpc":"2.0","result":{"version":"3.9.1"}})");
}

TEST_F(Dispatcher, UnknownMethodAfterAuthIsMethodNotFound) {
    authenticate();
    const auto r = line(R"({"id":"x","method":"no/such","params":{}})");
    EXPECT_EQ(r.reply,
              R"({"error":{"code":-32601,"message":"Method not found"},"id":"x","jsonrpc":"2.0"})");
    EXPECT_FALSE(r.close);
}

TEST_F(Dispatcher, MethodErrorsAreReturnedWithTheirCode) {
    authenticate();
    const auto r = line(R"({"id":6,"method":"test/echoName","params":{"name":7}})");
    EXPECT_EQ(r.reply, R"({"error":{"code":-32602,"message":"Invalid params: name is not a )"
                       R"(string"},"id":6,"jsonrpc":"2.0"})");
}

TEST_F(Dispatcher, AThrowingMethodBecomesAnInternalError) {
    authenticate();
    const auto r = line(R"({"id":7,"method":"test/throws","params":{}})");
    EXPECT_EQ(r.reply,
              R"({"error":{"code":-32603,"message":"Internal error"},"id":7,"jsonrpc":"2.0"})");
}

TEST_F(Dispatcher, MissingIdIsAnsweredWithNull) {
    authenticate();
    const auto r = line(R"({"method":"jamulus/getVersion","params":{}})");
    EXPECT_EQ(r.reply, R"({"id":null,"jsonrpc":"2.0","result":{"version":"3.9.1"}})");
}

TEST_F(Dispatcher, BatchAnswersEveryRequestInOrderOnOneLine) {
    const auto r =
        line(std::string("[") + R"({"id":1,"method":"jamulus/apiAuth","params":{"secret":")" +
             kSecret + R"("}},)" + R"({"id":2,"method":"jamulus/getVersion","params":{}},)" +
             R"({"id":3,"method":"no/such","params":{}}])");
    EXPECT_EQ(r.reply,
              R"([{"id":1,"jsonrpc":"2.0","result":"ok"},)"
              R"({"id":2,"jsonrpc":"2.0","result":{"version":"3.9.1"}},)"
              R"({"error":{"code":-32601,"message":"Method not found"},"id":3,"jsonrpc":"2.0"}])");
    EXPECT_FALSE(r.close);
}

TEST_F(Dispatcher, BatchItemsBeforeANonObjectStillTakeEffect) {
    const auto r =
        line(std::string("[") + R"({"id":1,"method":"jamulus/apiAuth","params":{"secret":")" +
             kSecret + R"("}},"oops"])");
    EXPECT_FALSE(r.reply.has_value());
    EXPECT_TRUE(r.close);
    EXPECT_TRUE(auth_);
}

TEST_F(Dispatcher, InvalidUtf8InResultsIsReplacedNotThrown) {
    authenticate();
    rpc_.add_method("test/bad", [](const nlohmann::json&) {
        return base::Result<nlohmann::json, RpcError>(nlohmann::json(std::string("a\xff")));
    });
    const auto r = line(R"({"id":8,"method":"test/bad","params":{}})");
    ASSERT_TRUE(r.reply.has_value());
    EXPECT_EQ(*r.reply, "{\"id\":8,\"jsonrpc\":\"2.0\",\"result\":\"a\xef\xbf\xbd\"}");
}

TEST(JsonRpcNotification, IsCompactWithSortedKeys) {
    EXPECT_EQ(JsonRpcDispatcher::notification("jamulusclient/connected", {{"id", 0}}),
              R"({"jsonrpc":"2.0","method":"jamulusclient/connected","params":{"id":0}})");
}

} // namespace
} // namespace jamfleet::control
