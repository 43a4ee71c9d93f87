// docs/config.md must document every key the loader accepts: each appears as
// `key` (in backticks) in the document.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "config/schema.h"

namespace jamfleet::config {
namespace {

TEST(ConfigDocs, DocumentsEveryKeyOfTheSchema) {
    std::ifstream in(std::string(JAMFLEET_SOURCE_DIR) + "/docs/config.md");
    ASSERT_TRUE(in) << "docs/config.md is missing";
    std::ostringstream text;
    text << in.rdbuf();
    const std::string doc = text.str();
    const auto keys = documented_key_names();
    ASSERT_GT(keys.size(), 30u);
    for (const auto& key : keys) {
        EXPECT_NE(doc.find("`" + key + "`"), std::string::npos)
            << "docs/config.md does not document `" << key << "`";
    }
}

} // namespace
} // namespace jamfleet::config
