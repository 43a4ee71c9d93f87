// Counts heap allocations (global operator new, any thread) inside a window, for the
// tests proving the real-time paths allocate nothing. Linking counting_new.cpp into a
// test executable replaces that executable's global operator new.
#pragma once

#include <cstdint>

namespace jamfleet::test_support {

// Opens the counting window with the count at zero.
void start_counting_allocations();
// Closes the window; returns the allocations made while it was open.
std::uint64_t stop_counting_allocations();

} // namespace jamfleet::test_support
