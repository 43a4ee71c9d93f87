#!/usr/bin/env python3
# libjamulus_codec_probe.so against real Jamulus: the timing loop runs on Jamulus's own Opus (not
# ours), refuses a host without its own Opus, and does nothing when not asked to.
# Usage: codec_probe_test.py PROBE_SO CODEC_TIMING JAMULUS
import json
import os
import subprocess
import sys

PROBE, TIMING, JAMULUS = sys.argv[1:4]
ARGS = "--frames 128 --sources 2 --encoders 2 --ticks 20"
failures = []


def check(condition, what):
    print(("ok    " if condition else "FAIL  ") + what)
    if not condition:
        failures.append(what)


def run(argv, probe_args=None):
    env = dict(os.environ, LD_PRELOAD=PROBE)
    env.pop("JAMFLEET_CODEC_PROBE", None)
    if probe_args is not None:
        env["JAMFLEET_CODEC_PROBE"] = probe_args
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, cwd="/tmp")


ours = subprocess.run([TIMING] + ARGS.split(), capture_output=True, text=True, timeout=120)
check(ours.returncode == 0, "jamfleet-codec-timing runs")
ours_opus = json.loads(ours.stdout)["opus"]

inside = run([JAMULUS, "-n", "-s"], ARGS)
check(inside.returncode == 0, f"the probe inside Jamulus exits 0 (got {inside.returncode})")
try:
    report = json.loads(inside.stdout)
except json.JSONDecodeError:
    report = {}
check(report.get("opus", ours_opus) != ours_opus,
      f"the calls reach Jamulus's Opus ({report.get('opus')!r}), not ours ({ours_opus!r})")
check(report.get("encoders") == 2 and report.get("sources") == 2, "the arguments were applied")
paced = [r for r in report.get("runs", []) if r.get("mode") == "paced"]
check(len(paced) == 1 and paced[0]["tick_us"] > 0 and paced[0]["encode_us"] > 0,
      "a paced run with positive tick and encode times")

bad_args = run([JAMULUS, "-n", "-s"], ARGS + " --frames 100")
check(bad_args.returncode == 2 and "usage" in bad_args.stderr, "bad arguments: usage, exit 2")

# The probe links no Opus of its own, so in a host without one the dynamic linker already
# refuses it (a host whose Opus comes from a shared library is refused by the probe itself).
no_opus = run(["/bin/true"], ARGS)
check(no_opus.returncode != 0 and "undefined symbol: opus_custom" in no_opus.stderr,
      "a host without its own Opus is refused")

untouched = run([JAMULUS, "--version"])
check(untouched.returncode == 0 and "Jamulus, Version" in untouched.stdout + untouched.stderr and
      '"runs"' not in untouched.stdout, "without the variable Jamulus runs normally")

sys.exit(1 if failures else 0)
