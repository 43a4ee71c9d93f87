// Child records: round trip, atomic files in the run directory, and the verdict
// on a process found through a record (its hello must name the record's fleet,
// name, kind, pid and settings; older settings mean adopt-then-apply).
#include "orchestrator/child_record.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

namespace jamfleet::orchestrator {
namespace {

LaunchSpec room(std::uint16_t port, std::vector<std::string> args = {"-p", "22124"}) {
    LaunchSpec spec;
    spec.name = "Alpha";
    spec.kind = ChildKind::Mixer;
    spec.program = "/usr/bin/jamfleet-mixer";
    spec.args = std::move(args);
    spec.port = port;
    spec.control_socket = "/run/x/server-" + std::to_string(port) + ".sock";
    return spec;
}

ChildRecord record_of(const LaunchSpec& spec) {
    ChildRecord r;
    r.fleet = "Fleet";
    r.name = spec.name;
    r.kind = kind_name(spec.kind);
    r.pid = 4242;
    r.start_time = 123456;
    r.program = spec.program;
    r.args = spec.args;
    r.control_socket = spec.control_socket;
    r.log_fifo = "/run/x/children/server-22124.log";
    r.settings = settings_digest(spec);
    r.program_id = "2049:1234:1700000000000000000:4096";
    r.live = config::LiveRoomSettings{"Alpha", "Berlin", "DE", "Hello", true};
    return r;
}

control::Hello hello_of(const ChildRecord& r) {
    control::Hello h;
    h.kind = r.kind;
    h.name = r.name;
    h.pid = r.pid;
    h.fleet = r.fleet;
    h.settings = r.settings;
    return h;
}

std::filesystem::path scratch(const char* name) {
    auto dir = std::filesystem::temp_directory_path() /
               (std::string("jamfleet-record-") + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

TEST(ChildRecord, DigestChangesWithAnyArgumentAndArgumentBoundaries) {
    EXPECT_EQ(settings_digest(room(22124)), settings_digest(room(22124)));
    EXPECT_NE(settings_digest(room(22124)), settings_digest(room(22124, {"-p", "22125"})));
    EXPECT_NE(settings_digest(room(22124, {"ab", "c"})), settings_digest(room(22124, {"a", "bc"})));
    EXPECT_EQ(settings_digest(room(22124)).size(), 16u);
}

TEST(ChildRecord, EncodesAndDecodesEveryField) {
    const ChildRecord r = record_of(room(22124));
    EXPECT_EQ(decode_record(encode_record(r)), r);
    EXPECT_FALSE(decode_record("{\"fleet\":\"F\"}").has_value());
    EXPECT_FALSE(decode_record("not json").has_value());
}

TEST(ChildRecord, WritesAtomicallyAndReadsBackFromTheRunDirectory) {
    const auto dir = scratch("rw");
    const LaunchSpec spec = room(22124);
    const std::string path = record_path(dir.string(), spec);
    EXPECT_EQ(path, dir.string() + "/children/server-22124.json");
    std::string error;
    ASSERT_TRUE(write_record(path, record_of(spec), error)) << error;
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
    std::ofstream(dir / "children/torn.json") << "{\"fleet\":";
    const auto records = read_records(dir.string());
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].first, path);
    EXPECT_EQ(records[0].second, record_of(spec));
    EXPECT_FALSE(std::filesystem::exists(dir / "children/torn.json")) << "useless record kept";
    remove_record(path);
    EXPECT_TRUE(read_records(dir.string()).empty());
    std::filesystem::remove_all(dir);
}

TEST(ChildRecord, VerdictAdoptsOnlyAProcessWhoseHelloMatchesTheRecord) {
    const LaunchSpec spec = room(22124);
    const ChildRecord r = record_of(spec);
    EXPECT_EQ(judge_adoption(r, hello_of(r), spec, "Fleet"), AdoptionVerdict::Adopt);
    for (auto change : {+[](control::Hello& h) { h.kind = "directory"; },
                        +[](control::Hello& h) { h.name = "Beta"; },
                        +[](control::Hello& h) { h.fleet = "Other"; },
                        +[](control::Hello& h) { h.settings = "0000000000000000"; },
                        +[](control::Hello& h) { h.pid = 1; }}) {
        control::Hello h = hello_of(r);
        change(h);
        EXPECT_EQ(judge_adoption(r, h, spec, "Fleet"), AdoptionVerdict::NotOurs);
    }
}

TEST(ChildRecord, VerdictAppliesANewerFleetDefinitionToAnAdoptedChild) {
    const LaunchSpec old_spec = room(22124);
    const ChildRecord r = record_of(old_spec);
    EXPECT_EQ(judge_adoption(r, hello_of(r), room(22124, {"-p", "22124", "-F"}), "Fleet"),
              AdoptionVerdict::AdoptThenApply);
    EXPECT_EQ(judge_adoption(r, hello_of(r), old_spec, "Renamed fleet"),
              AdoptionVerdict::AdoptThenApply);
}

TEST(ChildRecord, ProgramIdentityChangesWhenTheFileIsReplaced) {
    const auto dir = scratch("program");
    const auto path = dir / "jamfleet-mixer";
    std::ofstream(path) << "old build";
    const std::string before = program_identity(path.string());
    EXPECT_FALSE(before.empty());
    EXPECT_EQ(program_identity(path.string()), before);
    // As a package manager installs: a new file renamed over the old one.
    std::ofstream(dir / "new") << "new build";
    std::filesystem::rename(dir / "new", path);
    EXPECT_NE(program_identity(path.string()), before);
    EXPECT_EQ(program_identity((dir / "missing").string()), "");
    std::filesystem::remove_all(dir);
}

TEST(ChildRecord, RecordWithoutProgramIdFromAnOlderSupervisorStillDecodes) {
    ChildRecord r = record_of(room(22124));
    auto doc = nlohmann::json::parse(encode_record(r));
    doc.erase("program_id");
    doc.erase("live");
    r.program_id.clear();
    r.live.reset();
    EXPECT_EQ(decode_record(doc.dump()), r);
}

} // namespace
} // namespace jamfleet::orchestrator
