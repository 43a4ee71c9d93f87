// Proves a list request allocates nothing once the directory is warm: global
// operator new is replaced in this executable only and counts calls while a
// window is open, over list requests (with hole punches) from many sources.
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/counting_new.h"

#include "directory/directory_service.h"
#include "proto/clm_messages.h"
#include "proto/frame.h"
#include "tests/directory/fake_journal.h"

namespace jamfleet::directory {
namespace {

using namespace std::chrono_literals;
using proto::MessageId;

TEST(DirectoryAllocation, ListRequestsFromKnownSourcesAllocateNothing) {
    testing::FakeJournal journal;
    Admission admission;
    Registry registry{RegistryLimits{}, journal};
    base::Logger log{"directory", [](std::string_view) {}};
    DirectoryService service(registry, admission, SelfInfo{"Dir", "Town", 82}, AbuseLimits{}, log);
    service.set_public_ip(0xc0000202);
    // 149 servers, every other one public so that requests also queue hole punches.
    for (std::uint32_t i = 0; i < 149; ++i) {
        const std::uint32_t ip = (i % 2 == 0 ? 0xcb000000u : 0x0a000000u) + i + 1;
        auto info = testing::info_named("server-" + std::to_string(i));
        ASSERT_EQ(registry.register_server({ip, 22124}, info, admission, {}).refusal,
                  Refusal::None);
    }
    const auto request = proto::make_clm_frame(MessageId::ClmReqServerList, {});
    std::vector<Outgoing> out;
    out.reserve(1024);
    // Private and public clients (rows 1, 2 and 4 of §6.4), each asking once per
    // round; the first round fills the per-source tables and the list cache.
    const auto round = [&](base::TimePoint now) {
        for (std::uint32_t c = 0; c < 200; ++c) {
            const std::uint32_t ip = (c % 2 == 0 ? 0x0a640000u : 0xc6330000u) + c + 1;
            // Private clients reach the directory at one of two of its addresses.
            const std::uint32_t arrived_on = c % 4 == 0 ? 0xc0a80105u : 0x0a000001u;
            service.on_datagram({ip, 40000}, arrived_on, request, now, out);
            out.clear();
        }
    };
    round(base::TimePoint{} + 1s);
    const auto lists_before = service.stats().lists_sent;
    const auto punches_before = service.stats().punches_sent;

    test_support::start_counting_allocations();
    round(base::TimePoint{} + 3s);
    const std::uint64_t allocations = test_support::stop_counting_allocations();

    EXPECT_EQ(service.stats().lists_sent - lists_before, 200u);
    EXPECT_GT(service.stats().punches_sent, punches_before);
    EXPECT_EQ(allocations, 0u);
}

} // namespace
} // namespace jamfleet::directory
