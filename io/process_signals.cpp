// ignore_sigpipe (see process_signals.h).
#include "io/process_signals.h"

#include <csignal>

namespace jamfleet::io {

void ignore_sigpipe() {
    std::signal(SIGPIPE, SIG_IGN);
}

} // namespace jamfleet::io
