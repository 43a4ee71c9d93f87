#!/usr/bin/env python3
"""Checks every #include in the layered folders against the layer table of
docs/architecture.md: a folder may include only itself, the folders below it,
and the external libraries its layer owns."""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

# folder -> (project folders it may include, external header prefixes it may include)
LAYERS = {
    "base": (set(), set()),
    "proto": ({"base"}, set()),
    "io": ({"base"}, {"uv.h", "microhttpd.h"}),
    "config": ({"base"}, {"yaml-cpp/"}),
    "recorder": ({"base"}, set()),
    "control": ({"base", "io"}, {"nlohmann/"}),
    "directory": ({"base", "proto", "io", "control"}, {"nlohmann/", "sqlite3.h"}),
    "mixer-worker": ({"base", "proto", "io", "control", "recorder"}, {"nlohmann/", "opus/", "opus_custom.h", "opus.h"}),
    "metrics": ({"base"}, {"nlohmann/"}),
    "orchestrator": ({"base", "proto", "config", "io", "control", "metrics"}, {"nlohmann/"}),
    "web": ({"base", "io", "control", "metrics"}, {"nlohmann/"}),
}
# External headers owned by one layer; anything else in <> is the standard library or the OS.
GUARDED = {"uv.h", "microhttpd.h", "yaml-cpp/", "nlohmann/", "sqlite3.h", "opus/", "opus_custom.h", "opus.h", "gtest/", "gmock/"}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def check_file(folder: str, path: pathlib.Path) -> list[str]:
    allowed_dirs, allowed_ext = LAYERS[folder]
    errors = []
    for lineno, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
        m = INCLUDE.match(line)
        if not m:
            continue
        kind, target = m.groups()
        where = f"{path.relative_to(ROOT)}:{lineno}"
        if kind == '"':
            top = target.split("/", 1)[0]
            if "/" not in target:
                errors.append(f"{where}: include \"{target}\" must name its folder")
            elif top != folder and top not in allowed_dirs:
                errors.append(f"{where}: {folder}/ may not include {target} (layer rule)")
        else:
            guarded = next((g for g in GUARDED if target == g or (g.endswith("/") and target.startswith(g))), None)
            if guarded and guarded not in allowed_ext:
                errors.append(f"{where}: {folder}/ may not include <{target}> (layer rule)")
    return errors


def main() -> int:
    errors = []
    count = 0
    for folder in LAYERS:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in (".h", ".cpp"):
                count += 1
                errors.extend(check_file(folder, path))
    for e in errors:
        print(e, file=sys.stderr)
    print(f"check-layers: {count} files, {len(errors)} violations")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
