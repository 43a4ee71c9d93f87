#!/usr/bin/env python3
"""Prints, for each failed test of one or more meson build folders, the lines that
say why: GoogleTest's failure messages with a few lines of context, else the end
of its output. test.sh prints this digest last, so a CI log that keeps only its
tail still names the failing assertion."""
import json
import pathlib
import sys

FAILED = ("FAIL", "TIMEOUT", "ERROR", "UNEXPECTEDPASS")
MAX_LINES_PER_TEST = 60
CONTEXT_AFTER = 6


def interesting(lines: list[str]) -> list[str]:
    """GoogleTest failure lines (file:line: Failure, [  FAILED  ]) with what follows
    them; duplicates of the closing summary are dropped."""
    keep: list[str] = []
    budget = 0
    for line in lines:
        starts = "Failure" in line or line.startswith("[  FAILED  ]") or "terminate called" in line
        if starts:
            budget = CONTEXT_AFTER
        if budget > 0:
            if not keep or keep[-1] != line:
                keep.append(line)
            budget -= 1
    return keep


def digest(build: pathlib.Path) -> list[str]:
    log = build / "meson-logs" / "testlog.json"
    if not log.is_file():
        return []
    out: list[str] = []
    for raw in log.read_text(errors="replace").splitlines():
        try:
            result = json.loads(raw)
        except json.JSONDecodeError:
            continue
        if result.get("result") not in FAILED:
            continue
        lines = (result.get("stdout") or "").splitlines()
        lines += (result.get("stderr") or "").splitlines()
        picked = interesting(lines) or lines[-25:]
        if len(picked) > MAX_LINES_PER_TEST:
            picked = picked[: MAX_LINES_PER_TEST - 1] + [f"... ({len(picked)} lines in all)"]
        out.append(f"--- {build.name}: {result.get('name')} ({result.get('result')}, "
                   f"{result.get('duration', 0):.0f} s)")
        out += ["  " + line[:300] for line in picked]
    return out


def main() -> int:
    lines: list[str] = []
    for folder in sys.argv[1:]:
        lines += digest(pathlib.Path(folder))
    if lines:
        print("test.sh: why the failed tests failed (full logs in <build>/meson-logs/testlog.txt):")
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
