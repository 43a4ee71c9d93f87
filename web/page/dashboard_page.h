#pragma once

#include <string_view>

namespace jamfleet::web {

// The whole dashboard page (HTML with inline CSS and JavaScript, no external URL), embedded at
// build time from web/page/dashboard.html. Served by jamfleet-web at GET /.
std::string_view dashboard_html();

} // namespace jamfleet::web
