// What the supervisor leaves in the run directory about each child it started,
// so a later supervisor (after a crash, kill -9 or an upgrade) can find the
// process again and prove it is that child: pid, start time, fleet, name, kind
// and a digest of the settings it was started with. One JSON file per child,
// written atomically (temp file + rename).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/room_settings.h"
#include "control/control_messages.h"
#include "orchestrator/launch_spec.h"

namespace jamfleet::orchestrator {

struct ChildRecord {
    std::string fleet;
    std::string name;
    std::string kind; // "mixer", "directory" or "web", as in the child's hello
    std::int64_t pid = 0;
    std::uint64_t start_time = 0; // /proc/PID/stat field 22
    std::string program;
    std::vector<std::string> args;
    std::string control_socket;
    std::string log_fifo;
    std::string settings; // settings_digest() of the launch spec
    // program_identity() of the program when it was started: another one means
    // a new binary was installed since (it reaches the room when it is empty).
    std::string program_id;
    // A room's live settings as started (or last applied), so a later supervisor
    // can tell a change it may apply live from one that needs a restart.
    std::optional<config::LiveRoomSettings> live;

    bool operator==(const ChildRecord&) const = default;
};

// "DEV:INODE:MTIME_NS:SIZE" of the file at `path`, "" when it cannot be read.
std::string program_identity(const std::string& path);

// "mixer" / "directory".
const char* kind_name(ChildKind kind);

// A short stable digest (FNV-1a 64, hex) of everything a child is started with:
// equal digests mean the same program, command line and sockets.
std::string settings_digest(const LaunchSpec& spec);

// Where a child's record and log FIFO live: RUN_DIR/children/STEM.json and
// RUN_DIR/children/STEM.log, STEM being "directory" or "server-PORT" (names may
// hold any character; ports are unique in a fleet).
std::string record_path(const std::string& run_dir, const LaunchSpec& spec);
std::string log_fifo_path(const std::string& run_dir, const LaunchSpec& spec);

std::string encode_record(const ChildRecord& record);
std::optional<ChildRecord> decode_record(const std::string& text);

// Writes atomically; false (and `error`) on failure.
bool write_record(const std::string& path, const ChildRecord& record, std::string& error);
std::optional<ChildRecord> read_record(const std::string& path);
// Every record in RUN_DIR/children, keyed by its path.
std::vector<std::pair<std::string, ChildRecord>> read_records(const std::string& run_dir);
void remove_record(const std::string& path);

// How a process found through a record relates to the child the fleet wants.
enum class AdoptionVerdict {
    Adopt,          // it is that child, started with the current settings
    AdoptThenApply, // it is that child, but from an older fleet definition
    NotOurs,        // its hello names someone else: leave it, start afresh
};

// Judges a live process (pid and start time already matched the record) by its
// hello: kind, name, fleet, pid and settings digest must match the record; the
// record's settings are then compared with the wanted launch spec.
AdoptionVerdict judge_adoption(const ChildRecord& record, const control::Hello& hello,
                               const LaunchSpec& wanted, const std::string& fleet_name);

} // namespace jamfleet::orchestrator
