// libFuzzer target: jamfleet-web's request handling after libmicrohttpd has
// parsed the request — method, path, an Authorization header and a body taken
// from the input go through web/router as the web child routes them (with a
// fleet document, rooms, a directory and the token), and every response must be
// a well-formed answer (status 200–599; JSON error bodies). The second half of
// the input, when it parses as JSON, is also taken as a supervisor status and
// rendered as the /api/fleet and levels documents.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "control/json_nesting.h"
#include "web/fleet_view.h"
#include "web/router.h"

namespace {

// Splits at the next '\n' (or the end).
std::string_view take_line(std::string_view& rest) {
    const auto end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    return line;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace jamfleet;
    using nlohmann::json;
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    io::HttpRequest request;
    request.method = std::string(take_line(rest));
    request.path = std::string(take_line(rest));
    const std::string_view auth = take_line(rest);
    if (!auth.empty()) {
        request.headers["authorization"] = std::string(auth);
    }
    request.body = std::string(rest);

    static const json fleet{{"fleet", "Fuzz"}, {"rooms", json::array()}};
    static const std::set<std::string> rooms{"Main", "a/b", ""};
    const web::RouterContext context{"0123456789abcdef", &fleet, "<html>", &rooms, true, true};
    const web::Route route = web::route(request, context);
    if (const auto* response = std::get_if<io::HttpResponse>(&route)) {
        if (response->status < 200 || response->status > 599) {
            std::abort();
        }
        if (response->content_type == "application/json" &&
            json::parse(response->body, nullptr, false).is_discarded()) {
            std::abort();
        }
    } else if (const auto* call = std::get_if<web::ControlCall>(&route)) {
        // What goes to a child is an object that serialises (it will be sent as a line).
        if (!call->args.is_object() || call->op.empty()) {
            std::abort();
        }
        (void)call->args.dump(-1, ' ', false, json::error_handler_t::replace);
    }

    if (control::json_nesting_within(request.body)) {
        web::FleetData fleet_data;
        fleet_data.supervisor = json::parse(request.body, nullptr, false);
        if (!fleet_data.supervisor.is_discarded()) {
            fleet_data.rooms["main"].clients = fleet_data.supervisor;
            fleet_data.rooms["main"].bans = fleet_data.supervisor;
            fleet_data.directory_entries = fleet_data.supervisor;
            (void)web::fleet_document(fleet_data, "t")
                .dump(-1, ' ', false, json::error_handler_t::replace);
            (void)web::levels_document(fleet_data)
                .dump(-1, ' ', false, json::error_handler_t::replace);
            (void)web::room_ports(fleet_data.supervisor);
        }
    }
    return 0;
}
