#!/usr/bin/env python3
"""Regenerates the fuzz seed corpora in tests/fuzz/corpus/ from the worked examples
of docs/protocol.md §1.4 and the golden vectors in tests/proto/vectors/*.hex:
one file per distinct (message ID, payload length) for the frame and message
targets, a few operation scripts for the reliable-link target, and one script per
capture (what the clients sent the server) for the session target. The other files
in corpus/ are inputs that longer fuzz runs found to add coverage, merged in with
`<target> -merge=1 tests/fuzz/corpus/<target> <run corpus>`."""
import hashlib
import pathlib
import struct

HERE = pathlib.Path(__file__).resolve().parent
VECTORS = HERE.parent / "proto" / "vectors"
CORPUS = HERE / "corpus"

WORKED_EXAMPLES = [
    "00 00 20 00 00 01 00 00 F9 CC",
    "00 00 01 00 00 02 00 20 00 62 B4",
    "00 00 15 00 03 00 00 6C 70",
    "00 00 14 00 05 13 00 2E 00 00 00 01 00 01 80 BB 00 00 02 00 01 00 00 00 00 00 A4 4A",
    "00 00 E9 03 00 04 00 E8 03 00 00 16 38",
    "00 00 EF 03 00 00 00 18 CB",
    "00 00 F1 03 00 00 00 EA 00",
    "00 00 F2 03 00 00 00 38 EE",
]


def frames():
    out = []
    for hx in WORKED_EXAMPLES:
        out.append(bytes.fromhex(hx))
    for path in sorted(VECTORS.glob("*.hex")):
        for line in path.read_text().splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split()
            if len(parts) >= 3:
                out.append(bytes.fromhex("".join(parts[2:])))
    return out


def is_frame(d):
    return len(d) >= 9 and d[0] == 0 and d[1] == 0 and struct.unpack_from("<H", d, 5)[0] == len(d) - 9


def write(target, data):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def main():
    seen_frame, seen_msg, audio_sizes = set(), set(), set()
    for d in frames():
        if is_frame(d):
            msg_id = struct.unpack_from("<H", d, 2)[0]
            key = (msg_id, len(d))
            if key not in seen_frame:
                seen_frame.add(key)
                write("fuzz_frame", d)
            if key not in seen_msg:
                seen_msg.add(key)
                write("fuzz_messages", d[2:4] + d[7:-2])
        elif len(d) not in audio_sizes:
            audio_sizes.add(len(d))
            write("fuzz_frame", d)
    # Reliable link scripts: op byte (mod 7) then operands, see fuzz_reliable_link.cpp.
    scripts = [
        bytes([0, 18, 0, 0x2C, 0x01, 0x41, 6, 3, 0x90, 0x01, 6]),  # send 300 B, ack, wait
        bytes([4, 1, 0, 18, 0, 0x20, 0x05, 0x41, 6, 6, 6, 6]),  # split on, send 1312 B
        bytes([1, 18, 0, 3, 2, 1, 0, 1, 18, 0, 3, 2, 1, 0]),  # duplicate chat
        bytes([1, 0xD1, 0x07, 1, 6, 18, 0, 2, 0, 1, 2, 1, 0xD1, 0x07, 2, 6, 18, 0, 2, 1, 3, 4]),
        bytes([0, 32, 0, 1, 0, 0, 3, 0x90, 0x01, 3, 0x90, 0x01, 5, 0x5A, 6]),
    ]
    for s in scripts:
        write("fuzz_reliable_link", s)
    write_session_seeds()


def session_seed(lines):
    """One fuzz_session script from a capture: every datagram a client role sent to the
    server (op 0), each followed by a peer step that ACKs what the room sent that
    address (op 3) and, every tenth, a tick 16 ms later (op 2); see fuzz_session.cpp."""
    roles = {}
    out = bytearray()
    for n, (sender, data) in enumerate(lines):
        index = roles.setdefault(sender, len(roles))
        step = bytes([0, index]) + struct.pack("<H", len(data)) + data + bytes([3, index])
        if n % 10 == 9:
            step += bytes([2, index, 0xE8, 0x03])
        if len(out) + len(step) > 4000:
            break
        out += step
    return bytes(out)


def write_session_seeds():
    for path in sorted(VECTORS.glob("*.hex")):
        lines = []
        for line in path.read_text().splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split()
            if len(parts) >= 3 and parts[1] == "server" and parts[0] != "server":
                lines.append((parts[0], bytes.fromhex("".join(parts[2:]))))
        if lines:
            write("fuzz_session", session_seed(lines))


if __name__ == "__main__":
    main()
