// libFuzzer target for the fleet-file loader: any text must give a fleet or a list
// of located errors, never a crash or an escaped exception.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "config/fleet_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto result = jamfleet::config::parse_fleet(text, "fuzz.yaml");
    if (!result.ok() && result.error().empty())
        std::abort(); // a rejected file must say why
    return 0;
}
