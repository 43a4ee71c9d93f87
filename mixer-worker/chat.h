// Chat and welcome texts as Jamulus servers send them (docs/protocol.md §4.2,
// §4.4): the HTML wrapper, colour by channel, 12-hour server-local time.
#pragma once

#include <ctime>
#include <string>
#include <string_view>

namespace jamfleet::mixer {

// `& < > "` escaped as Jamulus does (Qt's toHtmlEscaped).
std::string html_escape(std::string_view text);

// "mediumblue", "red", "darkorchid", "green", "maroon" or "coral" by id mod 6.
std::string_view chat_colour(int channel_id);

// "(hh:mm:ss AP)" for the given local time.
std::string chat_time(const std::tm& local);

// `<font color="C">(hh:mm:ss AP) <b>NAME</b></font> TEXT`.
std::string format_chat(int channel_id, std::string_view name, std::string_view text,
                        const std::tm& local);

// `<b>Server Welcome Message:</b> ` + message truncated to 1600 UTF-16 units.
std::string format_welcome(std::string_view message);

} // namespace jamfleet::mixer
