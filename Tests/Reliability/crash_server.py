#!/usr/bin/env python3
"""Issue 6, item 2: crash loop on the server side.

A real `fieldnotes serve` is killed with SIGKILL 20 times while clients sync concurrently, each
time just after it answered a push (even kills) or a pull (odd kills) plus a random delay, so the
kill lands in the middle of the following pushes and pulls; it is restarted on the same database
(and the same port; if the port cannot be had, the clients get the new URL with `remote set`).
Each client (its own store and author) imports new notes, edits notes that both hold and syncs, in
a loop. Afterwards every store syncs to completion twice and the checks of crash_client.py apply:
every revision exactly once and the same everywhere, every note present, `list --json` identical,
`PRAGMA integrity_check` ok on the server (also after every kill) and both stores.

    python3 Tests/Reliability/crash_server.py --fieldnotes .build/release/fieldnotes [--kills 20] [--notes 3000] [--seed N]
    python3 Tests/Reliability/crash_server.py --fieldnotes .build/debug/fieldnotes --quick
"""

from __future__ import annotations

import os
import random
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fnrel  # noqa: E402
from fnrel import Failure, log  # noqa: E402

# Exit codes a sync may end with while the server is being killed: done, or "server unreachable,
# your notes are safe locally". Anything else is a finding.
EXPECTED_DURING_FAULTS = {0, 3}


class Client(threading.Thread):
    """One researcher syncing in a loop: import a few notes, edit a few shared ones, sync."""

    def __init__(self, store: fnrel.Store, server: fnrel.Server, seed: int, per_loop: int, expected: set[str],
                 lock: threading.Lock, stop: threading.Event, failures: list[str], verbose: bool):
        super().__init__(daemon=True)
        self.store, self.server, self.rng = store, server, random.Random(seed)
        self.per_loop, self.expected, self.lock, self.stop_event = per_loop, expected, lock, stop
        self.failures, self.verbose = failures, verbose
        self.syncs = 0
        self.outcomes: dict[str, int] = {}
        self.in_flight = False
        self.imported = 0
        self.edits = 0
        self.batch = 0

    def record(self, key: str) -> None:
        with self.lock:
            self.outcomes[key] = self.outcomes.get(key, 0) + 1

    def run(self) -> None:
        try:
            while not self.stop_event.is_set():
                self.step()
        except Failure as error:
            with self.lock:
                self.failures.append(f"client {self.store.name}: {error}")
        except Exception as error:  # noqa: BLE001 - a broken test thread must fail the test, not hang it
            with self.lock:
                self.failures.append(f"client {self.store.name}: {type(error).__name__}: {error}")

    def step(self) -> None:
        store, rng = self.store, self.rng
        self.batch += 1
        notes = [fnrel.random_note(rng) for _ in range(self.per_loop)]
        path = fnrel.write_jsonl(store.home + f"/loop-{self.batch}.jsonl", notes)
        store.ok("import", path)
        os.remove(path)
        with self.lock:
            self.expected.update(note["id"] for note in notes)
        self.imported += len(notes)
        # Edit notes written by others (pulled), so that syncs also merge.
        ids = fnrel.sqlite_lines(store.path, f"SELECT id FROM notes WHERE deleted = 0 AND author != '{store.author}' "
                                             "ORDER BY id LIMIT 2000")
        for note_id in rng.sample(ids, min(2, len(ids))):
            if rng.random() < 0.5:
                store.ok("edit", note_id, f"--add-theme={rng.choice(fnrel.THEMES)}", f"--title={fnrel.words(rng, 3)} ({store.name})")
            else:
                body = store.ok("show", note_id, "--json").json()["body"]
                store.ok("edit", note_id, f"--body={body}\n{fnrel.words(rng, 10)} ({store.name}).")
            self.edits += 1
        if store.url != self.server.url:
            # The server came back on another port.
            result = store.run("remote", "set", self.server.url, "--token", store.token)
            if result.code == 0:
                store.url = self.server.url
        self.in_flight = True
        try:
            result = store.run("sync", "--json", timeout=180)
        finally:
            self.in_flight = False
        self.syncs += 1
        first = (result.err.strip().split("\n") or [""])[0]
        if result.code == 0:
            self.record("0 ok")
        else:
            self.record(f"{result.code} {summarize(first)}")
            if result.code not in EXPECTED_DURING_FAULTS:
                with self.lock:
                    self.failures.append(f"client {store.name}: sync exited {result.code} while the server was being killed: {result!r}")
            if not first.startswith("Error: "):
                with self.lock:
                    self.failures.append(f"client {store.name}: a failed sync gave no clear 'Error: ...' line: {result!r}")
        if self.verbose:
            log(f"  {store.name}: sync -> {result.code} {result.out.strip()} {first[:100]}")


def summarize(line: str) -> str:
    """An error line without its varying parts: its reason in parentheses if it has one, numbers as N."""
    import re
    reason = re.search(r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)", line)
    text = reason.group(1) if reason else line
    text = re.sub(r"https?://\S+", "URL", text)
    return re.sub(r"\d+", "N", text)[:120]


def main() -> int:
    parser = fnrel.common_arguments(__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, help="times the server is killed (default 20; quick 6)")
    parser.add_argument("--notes", type=int, help="unsynced notes per store at the start (default 3000; quick 300)")
    parser.add_argument("--per-loop", type=int, help="notes each client imports before each sync (default 200; quick 30)")
    parser.add_argument("--clients", type=int, default=2, help="concurrent clients, each with its own store (default 2)")
    args = parser.parse_args()
    binary = fnrel.resolve_binary(args.fieldnotes)
    kills = args.kills if args.kills is not None else (6 if args.quick else 20)
    notes = args.notes if args.notes is not None else (300 if args.quick else 3000)
    per_loop = args.per_loop if args.per_loop is not None else (30 if args.quick else 200)
    seed = fnrel.new_seed(args.seed)
    rng = random.Random(seed)
    started = time.monotonic()
    log(f"crash_server: seed {seed}, {kills} kills, {args.clients} clients, {notes} notes per store, "
        f"{per_loop} more per sync, binary {binary}")

    failures: list[str] = []
    figures: dict = {"kills": kills}
    stop = threading.Event()
    lock = threading.Lock()
    clients: list[Client] = []
    with fnrel.Harness(binary, "crash-server", keep=args.keep, verbose=args.verbose) as h:
        try:
            server = fnrel.Server(h, h.path("server.sqlite"))
            server.start(0)
            names = ["anna", "bo", "carl", "dorte", "ejnar", "freja"]
            stores = [fnrel.Store(h, names[i % len(names)] + ("" if i < len(names) else str(i))) for i in range(args.clients)]
            expected: set[str] = set()
            for store in stores:
                store.set_remote(server.url, server.add_user(store.author))
                batch = [fnrel.random_note(rng) for _ in range(notes)]
                store.ok("import", fnrel.write_jsonl(store.home + "/initial.jsonl", batch))
                expected.update(note["id"] for note in batch)
            ever_seen: set[str] = set()
            clients = [Client(store, server, rng.randrange(2**31), per_loop, expected, lock, stop, failures, args.verbose)
                       for store in stores]
            for client in clients:
                client.start()

            kill_moments: dict[str, int] = {}
            in_flight_kills = 0
            integrity_after_kill = 0
            downtime_total = 0.0
            for kill in range(kills):
                mode = "push" if kill % 2 == 0 else "pull"
                needle = b" POST /v1/push " if mode == "push" else b" GET /v1/pull "
                offset = os.path.getsize(server.log_path)
                deadline = time.monotonic() + 30
                seen = False
                while time.monotonic() < deadline and not seen:
                    with open(server.log_path, "rb") as handle:
                        handle.seek(offset)
                        seen = needle in handle.read()
                    if not seen:
                        time.sleep(0.001)
                    if any(not client.is_alive() for client in clients):
                        raise Failure("a client thread stopped early")
                moment = f"after a {mode}" if seen else "at a random time"
                time.sleep(rng.uniform(0.0, 0.04))
                busy = sum(1 for client in clients if client.in_flight)
                server.kill9()
                kill_moments[moment] = kill_moments.get(moment, 0) + 1
                if busy:
                    in_flight_kills += 1
                check = fnrel.integrity(server.db)
                if check != "ok":
                    failures.append(f"kill {kill + 1}: server integrity_check after the kill: {check[:200]}")
                else:
                    integrity_after_kill += 1
                downtime = rng.choice([0.0, 0.0, rng.uniform(0.05, 0.6)])
                time.sleep(downtime)
                downtime_total += downtime
                old_port = server.port
                server.start()
                revisions = fnrel.sqlite(server.db, "SELECT count(*) FROM revisions")
                # Let it serve for a while, so that some syncs complete between the kills.
                time.sleep(rng.uniform(0.1, 0.5) if args.quick else rng.uniform(0.2, 1.5))
                log(f"kill {kill + 1:2}/{kills} {moment:17} with {busy} sync(s) in flight; restarted "
                    f"{'on the same port' if server.port == old_port else f'on port {server.port}'} after "
                    f"{downtime * 1000:.0f} ms down; server holds {revisions} revisions")

            # Let the clients finish the sync in progress, then sync to completion, each store twice.
            stop.set()
            for client in clients:
                client.join(timeout=300)
                if client.is_alive():
                    failures.append(f"client {client.store.name} did not stop")
            for store in stores:
                if store.url != server.url:
                    store.set_remote(server.url, store.token)
            for store in stores:
                ever_seen |= set(store.revision_ids())
            ever_seen |= set(fnrel.revision_ids(server.db))
            fnrel.sync_twice(stores, failures)
            outcomes: dict[str, int] = {}
            for client in clients:
                for key, count in client.outcomes.items():
                    outcomes[key] = outcomes.get(key, 0) + count
            figures.update({
                "kills_by_moment": kill_moments,
                "kills_with_sync_in_flight": in_flight_kills,
                "server_starts": server.starts,
                "port_changes": server.port_changes,
                "server_downtime_seconds": round(downtime_total, 2),
                "server_integrity_ok_after_kill": integrity_after_kill,
                "concurrent_syncs": sum(client.syncs for client in clients),
                "sync_outcomes": outcomes,
                "notes_imported": len(expected),
                "edits": sum(client.edits for client in clients),
            })
            figures.update(fnrel.check_converged(server, stores, expected, ever_seen, failures))
        except Failure as error:
            failures.append(str(error))
        finally:
            stop.set()
            for client in clients:
                client.join(timeout=60)
            figures["cli_processes"] = h.runs
    return fnrel.finish("crash_server", figures, failures, seed, started)


if __name__ == "__main__":
    sys.exit(main())
