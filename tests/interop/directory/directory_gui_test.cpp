// End-to-end: the real Jamulus 3.9.1 GUI client (offscreen, in the test's private network
// namespace) reads our list and pings the listed servers, but gets no answer from entry 0.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>

#include "proto/frame.h"
#include "tests/interop/directory/directory_fixture.h"
#include "tests/interop/harness/jack_server.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/wait.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;

TEST(DirectoryGui, RealGuiClientDecodesTheListAndPingsListedServersOnly) {
    TempDir dir("directory-gui");
    Directory directory(dir.path(), dir / "db.sqlite", {"-o", "MyDir;Town;de"});
    ServerOptions options;
    options.args = {"-e", directory.address(), "-o", "Jam One;Berlin;de"};
    JamulusServer server(dir.path(), real_jamulus_kind(), options);
    ASSERT_TRUE(wait_until(
        [&] {
            return server.rpc().call("jamulusserver/getServerProfile")["registrationStatus"] ==
                   "registered";
        },
        15s, 100ms));
    // A second listed "server" that the test controls, to see the GUI's pings arrive.
    UdpProbe probe;
    probe.send_to(directory.port(), register_frame(raw_registration("Probe", probe.port())));
    ASSERT_EQ(await_register_reply(probe, 3s), 0);

    JackServer jack(dir.path());
    const auto ini = dir / "gui.ini";
    // winviscon: open the connect dialog at start; directorytype 7: custom directory.
    std::ofstream(ini) << "<client><winviscon>1</winviscon><directorytype>7</directorytype>"
                          "<customdirectoryindex>0</customdirectoryindex><directoryaddress0>"
                       << directory.address() << "</directoryaddress0></client>\n";
    Env env = jack.client_env();
    env.emplace_back("QT_QPA_PLATFORM", "offscreen");
    Process gui({"gui", "Jamulus", {"-i", ini.string(), "-p", "0"}, env, dir / "gui"});

    // The probe's address reaches the GUI only through our list: its ping proves the
    // client decoded the list (CLM_PING_MS_WITHNUMCLIENTS, as the connect dialog sends).
    const auto ping = probe.receive_until(
        [](const Datagram& d) {
            const auto f = proto::parse_frame(d.bytes);
            return f && f->id == proto::to_wire(proto::MessageId::ClmPingMsWithNumClients);
        },
        30s);
    ASSERT_TRUE(ping) << gui.log_text();
    const auto stats = directory.stats();
    EXPECT_GE(stats["listsSent"].get<int>(), 1);
    // Entry 0 (the directory) was pinged too and left unanswered, so it stays hidden.
    ASSERT_TRUE(wait_until([&] { return directory.stats()["ignored"].get<int>() >= 1; }, 10s));
    EXPECT_EQ(directory.stats()["pingsAnswered"], 0);
    // The GUI ignores SIGTERM while its dialog is open; nothing of it is checked after this.
    gui.send_signal(SIGKILL);
    EXPECT_TRUE(gui.wait_exit(10s));
}

} // namespace
} // namespace jamfleet::interop
