// A headless Chromium for interop tests: browser_driver.py (python3-selenium with Debian's
// chromium and chromium-driver) started once, spoken to over its stdin/stdout in JSON lines.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <sys/types.h>

namespace jamfleet::interop {

class Browser {
public:
    // Starts the driver (JAMFLEET_BROWSER_DRIVER, run by /usr/bin/python3) with its log in
    // `work_dir`, and waits until Chromium is up. Throws std::runtime_error (with the driver's
    // own message) when python3-selenium, chromium or chromedriver is missing or fails.
    Browser(const std::filesystem::path& work_dir, std::filesystem::path screenshot_dir);
    ~Browser();
    Browser(const Browser&) = delete;
    Browser& operator=(const Browser&) = delete;

    void open(const std::string& url);
    // The window's size; `mobile`: a phone's viewport of exactly width × height CSS pixels.
    void resize(int width, int height, bool mobile = false);
    // Polls the JavaScript expression until it is truthy; returns its value. Throws on timeout.
    nlohmann::json wait(const std::string& script,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Whether the expression becomes truthy within `timeout` (no throw).
    bool becomes(const std::string& script,
                 std::chrono::milliseconds timeout = std::chrono::seconds(10));
    void click(const std::string& css);
    void type(const std::string& css, const std::string& text);
    nlohmann::json js(const std::string& script);
    // JavaScript errors the page logged since the last call.
    std::vector<std::string> errors();
    // Saves `<screenshot_dir>/<name>.png` and returns its path.
    std::filesystem::path screenshot(const std::string& name);
    const std::filesystem::path& log_path() const { return log_path_; }

private:
    // One request, one reply line; throws std::runtime_error on an error reply or a timeout.
    nlohmann::json request(const nlohmann::json& message, std::chrono::milliseconds timeout);
    std::string read_line(std::chrono::milliseconds timeout);

    std::filesystem::path screenshot_dir_;
    std::filesystem::path log_path_;
    pid_t pid_ = -1;
    int to_driver_ = -1;
    int from_driver_ = -1;
    std::string buffer_;
};

// A JavaScript string literal of `text` (JSON quoting is valid JavaScript).
std::string js_string(const std::string& text);

} // namespace jamfleet::interop
