# Summaries and the Markdown report of bench/run (see there): medians per load point,
# ratios ours/Jamulus, headroom and 2-core capacity, one table per server and mix kind.
import statistics


def median_of(runs, path):
    values = []
    for run in runs:
        v = run
        for key in path:
            v = v.get(key) if isinstance(v, dict) else None
        if isinstance(v, (int, float)):
            values.append(float(v))
    return statistics.median(values) if values else None


def summarize_point(runs):
    good = [r for r in runs if "error" not in r]
    return {
        "ok_runs": len(good),
        "errors": [r["error"] for r in runs if "error" in r],
        "cpu_ms_per_client_s": median_of(good, ["server_process", "cpu_ms_per_client_second"]),
        "cpu_percent": median_of(good, ["server_process", "cpu_percent"]),
        "rss_kb_loaded": median_of(good, ["server_process", "rss_kb_loaded"]),
        "late_or_lost_ratio": median_of(good, ["rx", "late_or_lost_ratio"]),
        "packets_per_s_median": median_of(good, ["rx", "packets_per_s_per_client", "median"]),
        "jitter_p99_us": median_of(good, ["rx", "jitter_us", "p99"]),
        "audio_ok_runs": sum(1 for r in good if r.get("audio_check", {}).get("ok")),
        # CPU per frame actually delivered: comparable even when a server falls behind.
        "cpu_us_per_frame": median_of(
            [{"v": 1e6 * r["server_process"]["cpu_s"] / r["rx"]["frames_received"]}
             for r in good if r.get("server_process", {}).get("cpu_s") is not None
             and r["rx"].get("frames_received")], ["v"]),
        "load_cpu_s": median_of(good, ["load_generator_cpu_s"]),
    }


def fmt(v, digits=2, scale=1.0):
    return "–" if v is None else f"{v * scale:.{digits}f}"


def ratio(a, b):
    return None if a is None or b in (None, 0) else a / b


def headroom(server_result, limit=0.001):
    """Largest N whose median late-or-lost ratio is under 0.1 % (and got audio)."""
    best = 0
    for n, p in server_result.get("points", {}).items():
        r = p.get("late_or_lost_ratio")
        if r is not None and r < limit and p.get("audio_ok_runs", 0) > 0:
            best = max(best, int(n))
    return best


def capacity(server_result, cores=2):
    """Clients two dedicated cores would carry at the per-client cost measured at the
    largest N the server still served with < 1 % late/lost (cost falls with N)."""
    n = headroom(server_result, 0.01)
    cost = server_result.get("points", {}).get(n, {}).get("cpu_ms_per_client_s")
    return (n, None) if not cost else (n, cores * 1000.0 / cost)


def mixer_section(results, frames, mixes, clients):
    by = {m["server"]: m for m in results}
    theirs = by.get("jamulus", {})
    mode = "-F, 64-sample" if frames == 64 else "128-sample"
    what = ("default faders (identical mixes)" if mixes == "shared" else
            "personal mixes (every client lowers its own channel: no two mixes alike)")
    lines = [f"## Mixer, {mode} frames, {what}", ""]
    for name, res in by.items():
        if res.get("error"):
            lines.append(f"- {name}: **{res['error']}**")
    for kind, ours in by.items():
        if kind == "jamulus":
            continue
        lines += [f"### {kind} ({' '.join(ours.get('argv', [])[1:])}) vs Jamulus 3.9.1", "",
                  "| N | CPU ms per client·s: ours | Jamulus | ratio | CPU µs per delivered frame: "
                  "ours | Jamulus | ratio | late/lost %: ours | Jamulus "
                  "| pkt/s per client: ours | Jamulus | audio ok: ours | Jamulus | RSS MB loaded: "
                  "ours | Jamulus |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for n in clients:
            o = ours.get("points", {}).get(n, {})
            t = theirs.get("points", {}).get(n, {})
            lines.append(
                f"| {n} | {fmt(o.get('cpu_ms_per_client_s'))} | {fmt(t.get('cpu_ms_per_client_s'))} "
                f"| {fmt(ratio(o.get('cpu_ms_per_client_s'), t.get('cpu_ms_per_client_s')))} "
                f"| {fmt(o.get('cpu_us_per_frame'), 1)} | {fmt(t.get('cpu_us_per_frame'), 1)} "
                f"| {fmt(ratio(o.get('cpu_us_per_frame'), t.get('cpu_us_per_frame')))} "
                f"| {fmt(o.get('late_or_lost_ratio'), 3, 100)} "
                f"| {fmt(t.get('late_or_lost_ratio'), 3, 100)} "
                f"| {fmt(o.get('packets_per_s_median'), 1)} | {fmt(t.get('packets_per_s_median'), 1)} "
                f"| {o.get('audio_ok_runs', '–')}/{o.get('ok_runs', '–')} "
                f"| {t.get('audio_ok_runs', '–')}/{t.get('ok_runs', '–')} "
                f"| {fmt(o.get('rss_kb_loaded'), 1, 1 / 1024)} "
                f"| {fmt(t.get('rss_kb_loaded'), 1, 1 / 1024)} |")
        cap_n, cap = capacity(ours)
        tcap_n, tcap = capacity(theirs) if theirs else (0, None)
        lines += ["",
                  f"Idle RSS: ours {fmt(ours.get('rss_kb_idle'), 1, 1 / 1024)} MB, Jamulus "
                  f"{fmt(theirs.get('rss_kb_idle'), 1, 1 / 1024)} MB. Headroom (largest N with "
                  f"late/lost < 0.1 %): ours {headroom(ours)}, Jamulus "
                  f"{headroom(theirs) if theirs else '–'}; with < 1 %: ours "
                  f"{headroom(ours, 0.01)}, Jamulus "
                  f"{headroom(theirs, 0.01) if theirs else '–'}. Two dedicated cores at the "
                  f"per-client cost measured at N={cap_n}: ours ≈ {fmt(cap, 0)} clients, Jamulus "
                  f"(at N={tcap_n}) ≈ {fmt(tcap, 0)}.", ""]
    return lines


def markdown(report):
    lines = [f"# jamfleet benchmark — {report['started']}", "",
             f"Command: `{report['command']}`  ",
             f"Host: {report['host']['cpus']} CPUs, kernel {report['host']['kernel']}, "
             f"netns: {report['netns']}. Stereo, high quality, {report['args']['runs']} run(s) per "
             f"point (medians), warm-up {report['args']['warmup']} s, window "
             f"{report['args']['duration']} s, servers and load generators at nice "
             f"{report['args']['nice']}.", ""]
    mixers = report.get("mixer", [])
    for frames in report["args"]["frames"]:
        for mixes in report["args"].get("mixes", ["shared"]):
            lines += mixer_section([m for m in mixers if m["frames"] == frames
                                    and m.get("mixes", "shared") == mixes], frames, mixes,
                                   report["args"]["clients"])
    dirs = report.get("directory", [])
    if dirs:
        lines += ["## Directory", "",
                  "| directory | 149 registrations acked (ms) | list entries | list requests "
                  "offered/s | lists served/s | CPU % during list load | idle RSS MB |",
                  "|---|---|---|---|---|---|---|"]
        for d in dirs:
            if d.get("error") and not d.get("list"):
                lines.append(f"| {d['directory']} | **{d['error']}** | | | | | |")
                continue
            reg = d.get("register", {})
            for lst in d.get("list", []):
                lines.append(f"| {d['directory']} | {fmt(reg.get('all_acked_ms'), 1)} "
                             f"({reg.get('acked', '–')}/{reg.get('servers', '–')}) "
                             f"| {d.get('list_check', {}).get('entries', '–')} "
                             f"| {fmt(lst.get('requests_per_s'), 0)} "
                             f"| {fmt(lst.get('lists_per_s'), 0)} "
                             f"| {fmt(lst.get('server_cpu_percent'), 1)} "
                             f"| {fmt(d.get('rss_kb_idle'), 1, 1 / 1024)} |")
        lines.append("")
    return "\n".join(lines) + "\n"
