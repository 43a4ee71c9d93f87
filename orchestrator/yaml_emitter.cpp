// Block-style YAML from JSON values; see yaml_emitter.h.
#include "orchestrator/yaml_emitter.h"

namespace jamfleet::orchestrator {
namespace {

using nlohmann::json;

// Plain (unquoted) only when no YAML 1.1 or 1.2 reader can take it for a number,
// boolean, null or syntax: a letter or / first, then letters, digits and . / _ -.
bool plain_safe(const std::string& text) {
    static const char* const kReserved[] = {
        "true",  "false", "yes", "no", "on",  "off", "null", "y",    "n",
        "True",  "False", "Yes", "No", "On",  "Off", "Null", "NULL", "TRUE",
        "FALSE", "YES",   "NO",  "ON", "OFF", "Y",   "N"};
    if (text.empty() || !((text[0] >= 'a' && text[0] <= 'z') ||
                          (text[0] >= 'A' && text[0] <= 'Z') || text[0] == '/')) {
        return false;
    }
    for (const char* reserved : kReserved) {
        if (text == reserved) {
            return false;
        }
    }
    for (const char c : text) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '/' || c == '_' || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

std::string scalar(const json& value) {
    if (value.is_string()) {
        const auto& text = value.get_ref<const std::string&>();
        // A JSON string is a valid YAML double-quoted scalar.
        return plain_safe(text) ? text : value.dump();
    }
    return value.dump();
}

// Multi-line text (a fleet file in a ConfigMap) reads best as a literal block: it
// must end in exactly one newline, not start with a space and hold no control
// characters other than newlines and tabs.
bool literal_block(const json& value) {
    if (!value.is_string()) {
        return false;
    }
    const auto& text = value.get_ref<const std::string&>();
    if (text.size() < 2 || text.back() != '\n' || text[text.size() - 2] == '\n' || text[0] == ' ' ||
        text.find('\n') == text.size() - 1) {
        return false;
    }
    for (const char c : text) {
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
            return false;
        }
    }
    return true;
}

bool is_inline(const json& value) {
    return !value.is_structured() || value.empty();
}

void emit(const json& value, int indent, std::string& out);

// A mapping's entries or a sequence's items, each line at `indent`.
void emit_entries(const json& value, int indent, std::string& out) {
    const std::string pad(static_cast<std::size_t>(indent), ' ');
    if (value.is_object()) {
        for (const auto& [key, item] : value.items()) {
            out += pad + scalar(json(key)) + ":";
            if (literal_block(item)) {
                out += " |\n";
                const auto& text = item.get_ref<const std::string&>();
                for (std::size_t start = 0; start < text.size();) {
                    const auto end = text.find('\n', start);
                    const std::string line = text.substr(start, end - start);
                    out += line.empty() ? "\n" : pad + "  " + line + "\n";
                    start = end + 1;
                }
            } else if (is_inline(item)) {
                out += " " + (item.is_structured() ? item.dump() : scalar(item)) + "\n";
            } else {
                out += "\n";
                emit(item, item.is_array() ? indent : indent + 2, out);
            }
        }
        return;
    }
    for (const auto& item : value) {
        if (is_inline(item)) {
            out += pad + "- " + (item.is_structured() ? item.dump() : scalar(item)) + "\n";
            continue;
        }
        // "- " takes the place of the first line's indentation.
        std::string nested;
        emit(item, indent + 2, nested);
        out += pad + "- " + nested.substr(static_cast<std::size_t>(indent) + 2);
    }
}

void emit(const json& value, int indent, std::string& out) {
    emit_entries(value, indent, out);
}

} // namespace

std::string yaml_document(const json& value, const std::string& comment) {
    std::string out;
    std::size_t start = 0;
    while (start < comment.size()) {
        const auto end = comment.find('\n', start);
        const std::string line =
            comment.substr(start, end == std::string::npos ? std::string::npos : end - start);
        out += line.empty() ? "#\n" : "# " + line + "\n";
        start = end == std::string::npos ? comment.size() : end + 1;
    }
    if (is_inline(value)) {
        return out + scalar(value) + "\n";
    }
    emit(value, 0, out);
    return out;
}

} // namespace jamfleet::orchestrator
