// Session, moderation: refusing new addresses that a ban or a private room's
// allow-list excludes, kicking a client, and removing connected clients that a
// new ban or allow-list excludes (docs/moderation.md).
#include "mixer-worker/session.h"
#include "proto/message_id.h"

namespace jamfleet::mixer {

using proto::MessageId;

bool Session::moderation_admits(io::SocketAddress from, base::TimePoint now) {
    switch (moderation_.check(from, now)) {
    case Verdict::Admitted:
        return true;
    case Verdict::Banned:
        drop(DropReason::Banned, from, now);
        return false;
    case Verdict::NotAllowed:
        drop(DropReason::NotAllowed, from, now);
        return false;
    }
    return false;
}

void Session::disconnect_channel(int id, base::TimePoint now) {
    // What Jamulus sends every client when it quits with -d (upstream src/server.cpp,
    // CServer::OnAboutToQuit, tag r3_9_1): a connection-less disconnection.
    send_clm(channels_[static_cast<std::size_t>(id)].address, MessageId::ClmDisconnection, {});
    free_channel(id, now);
}

bool Session::kick(int id, base::Duration ban_for, base::TimePoint now) {
    if (id < 0 || static_cast<std::size_t>(id) >= channels_.size() ||
        !channels_[static_cast<std::size_t>(id)].connected) {
        return false;
    }
    const io::SocketAddress address = channels_[static_cast<std::size_t>(id)].address;
    // Every new ban first forgets the expired ones, so the list stays as long as the live bans.
    moderation_.expire(now);
    if (ban_for > base::Duration::zero()) {
        // The IP, not the address: a client's rejoin comes from a new port after a restart.
        moderation_.ban(AddressRange::single(address), now + ban_for, "kicked");
    }
    log_.info("client kicked",
              {{"id", id},
               {"address", address.to_string()},
               {"ban_seconds", std::chrono::duration_cast<std::chrono::seconds>(ban_for).count()}});
    disconnect_channel(id, now);
    broadcast_client_list(now);
    return true;
}

int Session::enforce_moderation(base::TimePoint now) {
    int removed = 0;
    for (std::size_t i = 0; i < channels_.size(); ++i) {
        const Channel& ch = channels_[i];
        if (ch.connected && moderation_.check(ch.address, now) != Verdict::Admitted) {
            disconnect_channel(static_cast<int>(i), now);
            ++removed;
        }
    }
    if (removed > 0) {
        broadcast_client_list(now);
    }
    return removed;
}

} // namespace jamfleet::mixer
