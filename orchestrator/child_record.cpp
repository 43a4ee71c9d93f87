// Child records: JSON encoding, atomic writes and the adoption verdict.
#include "orchestrator/child_record.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

namespace jamfleet::orchestrator {
namespace {

namespace fs = std::filesystem;

std::string stem(const LaunchSpec& spec) {
    if (spec.kind == ChildKind::Web) {
        return "web";
    }
    return spec.kind == ChildKind::Directory ? std::string("directory")
                                             : "server-" + std::to_string(spec.port);
}

void mix(std::uint64_t& hash, std::string_view text) {
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 1099511628211ull;
    }
    // A separator byte no argument contains, so ("ab","c") != ("a","bc").
    hash ^= 0xff;
    hash *= 1099511628211ull;
}

} // namespace

std::string program_identity(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        return {};
    }
    const long long mtime_ns =
        static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
    return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" +
           std::to_string(mtime_ns) + ":" + std::to_string(st.st_size);
}

const char* kind_name(ChildKind kind) {
    switch (kind) {
    case ChildKind::Directory:
        return "directory";
    case ChildKind::Web:
        return "web";
    case ChildKind::Mixer:
        break;
    }
    return "mixer";
}

std::string settings_digest(const LaunchSpec& spec) {
    std::uint64_t hash = 14695981039346656037ull;
    mix(hash, spec.name);
    mix(hash, kind_name(spec.kind));
    mix(hash, spec.program);
    for (const auto& arg : spec.args) {
        mix(hash, arg);
    }
    mix(hash, spec.control_socket);
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
    return text;
}

std::string record_path(const std::string& run_dir, const LaunchSpec& spec) {
    return run_dir + "/children/" + stem(spec) + ".json";
}

std::string log_fifo_path(const std::string& run_dir, const LaunchSpec& spec) {
    return run_dir + "/children/" + stem(spec) + ".log";
}

std::string encode_record(const ChildRecord& r) {
    nlohmann::json live = nullptr;
    if (r.live) {
        live = {{"name", r.live->name},
                {"city", r.live->city},
                {"country", r.live->country},
                {"welcome", r.live->welcome},
                {"norecord", r.live->norecord}};
    }
    return nlohmann::json{{"fleet", r.fleet},
                          {"name", r.name},
                          {"kind", r.kind},
                          {"pid", r.pid},
                          {"start_time", r.start_time},
                          {"program", r.program},
                          {"args", r.args},
                          {"control_socket", r.control_socket},
                          {"log_fifo", r.log_fifo},
                          {"settings", r.settings},
                          {"program_id", r.program_id},
                          {"live", live}}
               .dump() +
           "\n";
}

std::optional<ChildRecord> decode_record(const std::string& text) {
    const auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
        return std::nullopt;
    }
    ChildRecord r;
    try {
        r.fleet = doc.at("fleet").get<std::string>();
        r.name = doc.at("name").get<std::string>();
        r.kind = doc.at("kind").get<std::string>();
        r.pid = doc.at("pid").get<std::int64_t>();
        r.start_time = doc.at("start_time").get<std::uint64_t>();
        r.program = doc.at("program").get<std::string>();
        r.args = doc.at("args").get<std::vector<std::string>>();
        r.control_socket = doc.at("control_socket").get<std::string>();
        r.log_fifo = doc.at("log_fifo").get<std::string>();
        r.settings = doc.at("settings").get<std::string>();
        r.program_id = doc.value("program_id", "");
        if (const auto live = doc.find("live"); live != doc.end() && live->is_object()) {
            r.live = config::LiveRoomSettings{
                live->at("name").get<std::string>(), live->at("city").get<std::string>(),
                live->at("country").get<std::string>(), live->at("welcome").get<std::string>(),
                live->at("norecord").get<bool>()};
        }
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
    return r;
}

bool write_record(const std::string& path, const ChildRecord& record, std::string& error) {
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    const std::string temp = path + ".tmp";
    {
        std::ofstream out(temp, std::ios::trunc);
        out << encode_record(record);
        out.flush();
        if (!out) {
            error = "write " + temp + " failed";
            return false;
        }
    }
    // rename(2) replaces atomically: a reader sees the old record or the new one.
    fs::rename(temp, path, ec);
    if (ec) {
        error = "rename " + temp + ": " + ec.message();
        return false;
    }
    return true;
}

std::optional<ChildRecord> read_record(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        return std::nullopt;
    }
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return decode_record(text);
}

std::vector<std::pair<std::string, ChildRecord>> read_records(const std::string& run_dir) {
    std::vector<std::pair<std::string, ChildRecord>> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(run_dir + "/children", ec)) {
        if (entry.path().extension() != ".json") {
            continue;
        }
        if (auto record = read_record(entry.path().string())) {
            out.emplace_back(entry.path().string(), std::move(*record));
        } else {
            remove_record(entry.path().string()); // torn or foreign: useless
        }
    }
    return out;
}

void remove_record(const std::string& path) {
    ::unlink(path.c_str());
}

AdoptionVerdict judge_adoption(const ChildRecord& record, const control::Hello& hello,
                               const LaunchSpec& wanted, const std::string& fleet_name) {
    if (hello.kind != record.kind || hello.name != record.name || hello.fleet != record.fleet ||
        hello.settings != record.settings || hello.pid != record.pid) {
        return AdoptionVerdict::NotOurs;
    }
    if (record.fleet != fleet_name || record.settings != settings_digest(wanted)) {
        return AdoptionVerdict::AdoptThenApply;
    }
    return AdoptionVerdict::Adopt;
}

} // namespace jamfleet::orchestrator
