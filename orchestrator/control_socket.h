// The supervisor's control socket (RUN_DIR/jamfleet.sock): JSON lines from
// `jamfleet status|reload|restart|stop`. One request, one reply line:
//   {"command":"status"}            → the supervisor's status document
//   {"command":"reload"}            → {"ok":bool,"errors":[...],"added":[...],...}
//   {"command":"restart","name":N}  → {"ok":bool,"error":"..."}
//   {"command":"ban","address":A,"seconds":S,"reason":R}
//                                   → {"ok":true,"banned":"a.b.c.d/n","rooms":n} (fleet-wide)
//   {"command":"unban","address":A} → {"ok":true,"removed":bool}
//   {"command":"bans"}              → {"ok":true,"bans":[{"address","secondsLeft","reason"}]}
//   {"command":"stop"}              → {"ok":true}; the connection closes when the fleet is down
//   {"command":"upgrade","now":B}   → {"ok":true,"version":V}; then the supervisor re-executes
//                                     its binary in place and adopts its children (with
//                                     "now", rooms on a replaced binary restart at once)
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "io/line_server.h"
#include "io/loop.h"
#include "orchestrator/supervisor.h"

namespace jamfleet::orchestrator {

nlohmann::json reload_report_json(const ReloadReport& report);

class ControlSocket {
public:
    // `on_stop_requested` runs after the stop reply was queued.
    // `on_upgrade_requested` likewise, for "upgrade".
    static base::Result<std::unique_ptr<ControlSocket>, std::string>
    listen(io::Loop& loop, const std::string& path, Supervisor& supervisor,
           std::function<void()> on_stop_requested,
           std::function<void(bool now)> on_upgrade_requested = {});

private:
    ControlSocket(Supervisor& supervisor, std::function<void()> on_stop_requested,
                  std::function<void(bool now)> on_upgrade_requested)
        : supervisor_(supervisor), on_stop_requested_(std::move(on_stop_requested)),
          on_upgrade_requested_(std::move(on_upgrade_requested)) {}
    void on_line(io::ConnectionId id, std::string_view line);

    Supervisor& supervisor_;
    std::function<void()> on_stop_requested_;
    std::function<void(bool now)> on_upgrade_requested_;
    std::unique_ptr<io::LineServer> server_;
};

} // namespace jamfleet::orchestrator
