// The dashboard in a real browser (Debian's chromium through chromium-driver and
// python3-selenium) against `jamfleet run` with real Jamulus 3.9.1 clients: the page lists the
// rooms and the musicians by name, a tone moves its musician's meter while a silent one stays
// at 0, the token guards every action, and each button acts on the real fleet (restart,
// recording, chat, kick with a ban that ends, room bans, a private room, the directory's evict
// and ban, a fleet-wide ban). Every step leaves a screenshot in
// build/meson-logs/web-screenshots/. The scenarios share one fleet and one browser and run in
// the order written; each one undoes what it set.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <memory>
#include <string>
#include <thread>

#include "tests/interop/harness/tone.h"
#include "tests/interop/harness/wait.h"
#include "tests/interop/web/dashboard_fixture.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

bool contains(const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

class DashboardBrowser : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        try {
            world_ = std::make_unique<DashboardWorld>();
            // Alice plays (a tone once the meter scenario wires it), Bob stays silent; both
            // stay in the main room for the whole run.
            alice_ = std::make_unique<JamulusClient>(
                world_->dir.path(), *world_->jack, "alice",
                ClientProfile{.name = "alice", .country = 82, .city = "Berlin", .instrument = 4},
                "127.0.0.1:" + std::to_string(kMainPort));
            bob_ = std::make_unique<JamulusClient>(world_->dir.path(), *world_->jack, "bob",
                                                   ClientProfile{.name = "bob", .city = "Paris"},
                                                   "127.0.0.1:" + std::to_string(kMainPort));
        } catch (const std::exception& error) {
            setup_error_ = error.what();
        }
    }
    static void TearDownTestSuite() {
        bob_.reset();
        alice_.reset();
        world_.reset();
    }
    void SetUp() override {
        ASSERT_TRUE(world_) << "the fleet, JACK or the browser did not start: " << setup_error_;
        ASSERT_TRUE(alice_ && bob_);
    }
    void TearDown() override {
        if (!world_) {
            return;
        }
        const auto errors = world_->browser->errors();
        EXPECT_TRUE(errors.empty()) << "the page logged JavaScript errors:\n"
                                    << ::testing::PrintToString(errors);
        if (HasFailure()) {
            world_->shot(std::string("FAILED-") +
                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
        }
    }

    Browser& browser() { return *world_->browser; }
    DashboardWorld& world() { return *world_; }
    std::string main_address() const { return "127.0.0.1:" + std::to_string(kMainPort); }
    std::string lesson_address() const { return "127.0.0.1:" + std::to_string(kLessonPort); }
    void open_moderation(const std::string& room) {
        browser().js("document.querySelector(" +
                     js_string(room_css(room) + " details[data-section=moderation]") +
                     ").open = true");
    }

    static std::unique_ptr<DashboardWorld> world_;
    static std::unique_ptr<JamulusClient> alice_;
    static std::unique_ptr<JamulusClient> bob_;
    static std::string setup_error_;
};

std::unique_ptr<DashboardWorld> DashboardBrowser::world_;
std::unique_ptr<JamulusClient> DashboardBrowser::alice_;
std::unique_ptr<JamulusClient> DashboardBrowser::bob_;
std::string DashboardBrowser::setup_error_;

TEST_F(DashboardBrowser, ListsTheRoomsAndTheMusiciansByName) {
    ASSERT_TRUE(alice_->wait_connected(20s));
    ASSERT_TRUE(bob_->wait_connected(20s));
    browser().wait(exists_js(musician_css("main", "alice")) + " && " +
                       exists_js(musician_css("main", "bob")),
                   15s);
    EXPECT_EQ(browser().js(field_js("main", "state")), "running");
    EXPECT_EQ(browser().js(field_js("lesson", "state")), "running");
    EXPECT_EQ(browser().js(field_js("main", "port")), std::to_string(kMainPort));
    EXPECT_EQ(browser().js(field_js("main", "clients")), "2/8");
    const std::string alice_text = browser().js(
        "document.querySelector(" + js_string(musician_css("main", "alice")) + ").textContent");
    EXPECT_NE(alice_text.find("Berlin"), std::string::npos) << alice_text;
    EXPECT_FALSE(browser().js(exists_js(musician_css("lesson", "alice"))).get<bool>());
    // Every field has a label a screen reader can read; every action is a real <button>.
    EXPECT_EQ(browser().js("[...document.querySelectorAll('input, textarea')]"
                           ".filter(i => i.labels.length === 0).map(i => i.outerHTML)"),
              json::array());
    EXPECT_EQ(browser().js("[...document.querySelectorAll('[data-action]')]"
                           ".filter(e => e.tagName !== 'BUTTON').length"),
              0);
    world().shot("rooms-and-musicians");
    // The same page on a phone: one column, no sideways scrolling, thumb-sized buttons.
    browser().resize(390, 844, true);
    EXPECT_EQ(browser().js("[window.innerWidth, window.innerHeight]"), json({390, 844}));
    EXPECT_TRUE(
        browser().js("document.documentElement.scrollWidth <= window.innerWidth").get<bool>());
    const double button_height =
        browser()
            .js("document.querySelector(" +
                js_string(musician_css("main", "alice") + " [data-action=kick]") +
                ").getBoundingClientRect().height")
            .get<double>();
    EXPECT_GE(button_height, 44.0);
    world().shot("phone-rooms");
    world().shot("phone-musicians", musician_css("main", "alice"));
    world().shot("phone-fleet-and-directory", "#everyone-title");
    browser().resize(1280, 900);
}

TEST_F(DashboardBrowser, AToneMovesItsMeterWhileASilentOneStaysAtZero) {
    browser().wait(exists_js(musician_css("main", "alice")), 15s);
    // A marker in the window: it survives only if the page is never reloaded.
    browser().js("window.jamfleetMarker = 1");
    EXPECT_EQ(browser().js(level_js("main", "alice")), 0) << "no tone yet";
    ToneSource tone(*world().jack, world().dir.path(), "tone", 440, 0.5);
    ASSERT_TRUE(world().jack->wait_for_port(alice_->jack_port("input left")));
    world().jack->connect(tone.port(), alice_->jack_port("input left"));
    world().jack->connect(tone.port(), alice_->jack_port("input right"));
    browser().wait(level_js("main", "alice") + " >= 4", 15s);
    world().shot("meter-moves", room_css("main"));
    // Bob sends silence: his meter never leaves 0 while Alice's keeps moving.
    EXPECT_FALSE(browser().becomes(level_js("main", "bob") + " > 0", 3s));
    EXPECT_GE(browser().js(level_js("main", "alice")).get<int>(), 1);
    EXPECT_EQ(browser().js("window.jamfleetMarker"), 1) << "the page was reloaded";
    EXPECT_EQ(browser().js("document.getElementById('live').dataset.state"), "open");
}

TEST_F(DashboardBrowser, AnActionWithoutTheTokenIsRefusedAndChangesNothing) {
    const auto pid = world().fleet->pid_of("main");
    ASSERT_GT(pid, 0);
    browser().click("#token-forget");
    browser().click(room_css("main") + " [data-action=restart]");
    browser().wait(message_kind_js() + " === 'error'", 10s);
    const std::string message = browser().js(message_text_js());
    EXPECT_NE(message.find("refused"), std::string::npos) << message;
    EXPECT_NE(message.find("token"), std::string::npos) << message;
    world().shot("refused-without-token");
    // A wrong token is refused the same way.
    world().enter_token("not-the-token");
    browser().click(room_css("main") + " [data-action=recording-start]");
    browser().wait(
        message_kind_js() + " === 'error' && " + message_text_js() + ".includes('wrong')", 10s);
    std::this_thread::sleep_for(2s);
    EXPECT_EQ(world().fleet->pid_of("main"), pid) << "the room was restarted without the token";
    EXPECT_EQ(world().room_rpc(world().main_rpc_port, "jamulusserver/getRecorderStatus")["enabled"],
              false);
    EXPECT_TRUE(alice_->connected());
    world().enter_token(world().token);
    EXPECT_EQ(browser().js("document.cookie"), "") << "the token must never be a cookie";
}

TEST_F(DashboardBrowser, RecordingButtonsStartAndStopTheRecorder) {
    const auto recorder = [&] {
        return world().room_rpc(world().main_rpc_port, "jamulusserver/getRecorderStatus");
    };
    ASSERT_EQ(recorder()["enabled"], false) << recorder().dump();
    const std::string before = browser().js(field_js("main", "recording"));
    browser().click(room_css("main") + " [data-action=recording-start]");
    EXPECT_TRUE(wait_until([&] { return recorder()["enabled"] == true; }, 10s, 200ms))
        << recorder().dump();
    EXPECT_TRUE(browser().becomes(field_js("main", "recording") + " !== " + js_string(before), 10s))
        << "the page still shows recording " << before;
    world().shot("recording-started", room_css("main"));
    browser().click(room_css("main") + " [data-action=recording-stop]");
    EXPECT_TRUE(wait_until([&] { return recorder()["enabled"] == false; }, 10s, 200ms))
        << recorder().dump();
    EXPECT_TRUE(
        browser().becomes(field_js("main", "recording") + " === " + js_string(before), 10s));
    world().shot("recording-stopped", room_css("main"));
}

TEST_F(DashboardBrowser, ChatReachesTheRoomAndEveryRoom) {
    const auto from = alice_->rpc().notifications().size();
    browser().type(room_css("main") + " [data-input=chat]", "hello from the dashboard");
    browser().click(room_css("main") + " [data-action=chat]");
    const auto said = [&](const std::string& text) {
        return [text](const json& p) {
            return p.value("chatText", "").find(text) != std::string::npos;
        };
    };
    EXPECT_TRUE(alice_->rpc().wait_for_notification("jamulusclient/chatTextReceived",
                                                    said("hello from the dashboard"), 10s, from));
    browser().type("#chat-all-text", "the fleet closes at nine");
    browser().click("#chat-all-send");
    EXPECT_TRUE(bob_->rpc().wait_for_notification("jamulusclient/chatTextReceived",
                                                  said("the fleet closes at nine"), 10s));
    world().shot("chat-sent", room_css("main"));
}

TEST_F(DashboardBrowser, RestartButtonRestartsTheRoom) {
    const auto pid = world().fleet->pid_of("lesson");
    ASSERT_GT(pid, 0);
    browser().click(room_css("lesson") + " [data-action=restart]");
    EXPECT_TRUE(wait_until(
        [&] {
            const auto now = world().fleet->pid_of("lesson");
            return now > 0 && now != pid;
        },
        20s, 200ms))
        << "the lesson room kept PID " << pid;
    const auto new_pid = std::to_string(world().fleet->pid_of("lesson"));
    EXPECT_TRUE(browser().becomes(field_js("lesson", "pid") + " === " + js_string(new_pid) +
                                      " && " + field_js("lesson", "state") + " === 'running'",
                                  15s));
    EXPECT_EQ(world().fleet->pid_of("main") > 0, true);
    world().shot("lesson-restarted", room_css("lesson"));
}

TEST_F(DashboardBrowser, KickingAMusicianDisconnectsItUntilItsBanEnds) {
    // Carol runs the GUI client: a headless 3.9.1 client ignores the server's disconnect
    // message (docs/moderation.md), the dialog of the GUI client acts on it.
    JamulusClient carol(world().dir.path(), *world().jack, "carol", ClientProfile{.name = "carol"},
                        main_address(), ClientOptions{.gui = true});
    ASSERT_TRUE(carol.wait_connected(20s));
    browser().wait(exists_js(musician_css("main", "carol")), 15s);
    constexpr int kBanSeconds = 10;
    browser().type(musician_css("main", "carol") + " [data-input=kick-ban-seconds]",
                   std::to_string(kBanSeconds));
    world().shot("before-kick", room_css("main"));
    const auto kicked_at = std::chrono::steady_clock::now();
    browser().click(musician_css("main", "carol") + " [data-action=kick]");
    EXPECT_TRUE(wait_until([&] { return !carol.connected(); }, 5s, 50ms))
        << "carol's client still says connected";
    EXPECT_TRUE(browser().becomes("!" + exists_js(musician_css("main", "carol")), 10s));
    EXPECT_TRUE(
        browser().becomes(exists_js(room_css("main") + " [data-ban=\"127.0.0.1/32\"]"), 10s));
    open_moderation("main");
    world().shot("kicked", room_css("main"));
    EXPECT_TRUE(alice_->connected() && bob_->connected()) << "only carol was kicked";

    // A fresh client from her address (a restarted client) stays out during the ban, then
    // gets in by itself (a headless client keeps trying).
    JamulusClient again(world().dir.path(), *world().jack, "again", ClientProfile{.name = "again"},
                        main_address());
    const auto ban_left =
        std::chrono::seconds(kBanSeconds) - (std::chrono::steady_clock::now() - kicked_at) - 1s;
    EXPECT_FALSE(browser().becomes(
        exists_js(musician_css("main", "again")),
        std::chrono::duration_cast<std::chrono::milliseconds>(
            std::max<std::chrono::nanoseconds>(ban_left, std::chrono::seconds(1)))))
        << "joined during the ban";
    EXPECT_FALSE(contains(world().room_names(world().main_rpc_port), "again"));
    EXPECT_TRUE(browser().becomes(exists_js(musician_css("main", "again")), 20s))
        << "never joined after the ban ended";
    world().shot("back-after-ban", room_css("main"));
}

TEST_F(DashboardBrowser, ABannedAddressCannotJoinUntilUnbanned) {
    open_moderation("lesson");
    browser().type(room_css("lesson") + " [data-input=ban-address]", "127.0.0.1");
    browser().type(room_css("lesson") + " [data-input=ban-seconds]", "3600");
    browser().type(room_css("lesson") + " [data-input=ban-reason]", "test ban");
    browser().click(room_css("lesson") + " [data-action=ban]");
    browser().wait(exists_js(room_css("lesson") + " [data-ban=\"127.0.0.1/32\"]"), 10s);
    JamulusClient dave(world().dir.path(), *world().jack, "dave", ClientProfile{.name = "dave"},
                       lesson_address());
    EXPECT_FALSE(browser().becomes(exists_js(musician_css("lesson", "dave")), 5s));
    EXPECT_FALSE(contains(world().room_names(world().lesson_rpc_port), "dave"));
    EXPECT_FALSE(dave.connected());
    world().shot("banned-address", room_css("lesson"));
    browser().click(room_css("lesson") + " [data-ban=\"127.0.0.1/32\"] [data-action=unban]");
    EXPECT_TRUE(browser().becomes(exists_js(musician_css("lesson", "dave")), 20s))
        << "dave never joined after the unban";
    EXPECT_TRUE(contains(world().room_names(world().lesson_rpc_port), "dave"));
    world().shot("unbanned", room_css("lesson"));
}

TEST_F(DashboardBrowser, APrivateRoomRefusesAnAddressNotOnItsList) {
    open_moderation("lesson");
    browser().type(room_css("lesson") + " [data-input=allow]", "10.9.9.0/24");
    browser().click(room_css("lesson") + " [data-action=allow]");
    EXPECT_TRUE(browser().becomes(field_js("lesson", "access") + " === 'private'", 10s));
    JamulusClient erin(world().dir.path(), *world().jack, "erin", ClientProfile{.name = "erin"},
                       lesson_address());
    EXPECT_FALSE(browser().becomes(exists_js(musician_css("lesson", "erin")), 5s));
    EXPECT_FALSE(contains(world().room_names(world().lesson_rpc_port), "erin"));
    world().shot("private-room-refuses", room_css("lesson"));
    // Her address on the list: she gets in by herself.
    browser().type(room_css("lesson") + " [data-input=allow]", "10.9.9.0/24\n127.0.0.1");
    browser().click(room_css("lesson") + " [data-action=allow]");
    EXPECT_TRUE(browser().becomes(exists_js(musician_css("lesson", "erin")), 20s));
    world().shot("private-room-admits", room_css("lesson"));
    // The list shown is the room's own: a freshly loaded page shows it too.
    world().open_dashboard();
    open_moderation("lesson");
    const std::string allow_value = "document.querySelector(" +
                                    js_string(room_css("lesson") + " [data-input=allow]") +
                                    ").value";
    EXPECT_TRUE(browser().becomes(
        allow_value + ".includes('10.9.9.0/24') && " + allow_value + ".includes('127.0.0.1')", 10s))
        << browser().js(allow_value).dump();
    // An empty list opens the room again.
    browser().js("document.querySelector(" + js_string(room_css("lesson") + " [data-input=allow]") +
                 ").value = ''");
    browser().click(room_css("lesson") + " [data-action=allow]");
    EXPECT_TRUE(browser().becomes(field_js("lesson", "access") + " === 'open'", 10s));
}

TEST_F(DashboardBrowser, AMusiciansNameIsShownAsTextNeverAsMarkup) {
    // Anyone can join a room under any name: the page must not interpret it.
    const std::string name = "<img src=x>";
    JamulusClient mallory(world().dir.path(), *world().jack, "mallory",
                          ClientProfile{.name = name, .city = "<b>x</b>"}, lesson_address());
    ASSERT_TRUE(browser().becomes(exists_js(musician_css("lesson", name)), 20s));
    EXPECT_EQ(browser().js("document.querySelector(" + js_string(musician_css("lesson", name)) +
                           " + ' .name').textContent"),
              name);
    EXPECT_EQ(browser().js("document.querySelectorAll('img').length"), 0);
    const std::string where =
        browser().js("document.querySelector(" + js_string(musician_css("lesson", name)) +
                     " + ' .where').textContent");
    EXPECT_NE(where.find("<b>x</b>"), std::string::npos) << where;
    world().shot("name-as-text", room_css("lesson"));
}

TEST_F(DashboardBrowser, ShowsTheDirectoryAndTheBandwidth) {
    EXPECT_TRUE(browser().becomes(
        "[...document.querySelectorAll('#directory-entries [data-entry]')].some(e => "
        "e.textContent.includes('main'))",
        30s))
        << "the directory's entries never listed the main room";
    EXPECT_TRUE(
        browser().becomes("/\\d/.test(document.getElementById('bandwidth-now').textContent)", 5s));
    EXPECT_TRUE(
        browser().becomes("/\\d/.test(document.getElementById('bandwidth-full').textContent)", 5s));
    world().shot("directory", "#directory");
}

TEST_F(DashboardBrowser, EvictsAndBansInTheDirectory) {
    const std::string lesson_entry =
        "#directory-entries [data-entry=" + js_string("127.0.0.1:" + std::to_string(kLessonPort)) +
        "]";
    ASSERT_TRUE(browser().becomes(exists_js(lesson_entry), 30s));
    browser().click(lesson_entry + " [data-action=evict]");
    EXPECT_TRUE(browser().becomes(message_kind_js() + " === 'ok'", 10s))
        << browser().js(message_text_js());
    const auto list = request_server_list(22123);
    ASSERT_TRUE(list.has_value()) << "the directory did not answer";
    EXPECT_FALSE(lists(*list, "lesson", kLessonPort)) << "the directory still lists lesson";
    world().shot("directory-evicted", "#directory");

    browser().type("#directory-ban-address", "192.0.2.55");
    browser().type("#directory-ban-seconds", "600");
    browser().type("#directory-ban-reason", "spam");
    browser().click("#directory-ban-submit");
    const std::string ban = "#directory-bans [data-ban^=\"192.0.2.55\"]";
    EXPECT_TRUE(browser().becomes(exists_js(ban), 10s)) << browser().js(message_text_js());
    EXPECT_NE(browser()
                  .js("(document.querySelector(" + js_string(ban) + ") || {}).textContent")
                  .get<std::string>()
                  .find("spam"),
              std::string::npos);
    world().shot("directory-ban", "#directory");
    browser().click(ban + " [data-action=unban]");
    EXPECT_TRUE(browser().becomes("!" + exists_js(ban), 10s));
}

TEST_F(DashboardBrowser, TheLiveViewReconnectsByItselfWhenTheWebChildIsRestarted) {
    browser().js("window.jamfleetMarker = 2");
    const auto web_pid = world().fleet->pid_of("web");
    ASSERT_GT(web_pid, 0);
    ASSERT_EQ(::kill(static_cast<pid_t>(web_pid), SIGKILL), 0);
    EXPECT_TRUE(browser().becomes("document.getElementById('live').dataset.state !== 'open'", 10s))
        << "the page did not notice that its event stream ended";
    world().shot("reconnecting");
    // The supervisor restarts the web child; EventSource (or the page, after a refusal) connects
    // again and the view goes on without a reload.
    EXPECT_TRUE(browser().becomes("document.getElementById('live').dataset.state === 'open'", 30s));
    EXPECT_NE(world().fleet->pid_of("web"), web_pid);
    browser().js("window.jamfleetUpdated = document.getElementById('fleet-meta').textContent");
    EXPECT_TRUE(browser().becomes(
        "document.getElementById('fleet-meta').textContent !== window.jamfleetUpdated", 10s))
        << "no fleet event after the reconnection";
    EXPECT_EQ(browser().js("window.jamfleetMarker"), 2) << "the page was reloaded";
}

// Last: the ban refuses alice and bob too (every client here comes from 127.0.0.1); they are
// back by the end, as a headless client keeps trying.
TEST_F(DashboardBrowser, AFleetWideBanKeepsAnAddressOutOfEveryRoomUntilLifted) {
    browser().type("#fleet-ban-address", "127.0.0.1");
    browser().type("#fleet-ban-seconds", "600");
    browser().type("#fleet-ban-reason", "fleet test");
    browser().click("#fleet-ban-submit");
    const std::string ban = "#fleet-bans [data-ban^=\"127.0.0.1\"]";
    ASSERT_TRUE(browser().becomes(exists_js(ban), 10s)) << browser().js(message_text_js());
    // The supervisor applies it in every room.
    EXPECT_TRUE(browser().becomes(exists_js(room_css("main") + " [data-ban^=\"127.0.0.1\"]") +
                                      " && " +
                                      exists_js(room_css("lesson") + " [data-ban^=\"127.0.0.1\"]"),
                                  10s));
    JamulusClient frank(world().dir.path(), *world().jack, "frank", ClientProfile{.name = "frank"},
                        lesson_address());
    EXPECT_FALSE(browser().becomes(exists_js(musician_css("lesson", "frank")), 5s));
    EXPECT_FALSE(contains(world().room_names(world().lesson_rpc_port), "frank"));
    world().shot("fleet-wide-ban", "#everyone-title");
    browser().click(ban + " [data-action=unban]");
    EXPECT_TRUE(browser().becomes("!" + exists_js(ban), 10s));
    EXPECT_TRUE(browser().becomes(exists_js(musician_css("lesson", "frank")), 20s))
        << "frank never joined after the fleet-wide ban was lifted";
    EXPECT_TRUE(browser().becomes(exists_js(musician_css("main", "alice")) + " && " +
                                      exists_js(musician_css("main", "bob")),
                                  20s));
    world().shot("fleet-wide-ban-lifted", room_css("lesson"));
}

} // namespace
} // namespace jamfleet::interop
