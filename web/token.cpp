#include "web/token.h"

#include <cctype>
#include <fstream>
#include <sstream>

namespace jamfleet::web {

base::Result<std::string, std::string> read_token_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        return base::Err{"token file " + path + ": cannot read"};
    }
    std::string line;
    std::getline(in, line);
    const auto first = line.find_first_not_of(" \t\r\n");
    const auto last = line.find_last_not_of(" \t\r\n");
    if (first == std::string::npos) {
        return base::Err{"token file " + path + ": empty"};
    }
    return line.substr(first, last - first + 1);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    // The length is not secret (the supervisor's tokens are all 64 characters).
    if (a.size() != b.size()) {
        return false;
    }
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    }
    return diff == 0;
}

bool bearer_matches(std::string_view authorization, std::string_view token) {
    constexpr std::string_view kScheme = "bearer ";
    if (token.empty() || authorization.size() < kScheme.size()) {
        return false;
    }
    for (std::size_t i = 0; i < kScheme.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) {
            return false;
        }
    }
    std::string_view given = authorization.substr(kScheme.size());
    while (!given.empty() && given.front() == ' ') {
        given.remove_prefix(1);
    }
    while (!given.empty() && given.back() == ' ') {
        given.remove_suffix(1);
    }
    return constant_time_equal(given, token);
}

} // namespace jamfleet::web
