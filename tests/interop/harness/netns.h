// Puts the interop test process into its own network namespace holding only a loopback
// interface, so fixed or chosen ports never collide with the machine and nothing leaks out.
#pragma once

#include <string>

namespace jamfleet::interop {

// Calls unshare(CLONE_NEWNET) (falling back to a user namespace when not root) and brings lo up.
// Must run before any thread is started. Returns an empty string on success, else the reason.
std::string enter_private_network_namespace();

// True when JAMFLEET_INTEROP_SHARED_NETNS=1 asks to stay in the machine's namespace (debugging).
bool shared_network_namespace_requested();

} // namespace jamfleet::interop
