// Chat and welcome message formatting.
#include "mixer-worker/chat.h"

#include <array>
#include <cstdio>

#include "proto/text.h"

namespace jamfleet::mixer {

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string_view chat_colour(int channel_id) {
    static constexpr std::array<std::string_view, 6> kColours = {
        "mediumblue", "red", "darkorchid", "green", "maroon", "coral"};
    return kColours[static_cast<std::size_t>(channel_id % 6)];
}

std::string chat_time(const std::tm& local) {
    int hour = local.tm_hour % 12;
    if (hour == 0) {
        hour = 12;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "(%02d:%02d:%02d %s)", hour, local.tm_min, local.tm_sec,
                  local.tm_hour < 12 ? "AM" : "PM");
    return buf;
}

std::string format_chat(int channel_id, std::string_view name, std::string_view text,
                        const std::tm& local) {
    std::string out = "<font color=\"";
    out += chat_colour(channel_id);
    out += "\">";
    out += chat_time(local);
    out += " <b>";
    out += html_escape(name);
    out += "</b></font> ";
    out += html_escape(text);
    return out;
}

std::string format_welcome(std::string_view message) {
    return "<b>Server Welcome Message:</b> " +
           proto::truncate_utf16(message, proto::kMaxChatUserUnits);
}

} // namespace jamfleet::mixer
