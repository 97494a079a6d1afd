#!/usr/bin/env python3
"""Load test (issue 6, item 4): many real clients syncing against one `fieldnotes serve`.

Each client is its own store and user, driven only by `fieldnotes` processes in a loop: add a
few notes, sometimes edit a note another researcher wrote (so merges and conflicts happen under
load and the server verifies merge revisions), then `fieldnotes sync`. After the time is up
every store syncs twice, in turn, and the script checks:

  * 0 failed syncs (any exit code but 0) and 0 failed adds/edits;
  * 0 lost notes: every note ever added is on the server and in every store, `list --json` is
    identical in every store, and every store holds exactly the server's revisions;
  * no 5xx in the server log, the server still running;
  * the server's peak resident memory (VmHWM) under --max-rss-mib;

and reports the p50/p90/p99 wall time of a `fieldnotes sync` process (and the server-side
times of push and pull from its log). Then `wrk` measures GET /v1/health and GET /v1/pull (an
up-to-date client's pull, and a page of 100 revisions from 0) with the Authorization header,
requiring 0 non-2xx responses and 0 socket errors.

    python3 Tests/Reliability/load.py                 # 50 clients for 60 s, wrk 15 s per endpoint
    python3 Tests/Reliability/load.py --quick         # 10 clients for 15 s, wrk 5 s per endpoint
    python3 Tests/Reliability/load.py --bin .build/debug/fieldnotes --clients 20 --duration 30

Exit status 0 when every check passed, 1 otherwise.
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile_common import Server, Store, Workdir, find_binary, percentile  # noqa: E402

KOMMUNER = ["Hørsholm", "Middelfart", "Aarhus", "København", "Odense", "Aalborg", "Esbjerg", "Vejle"]
THEMES = ["ejerskab", "brobyggere"]
LOG_LINE = re.compile(r"^\S+ (\S+) (\S+) (\S+) (\d{3}) ([0-9.]+)ms (\d+)B$")


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.sync_times = []
        self.sync_failures = []
        self.op_failures = []
        self.added = {}          # note id -> author
        self.synced_at = {}      # note id -> monotonic time its creator's sync finished
        self.edits = 0
        self.pushed = self.pulled = self.merged = self.conflicts = 0


def client_loop(index, store, stats, deadline, seed):
    rng = random.Random(seed * 1000 + index)
    mine = []
    round_number = 0
    while time.monotonic() < deadline:
        round_number += 1
        try:
            for _ in range(rng.randint(1, 3)):
                kommune = rng.choice(KOMMUNER)
                note = store.add("%s runde %d" % (store.author, round_number),
                                 "Observation fra %s.\n\nAfsnit to, runde %d." % (kommune, round_number),
                                 kommune=kommune, extra=("--sdg", str(rng.randint(1, 17))))
                mine.append(note)
                with stats.lock:
                    stats.added[note] = store.author
        except Exception as error:  # noqa: BLE001 - every failure is a finding
            with stats.lock:
                stats.op_failures.append("client %d add: %s" % (index, error))
        sync_started = time.monotonic()
        seconds, result = store.sync()
        with stats.lock:
            stats.sync_times.append(seconds)
            if result.returncode != 0:
                stats.sync_failures.append("client %d exit %d: %s" % (index, result.returncode,
                                                                       result.stderr.strip()[:300]))
                continue
            summary = json.loads(result.stdout)
            stats.pushed += summary["pushed"]
            stats.pulled += summary["pulled"]
            stats.merged += summary["merged"]
            stats.conflicts = max(stats.conflicts, summary["conflicts"])
            now = time.monotonic()
            for note in mine:
                stats.synced_at.setdefault(note, now)
            # Notes whose creator had finished a sync before ours began are certainly in our store.
            others = [n for n, t in stats.synced_at.items() if t < sync_started and stats.added[n] != store.author]
        if others and rng.random() < 0.35:
            # Half the edits go to the oldest notes, so several researchers edit the same note
            # between syncs and the sync has to merge (and sometimes keep a conflict).
            target = rng.choice(others[:8] if rng.random() < 0.5 else others)
            change = rng.choice([
                ("--add-theme", rng.choice(THEMES)),
                ("--title", "%s retter titlen" % store.author),
                ("--add-sdg", str(rng.randint(1, 17))),
                ("--add-level", rng.choice(["virksomhed", "forsyning", "hele-kommunen"])),
            ])
            result = store.run("edit", *change, target, check=False)
            with stats.lock:
                if result.returncode == 0:
                    stats.edits += 1
                elif "Nothing to change" not in result.stderr:  # the value was already there: exit 1 by design
                    stats.op_failures.append("client %d edit %s: exit %d: %s" % (index, target[:8], result.returncode,
                                                                             result.stderr.strip()))


def run_wrk(url, seconds, connections, threads, header=None):
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wrk_report.lua")
    args = ["wrk", "-t%d" % threads, "-c%d" % connections, "-d%ds" % seconds, "--timeout", "10s",
            "-s", script]
    if header:
        args += ["-H", header]
    out = subprocess.run(args + [url], capture_output=True, text=True, timeout=seconds + 60).stdout
    match = re.search(r"^WRK_JSON (.*)$", out, re.M)
    if not match:
        raise RuntimeError("wrk printed no summary:\n" + out)
    figures = json.loads(match.group(1))
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def server_log_figures(path):
    statuses = {}
    times = {"push": [], "pull": []}
    with open(path, errors="replace") as log:
        for line in log:
            match = LOG_LINE.match(line.strip())
            if not match:
                continue
            _, method, route, status, ms, _ = match.groups()
            statuses[status] = statuses.get(status, 0) + 1
            if route == "/v1/push" and status == "200":
                times["push"].append(float(ms))
            elif route == "/v1/pull" and status == "200":
                times["pull"].append(float(ms))
    return statuses, times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10 clients, 15 s, wrk 5 s per endpoint")
    parser.add_argument("--clients", type=int)
    parser.add_argument("--duration", type=float, help="seconds of client load (at most 60)")
    parser.add_argument("--wrk-duration", type=int)
    parser.add_argument("--wrk-connections", type=int, default=50)
    parser.add_argument("--max-rss-mib", type=float, default=512.0)
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    parser.add_argument("--bin", help="the fieldnotes binary")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    clients = args.clients or (10 if args.quick else 50)
    duration = min(args.duration or (15 if args.quick else 60), 60)
    wrk_seconds = args.wrk_duration or (5 if args.quick else 15)
    binary = find_binary(args.bin)
    failures = []
    print("load: %d clients for %.0f s, seed %d, binary %s" % (clients, duration, args.seed, binary))

    with Workdir("fieldnotes-load-", keep=args.keep) as work:
        server = Server(binary, work).start()
        try:
            started = time.monotonic()
            names = ["forsker%02d" % i for i in range(clients)]
            with ThreadPoolExecutor(max_workers=4) as pool:
                tokens = list(pool.map(server.add_user, names))
                stores = [Store(binary, os.path.join(work, "%s.sqlite" % n), n) for n in names]
                list(pool.map(lambda st_tok: st_tok[0].init(server.url, st_tok[1]), zip(stores, tokens)))
            print("  setup: server on port %d, %d users and stores in %.1f s"
                  % (server.port, clients, time.monotonic() - started))

            # --- concurrent load ---
            stats = Stats()
            rss_samples = []
            stop_sampling = threading.Event()

            def sample():
                while not stop_sampling.wait(0.5):
                    try:
                        rss_samples.append((server.rss_kib(), server.threads()))
                    except (OSError, TypeError):
                        return

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            deadline = time.monotonic() + duration
            load_start = time.monotonic()
            threads = [threading.Thread(target=client_loop, args=(i, s, stats, deadline, args.seed))
                       for i, s in enumerate(stores)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            load_seconds = time.monotonic() - load_start
            stop_sampling.set()
            sampler.join()
            syncs = len(stats.sync_times)
            print("  load: %d syncs in %.1f s (%.1f syncs/s), %d notes added, %d edits of others' notes"
                  % (syncs, load_seconds, syncs / load_seconds, len(stats.added), stats.edits))
            print("        pushed %d, pulled %d, merged %d revisions; up to %d open conflicts in a store"
                  % (stats.pushed, stats.pulled, stats.merged, stats.conflicts))
            print("  sync wall time (whole `fieldnotes sync` process): p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms"
                  % tuple(1000 * percentile(stats.sync_times, p) for p in (50, 90, 99, 100)))
            print("  failed syncs: %d, failed adds/edits: %d" % (len(stats.sync_failures), len(stats.op_failures)))
            for failure in (stats.sync_failures + stats.op_failures)[:10]:
                print("    " + failure)
            if stats.sync_failures:
                failures.append("%d failed syncs" % len(stats.sync_failures))
            if stats.op_failures:
                failures.append("%d failed adds/edits" % len(stats.op_failures))

            # --- every store syncs twice, in turn ---
            final_failures = 0
            for round_number in (1, 2):
                for store in stores:
                    _, result = store.sync()
                    if result.returncode != 0:
                        final_failures += 1
                        print("    final sync %d of %s failed: %s" % (round_number, store.author, result.stderr.strip()))
            if final_failures:
                failures.append("%d failed final syncs" % final_failures)

            # --- nothing lost ---
            added = set(stats.added)
            server_docs = set(server.sql("SELECT DISTINCT doc FROM revisions WHERE kind = 'note'").split())
            server_revisions = set(server.sql("SELECT id FROM revisions").split())
            missing_on_server = added - server_docs
            reference = None
            differing = missing_in_stores = revision_mismatch = 0
            for store in stores:
                notes = store.notes()
                ids = {n["id"] for n in notes}
                missing_in_stores += len(added - ids)
                if reference is None:
                    reference = notes
                elif notes != reference:
                    differing += 1
                if store.revision_ids() != server_revisions:
                    revision_mismatch += 1
            print("  after 2 final syncs each: %d notes added, server has %d notes and %d revisions;"
                  % (len(added), len(server_docs), len(server_revisions)))
            print("    lost notes: server %d, stores %d; stores whose list --json differs: %d; "
                  "stores whose revisions differ from the server's: %d"
                  % (len(missing_on_server), missing_in_stores, differing, revision_mismatch))
            if missing_on_server or missing_in_stores:
                failures.append("lost notes")
            if differing:
                failures.append("%d stores did not converge" % differing)
            if revision_mismatch:
                failures.append("%d stores hold other revisions than the server" % revision_mismatch)

            # --- wrk ---
            token = tokens[0]
            # An up-to-date client's checkpoint: the newest revision on the server.
            row = server.sql("SELECT seq, id FROM revisions ORDER BY seq DESC LIMIT 1").strip().split("|")
            head = {"next": int(row[0]), "last": row[1]}
            auth = "Authorization: Bearer " + token
            endpoints = [
                ("GET /v1/health", server.url + "/v1/health", None),
                ("GET /v1/pull (up to date)", "%s/v1/pull?since=%d&after=%s" % (server.url, head["next"], head["last"]), auth),
                ("GET /v1/pull (100 revisions)", server.url + "/v1/pull?since=0&limit=100", auth),
            ]
            for label, url, header in endpoints:
                figures = run_wrk(url, wrk_seconds, args.wrk_connections, 2, header)
                errors = figures["connect_errors"] + figures["read_errors"] + figures["write_errors"] + figures["timeouts"]
                print("  wrk %-28s %6.0f req/s, latency mean %.2f ms, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.1f ms; "
                      "%d requests, non-2xx %d, socket errors %d (%d connections, %d s)"
                      % (label + ":", figures["rps"], figures["lat_mean_us"] / 1000,
                         figures["lat_p50_us"] / 1000, figures["lat_p90_us"] / 1000,
                         figures["lat_p99_us"] / 1000, figures["lat_max_us"] / 1000, figures["requests"],
                         figures["non2xx"], errors, args.wrk_connections, wrk_seconds))
                if figures["non2xx"] or errors:
                    failures.append("wrk %s: %d non-2xx, %d socket errors" % (label, figures["non2xx"], errors))
                if figures["requests"] == 0:
                    failures.append("wrk %s: no requests" % label)

            # --- server health and memory ---
            alive = server.alive()
            peak = server.peak_rss_kib() if alive else None
            statuses, times = server_log_figures(server.log_path)
        finally:
            server.stop()
        if not alive:
            failures.append("the server died")
        else:
            max_rss = max((s[0] for s in rss_samples), default=0)
            max_threads = max((s[1] for s in rss_samples), default=0)
            print("  server memory: peak RSS (VmHWM) %.1f MiB over the whole run; during client load max RSS %.1f MiB, "
                  "max %d threads" % (peak / 1024, max_rss / 1024, max_threads))
            if peak / 1024 > args.max_rss_mib:
                failures.append("server peak RSS %.1f MiB over %.0f MiB" % (peak / 1024, args.max_rss_mib))
        print("  server log: %s" % ", ".join("%s: %d" % kv for kv in sorted(statuses.items())))
        for route in ("push", "pull"):
            if times[route]:
                print("  server time of %s: p50 %.1f ms, p99 %.1f ms over %d requests"
                      % (route, percentile(times[route], 50), percentile(times[route], 99), len(times[route])))
        server_errors = sum(n for s, n in statuses.items() if s.startswith("5"))
        if server_errors:
            failures.append("%d 5xx responses in the server log" % server_errors)

    if failures:
        print("load: FAILED: " + "; ".join(failures))
        return 1
    print("load: ok (failures: 0, lost notes: 0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
