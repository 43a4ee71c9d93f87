// JSON-RPC jamulusserver/setDirectory (Jamulus 3.12, upstream tag r3_12_4 src/serverrpc.cpp):
// register with another directory at run time. The directory types and their addresses are
// Jamulus's (src/global.h DIR_ADDR_*, src/serverrpc.cpp sumStringToDirectoryType). Unlike
// Jamulus, an unknown type is an error rather than a silent switch to the public "any genre 1"
// directory: a typo must not publish a private room.
#include <array>
#include <nlohmann/json.hpp>
#include <string_view>

#include "mixer-worker/mixer_server.h"

namespace jamfleet::mixer {

using base::Err;
using control::RpcError;
using nlohmann::json;

namespace {

struct DirectoryType {
    std::string_view name;
    std::string_view address; // empty: none, or the custom address
};

constexpr std::array<DirectoryType, 9> kDirectoryTypes{{
    {"none", ""},
    {"any_genre_1", "anygenre1.jamulus.app:22124"},
    {"any_genre_2", "anygenre2.jamulus.app:22224"},
    {"any_genre_asia", "asia.jamulus.app:22624"},
    {"genre_rock", "rock.jamulus.app:22424"},
    {"genre_jazz", "jazz.jamulus.app:22324"},
    {"genre_classical_folk", "classical.jamulus.app:22524"},
    {"genre_choral_barbershop", "choral.jamulus.app:22724"},
    {"custom", ""},
}};

const DirectoryType* find_type(std::string_view name) {
    for (const auto& t : kDirectoryTypes) {
        if (t.name == name) {
            return &t;
        }
    }
    return nullptr;
}

} // namespace

void MixerServer::set_directory(std::string type, std::string address) {
    if (registration_) {
        registration_->unregister();
        flush();
        registration_.reset();
    }
    ++directory_generation_; // a pending resolve of the old directory is dropped
    const DirectoryType* t = find_type(type);
    directory_type_ = std::move(type);
    directory_address_ = std::move(address);
    directory_text_ = directory_type_ == "custom" ? directory_address_
                      : t != nullptr              ? std::string(t->address)
                                                  : std::string();
    options_.directory = directory_text_;
    log_.info("directory set", {{"type", directory_type_}, {"directory", directory_text_}});
    start_registration();
}

void MixerServer::register_directory_rpc_methods() {
    rpc_->add_method(
        "jamulusserver/setDirectory", [this](const json& params) -> base::Result<json, RpcError> {
            const auto type = params.find("directoryType");
            if (type == params.end() || !type->is_string()) {
                return Err{RpcError{control::kRpcInvalidParams,
                                    "Invalid params: directory type is not a string"}};
            }
            if (find_type(type->get<std::string>()) == nullptr) {
                return Err{
                    RpcError{control::kRpcInvalidParams, "Invalid params: unknown directory type"}};
            }
            const auto address = params.find("directoryAddress");
            if (address != params.end() && !address->is_string()) {
                return Err{RpcError{control::kRpcInvalidParams,
                                    "Invalid params: directory address is not a string"}};
            }
            if (address == params.end() && *type == "custom") {
                return Err{RpcError{control::kRpcInvalidParams,
                                    "Invalid params: directory address is required when "
                                    "directory type is \"custom\""}};
            }
            set_directory(type->get<std::string>(),
                          address != params.end() ? address->get<std::string>() : std::string());
            return json("ok");
        });
}

} // namespace jamfleet::mixer
