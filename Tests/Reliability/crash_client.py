#!/usr/bin/env python3
"""Issue 6, item 1: crash loop on the client side.

Two stores (authors anna and bo) with a few thousand unsynced notes each and a real
`fieldnotes serve --port 0`. Run after run (alternating stores), new notes are imported and some
notes edited on both stores (so syncs also pull and merge), then `fieldnotes sync` is started and
killed with SIGKILL after a random delay. Afterwards every store syncs to completion twice, and:
every revision is present exactly once on the server and both stores (same sets of ids, none
missing that ever existed anywhere), every note on all three, `list --json` identical on both
stores, `PRAGMA integrity_check` ok on all three databases.

    python3 Tests/Reliability/crash_client.py --fieldnotes .build/release/fieldnotes [--runs 50] [--notes 3000] [--seed N]
    python3 Tests/Reliability/crash_client.py --fieldnotes .build/debug/fieldnotes --quick
"""

from __future__ import annotations

import os
import random
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fnrel  # noqa: E402
from fnrel import Failure, log  # noqa: E402


def main() -> int:
    parser = fnrel.common_arguments(__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, help="sync processes killed (default 50; quick 12); syncs that finish before their kill do not count")
    parser.add_argument("--notes", type=int, help="unsynced notes per store at the start (default 3000; quick 300)")
    parser.add_argument("--per-run", type=int, help="new notes imported before each run (default 300; quick 40)")
    parser.add_argument("--max-delay", type=float, help="initial longest delay before a kill at a random time, seconds (default 0.25)")
    args = parser.parse_args()
    binary = fnrel.resolve_binary(args.fieldnotes)
    runs = args.runs if args.runs is not None else (12 if args.quick else 50)
    notes = args.notes if args.notes is not None else (300 if args.quick else 3000)
    per_run = args.per_run if args.per_run is not None else (40 if args.quick else 300)
    max_delay = args.max_delay if args.max_delay is not None else 0.25
    seed = fnrel.new_seed(args.seed)
    rng = random.Random(seed)
    started = time.monotonic()
    log(f"crash_client: seed {seed}, {runs} runs, {notes} notes per store, {per_run} more per run, binary {binary}")

    failures: list[str] = []
    figures: dict = {"kills_wanted": runs}
    killed = finished = partial = edits = imported = 0
    kill_modes: dict[str, int] = {}
    with fnrel.Harness(binary, "crash-client", keep=args.keep, verbose=args.verbose) as h:
        try:
            server = fnrel.Server(h, h.path("server.sqlite"))
            server.start(0)
            stores = [fnrel.Store(h, "anna"), fnrel.Store(h, "bo")]
            for store in stores:
                store.set_remote(server.url, server.add_user(store.author))
            expected: set[str] = set()
            batch_number = 0

            def import_notes(store: fnrel.Store, count: int) -> None:
                nonlocal batch_number, imported
                batch_number += 1
                batch = [fnrel.random_note(rng) for _ in range(count)]
                path = fnrel.write_jsonl(h.path(f"batch-{batch_number}.jsonl"), batch)
                store.ok("import", path)
                os.remove(path)
                expected.update(note["id"] for note in batch)
                imported += count

            def edit(store: fnrel.Store, *arguments: str) -> None:
                """Runs an edit; random values that happen to equal the current ones change nothing (exit 1, said so)."""
                result = store.run("edit", *arguments)
                if result.code == 1 and result.err.startswith("Error: Nothing to change"):
                    return
                if result.code != 0:
                    raise fnrel.Failure(f"[{store.name}] edit {' '.join(arguments)} exited {result.code}: {result.err}")

            def edit_some(store: fnrel.Store, ids: list[str]) -> None:
                """Edits notes on one store; the same notes are edited on the other store too, so syncs merge."""
                nonlocal edits
                for note_id in ids:
                    choice = rng.randrange(4)
                    if choice == 0:
                        body = store.ok("show", note_id, "--json").json()["body"]
                        lines = body.split("\n")
                        lines.insert(rng.randint(0, len(lines)), f"{fnrel.words(rng, 12)} ({store.name}).")
                        edit(store, note_id, "--body=" + "\n".join(lines))
                    elif choice == 1:
                        edit(store, note_id, f"--title={fnrel.words(rng, 4)} {store.name}")
                    elif choice == 2:
                        edit(store, note_id, f"--add-theme={rng.choice(fnrel.THEMES)}", f"--add-sdg={rng.randint(1, 17)}",
                                 f"--remove-level={rng.choice(fnrel.LEVELS)}", f"--add-level={rng.choice(fnrel.LEVELS)}")
                    else:
                        edit(store, note_id, f"--date={fnrel.random_date(rng)}", f"--kommune={rng.choice(fnrel.KOMMUNER)}")
                    edits += 1

            def shared_notes(count: int) -> list[str]:
                both = set(fnrel.sqlite_lines(stores[0].path, "SELECT id FROM notes WHERE deleted = 0"))
                both &= set(fnrel.sqlite_lines(stores[1].path, "SELECT id FROM notes WHERE deleted = 0"))
                return rng.sample(sorted(both), min(count, len(both)))

            def wait_for_log(offset: int, needle: str, process) -> bool:
                """Waits until the server logs a request containing `needle` after `offset`; False if the sync ended first."""
                while process.poll() is None:
                    with open(server.log_path, "rb") as handle:
                        handle.seek(offset)
                        if needle.encode() in handle.read():
                            return True
                    time.sleep(0.0005)
                return False

            for store in stores:
                import_notes(store, notes)
            ever_seen = set(fnrel.revision_ids(server.db))
            for store in stores:
                ever_seen |= set(store.revision_ids())

            window = max_delay
            run = -1
            # Repeat until `runs` syncs were killed (a sync that finished before its kill does not count).
            while killed < runs and run < 3 * runs:
                run += 1
                store = stores[run % 2]
                other = stores[1 - run % 2]
                if run >= 2:
                    import_notes(store, per_run)
                    edit_some(store, shared_notes(3 if args.quick else 6))
                    both = shared_notes(2 if args.quick else 4)
                    edit_some(store, both)
                    edit_some(other, both)
                server_before = fnrel.sqlite(server.db, "SELECT count(*) FROM revisions")
                store_before = fnrel.sqlite(store.path, "SELECT (SELECT count(*) FROM revisions), "
                                                        "(SELECT count(*) FROM revisions WHERE pushed = 0)")
                # Kill at a random time, or just after the server answered a push or a pull of this client: the
                # window in which the server has committed and the client has not yet recorded it.
                mode = rng.choice(["time", "push", "pull"])
                # The time window adapts: it widens after each kill and narrows after a sync that finished
                # first, so the kills spread over the whole sync however long it takes on this machine.
                if mode == "time":
                    delay = rng.uniform(0.002, window)
                elif mode == "push":
                    delay = rng.uniform(0.0, 0.02)
                else:
                    delay = rng.uniform(0.0, window / 2)
                offset = os.path.getsize(server.log_path)
                process = store.start("sync", "--json")
                if mode != "time":
                    needle = f" {store.author} POST /v1/push " if mode == "push" else f" {store.author} GET /v1/pull "
                    wait_for_log(offset, needle, process)
                deadline = time.monotonic() + delay
                while time.monotonic() < deadline and process.poll() is None:
                    time.sleep(0.0005)
                if process.poll() is None:
                    os.kill(process.pid, signal.SIGKILL)
                    process.wait()
                    process.stderr.close()
                    killed += 1
                    window = min(window * 1.25, 10.0)
                    kill_modes[mode] = kill_modes.get(mode, 0) + 1
                    outcome = f"killed ({mode})"
                else:
                    err = process.stderr.read().decode(errors="replace")
                    process.stderr.close()
                    finished += 1
                    window = max(0.05, window * 0.8)
                    outcome = f"finished ({process.returncode})"
                    if process.returncode != 0 or any(marker in err for marker in fnrel.CRASH_MARKERS):
                        failures.append(f"run {run}: sync on {store.name} exited {process.returncode} before the kill: {err[:300]!r}")
                server_after = fnrel.sqlite(server.db, "SELECT count(*) FROM revisions")
                store_after = fnrel.sqlite(store.path, "SELECT (SELECT count(*) FROM revisions), "
                                                       "(SELECT count(*) FROM revisions WHERE pushed = 0)")
                progressed = server_after != server_before or store_after != store_before
                if outcome.startswith("killed") and progressed:
                    partial += 1
                check = fnrel.integrity(store.path)
                if check != "ok":
                    failures.append(f"run {run}: {store.name} integrity after the kill: {check[:200]}")
                ids = store.revision_ids()
                if len(ids) != len(set(ids)):
                    failures.append(f"run {run}: {store.name} holds duplicate revisions after the kill")
                ever_seen |= set(ids) | set(fnrel.revision_ids(server.db))
                log(f"run {run + 1:2} (kill {killed}/{runs}) {store.name:4} {mode:4} +{delay * 1000:3.0f} ms: {outcome:15} "
                    f"server {server_before}->{server_after} revisions; store (revisions, unpushed) "
                    f"{store_before.replace('|', ',')} -> {store_after.replace('|', ',')}")

            # Sync to completion: each store twice (the first to sync cannot see the last one's merges).
            final_started = time.monotonic()
            fnrel.sync_twice(stores, failures)
            figures["final_sync_seconds"] = round(time.monotonic() - final_started, 2)
            figures.update({"syncs_killed": killed, "killed_after_partial_progress": partial,
                            "sync_runs": run + 1, "syncs_finished_before_kill": finished,
                            "kills_by_moment": kill_modes, "notes_imported": imported, "edits": edits})
            figures.update(fnrel.check_converged(server, stores, expected, ever_seen, failures))
        except Failure as error:
            failures.append(str(error))
        finally:
            figures.setdefault("syncs_killed", killed)
            figures["cli_processes"] = h.runs
    return fnrel.finish("crash_client", figures, failures, seed, started)


if __name__ == "__main__":
    sys.exit(main())
