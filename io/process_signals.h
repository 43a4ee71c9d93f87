// Process-wide signal set-up every jamfleet program's main() calls first.
#pragma once

namespace jamfleet::io {

// Ignores SIGPIPE for the whole process. libuv writes to sockets with write(2),
// which raises SIGPIPE when the peer has gone (a control client that hung up, a
// reset JSON-RPC connection); the default action would kill the process and, for
// the supervisor, every room with it. Ignored, the write fails with EPIPE and
// only that connection closes. Call before any thread starts.
void ignore_sigpipe();

} // namespace jamfleet::io
