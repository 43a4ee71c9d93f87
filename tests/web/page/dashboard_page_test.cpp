// The embedded dashboard page: it is there, it is self-contained (no URL to another host: the
// page must work without internet access and must not leak the admin's visits to a CDN), and
// it carries the element ids that the browser test (tests/interop/web) and scripts rely on.
#include "web/page/dashboard_page.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace {

using jamfleet::web::dashboard_html;

TEST(DashboardPage, IsAWholeHtmlDocument) {
    const std::string_view page = dashboard_html();
    ASSERT_GT(page.size(), 200U);
    EXPECT_EQ(page.substr(0, 15), "<!DOCTYPE html>");
    EXPECT_NE(page.find("</html>"), std::string_view::npos);
    EXPECT_NE(page.find("<meta charset=\"utf-8\">"), std::string_view::npos);
    EXPECT_NE(page.find("name=\"viewport\""), std::string_view::npos);
}

TEST(DashboardPage, LoadsNothingFromAnotherHost) {
    const std::string_view page = dashboard_html();
    for (const std::string_view scheme : {"http://", "https://", "//cdn", "src=\"//"}) {
        EXPECT_EQ(page.find(scheme), std::string_view::npos) << scheme;
    }
    // Scripts and styles are inline: no src= on a script, no stylesheet link.
    EXPECT_EQ(page.find("<script src"), std::string_view::npos);
    EXPECT_EQ(page.find("rel=\"stylesheet\""), std::string_view::npos);
}

TEST(DashboardPage, HasTheIdsTheBrowserTestUses) {
    const std::string_view page = dashboard_html();
    for (const std::string_view id :
         {"fleet-name", "token", "token-save", "message", "rooms", "directory", "bandwidth"}) {
        const std::string attribute = "id=\"" + std::string(id) + "\"";
        EXPECT_NE(page.find(attribute), std::string_view::npos) << attribute;
    }
}

TEST(DashboardPage, NeverUsesCookies) {
    // The token travels only as an Authorization header (no cookie, so no CSRF exposure).
    EXPECT_EQ(dashboard_html().find("document.cookie"), std::string_view::npos);
}

} // namespace
