#!/usr/bin/env python3
"""Issue 6, item 3: convergence from the outside.

Three stores (anna, bo, carl) and a real `fieldnotes serve`, driven only through the CLI by a
seeded random script: add; edit of every field (title, body lines, kommune/place, model, levels,
SDGs, themes, date, visit); delete; restore (also `--revision`); resolve (`--take mine|theirs|REV`
and field options); visits (add, edit, delete); codebook (add, rename); sync. Then everyone syncs
twice, and all stores must agree: `list --json`, `visit list --json`, `codebook list --json` and
`conflicts --json` identical, the same revision ids as the server, none missing of those that
ever existed anywhere, no duplicates, `PRAGMA integrity_check` ok. Several seeds; the seed is
printed on failure.

    python3 Tests/Reliability/convergence.py --fieldnotes .build/release/fieldnotes [--ops 500] [--seeds 3 | --seed N]
    python3 Tests/Reliability/convergence.py --fieldnotes .build/debug/fieldnotes --quick
"""

from __future__ import annotations

import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fnrel  # noqa: E402
from fnrel import Failure, log  # noqa: E402

# Refusals a random script runs into legitimately (the CLI said no, clearly, and changed nothing).
EXPECTED_REFUSALS = (
    "Nothing to change",          # an edit to the values the note already has
    "has no conflict to resolve",  # resolved meanwhile
    "is already in the codebook",
    "is deleted",                 # a visit deleted elsewhere, then pulled
    "No side of the conflicts was written on this store",  # --take mine|theirs on a conflict between two others
)

OPERATIONS = [  # (name, weight)
    ("add", 13), ("edit", 32), ("delete", 5), ("restore", 5), ("resolve", 9), ("sync", 20),
    ("visit-add", 3), ("visit-edit", 4), ("visit-delete", 1), ("codebook-add", 2), ("codebook-rename", 1),
]


class Replica:
    """A store plus what the script knows about it (refreshed through the CLI when needed)."""

    def __init__(self, store: fnrel.Store):
        self.store = store
        self._notes: list[dict] | None = None

    @property
    def notes(self) -> list[dict]:
        if self._notes is None:
            self._notes = json.loads(self.store.list_json())
        return self._notes

    def changed(self) -> None:
        self._notes = None

    def deleted_ids(self) -> list[str]:
        return sorted(fnrel.sqlite_lines(self.store.path, "SELECT id FROM notes WHERE deleted = 1"))

    def visits(self) -> list[dict]:
        return self.store.ok("visit", "list", "--json").json()

    def themes(self) -> list[str]:
        return [entry["slug"] for entry in self.store.ok("codebook", "list", "--json").json()]

    def conflicts(self) -> list[dict]:
        return self.store.ok("conflicts", "--json").json()


class Script:
    def __init__(self, seed: int, ops: int, harness: fnrel.Harness, failures: list[str]):
        self.rng = random.Random(seed)
        self.seed, self.ops, self.h, self.failures = seed, ops, harness, failures
        self.counts: dict[str, int] = {}
        self.refused: dict[str, int] = {}
        self.ever_seen: set[str] = set()
        self.created_notes: set[str] = set()
        self.file_number = 0
        # Ids are random and clocks are wall time, so choices are made in the order the script
        # created things (not by id), which keeps a seed's sequence of operations reproducible.
        self.order: dict[str, int] = {}
        self.trace: list[str] = []
        self.markers_left = 0

    def learn(self, identifier: str) -> None:
        self.order.setdefault(identifier, len(self.order))

    def ordered(self, items: list[dict], key: str = "id") -> list[dict]:
        return sorted(items, key=lambda item: (self.order.get(item[key], len(self.order)), item[key]))

    def pick(self, items: list[dict], key: str = "id") -> dict:
        return self.rng.choice(self.ordered(items, key))

    def body_file(self, text: str) -> str:
        self.file_number += 1
        path = self.h.path(f"body-{self.file_number}.md")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        return path

    def run(self, replica: Replica, name: str, *args: str) -> fnrel.Result | None:
        """Runs one CLI operation; a refusal from EXPECTED_REFUSALS is counted, anything else fails."""
        result = replica.store.run(*args)
        replica.changed()
        self.trace.append(f"{replica.store.name}: fieldnotes {' '.join(args)} -> {result.code} {result.err.strip()[:200]}")
        if result.code == 0:
            self.counts[name] = self.counts.get(name, 0) + 1
            return result
        first = result.err.strip().split("\n")[0]
        if result.code in (1, 64) and first.startswith("Error: ") and any(text in first for text in EXPECTED_REFUSALS):
            key = f"{name}: {next(text for text in EXPECTED_REFUSALS if text in first)}"
            self.refused[key] = self.refused.get(key, 0) + 1
            return None
        raise Failure(f"op {name} on {replica.store.name} failed: {result!r}")

    # MARK: operations

    def op_add(self, replica: Replica) -> None:
        rng = self.rng
        args = ["add"]
        # A note of a visit is in the visit's kommune: given (in its own spelling) or taken from the visit.
        visits = replica.visits() if rng.random() < 0.3 else []
        visit = self.pick(visits) if visits else None
        if visit is not None:
            if rng.random() < 0.5:
                args.append(f"--kommune={visit['kommune']}")
        elif rng.random() < 0.85:
            args.append(f"--kommune={rng.choice(fnrel.KOMMUNER)}")
        else:
            args.append(f"--place={rng.choice(fnrel.PLACES)}")
        if rng.random() < 0.6:
            args.append(f"--model={rng.choice(fnrel.MODELS)}")
        args += [f"--level={level}" for level in rng.sample(fnrel.LEVELS, rng.randint(0, 2))]
        args += [f"--sdg={n}" for n in rng.sample(range(1, 18), rng.randint(0, 3))]
        args += [f"--theme={theme}" for theme in rng.sample(replica.themes(), rng.randint(0, 2))]
        args += [f"--title={fnrel.words(rng, rng.randint(2, 5)).capitalize()}", f"--date={fnrel.random_date(rng)}"]
        if visit is not None:
            args.append(f"--visit={visit['id'][:8]}")
        body = fnrel.random_body(rng, rng.randint(1, 6), 12)
        args += ["--body-file", self.body_file(body)] if rng.random() < 0.5 else [f"--body={body}"]
        result = self.run(replica, "add", *args)
        if result:
            self.created_notes.add(result.out.strip())
            self.learn(result.out.strip())

    def edit_args(self, replica: Replica, note: dict) -> tuple[list[str], str]:
        """Options changing one or a few fields of a note, and the name of the first field."""
        rng = self.rng
        fields = list(dict.fromkeys(rng.sample(["title", "body", "body", "body", "kommune", "model", "levels", "sdgs",
                                                "themes", "date", "visit"], rng.choice([1, 1, 1, 2, 3]))))
        args: list[str] = []
        for field in fields:
            if field == "title":
                args.append(f"--title={fnrel.words(rng, rng.randint(2, 5)).capitalize()} {rng.randint(1, 999)}")
            elif field == "body":
                lines = note["body"].split("\n") if note["body"] else []
                action = rng.choice(["replace", "insert", "delete", "append"]) if lines else "append"
                if action == "replace":
                    lines[rng.randrange(len(lines))] = fnrel.words(rng, rng.randint(3, 12)) + "."
                elif action == "insert":
                    lines.insert(rng.randint(0, len(lines)), fnrel.words(rng, rng.randint(3, 12)) + ".")
                elif action == "delete" and len(lines) > 1:
                    del lines[rng.randrange(len(lines))]
                else:
                    lines.append(fnrel.words(rng, rng.randint(3, 12)) + ".")
                text = "\n".join(lines)
                args += ["--body-file", self.body_file(text)] if rng.random() < 0.5 else [f"--body={text}"]
            elif field == "kommune":
                args.append(f"--kommune={rng.choice(fnrel.KOMMUNER)}" if rng.random() < 0.8 else f"--place={rng.choice(fnrel.PLACES)}")
            elif field == "model":
                args.append(f"--model={rng.choice(fnrel.MODELS + ['none'])}")
            elif field == "levels":
                present = note["levels"]
                if present and rng.random() < 0.5:
                    args.append(f"--remove-level={rng.choice(present)}")
                else:
                    args.append(f"--add-level={rng.choice(fnrel.LEVELS)}")
            elif field == "sdgs":
                present = note["sdgs"]
                if present and rng.random() < 0.5:
                    args.append(f"--remove-sdg={rng.choice(present)}")
                else:
                    args.append(f"--add-sdg={rng.randint(1, 17)}")
            elif field == "themes":
                present = note["themes"]
                if present and rng.random() < 0.5:
                    args.append(f"--remove-theme={rng.choice(present)}")
                else:
                    args.append(f"--add-theme={rng.choice(replica.themes())}")
            elif field == "date":
                args.append(f"--date={fnrel.random_date(rng)}")
            elif field == "visit":
                visits = replica.visits()
                args.append(f"--visit={self.pick(visits)['id']}" if visits and rng.random() < 0.8 else "--visit=none")
        return self.keep_visit_kommune(replica, note, args), fields[0]

    def keep_visit_kommune(self, replica: Replica, note: dict, args: list[str]) -> list[str]:
        """A note stays in its visit's kommune (edit refuses otherwise, exit 64), as a user would:
        moving it to a visit takes the visit's kommune, and moving it to another kommune leaves its visit."""
        visit_ids = [a.split("=", 1)[1] for a in args if a.startswith("--visit=") and a != "--visit=none"]
        if visit_ids:
            visit = next((v for v in replica.visits() if v["id"].startswith(visit_ids[0])), None)
            if visit is not None:
                args = [a for a in args if not a.startswith(("--kommune=", "--place="))] + [f"--kommune={visit['kommune']}"]
        elif note.get("visit") and any(a.startswith("--kommune=") for a in args) and "--visit=none" not in args:
            args = args + ["--visit=none"]
        return args

    def op_edit(self, replica: Replica) -> None:
        if not replica.notes:
            return self.op_add(replica)
        note = self.pick(replica.notes)
        args, field = self.edit_args(replica, note)
        self.run(replica, f"edit {field}", "edit", note["id"], *args)

    def op_delete(self, replica: Replica) -> None:
        if replica.notes:
            self.run(replica, "delete", "delete", self.pick(replica.notes)["id"])

    def op_restore(self, replica: Replica) -> None:
        deleted = self.ordered([{"id": i} for i in replica.deleted_ids()])
        if deleted and self.rng.random() < 0.7:
            self.run(replica, "restore", "restore", self.rng.choice(deleted)["id"])
        elif replica.notes:
            note = self.pick(replica.notes)
            history = replica.store.ok("history", note["id"], "--json").json()
            older = [entry["revision"] for entry in history if entry["revision"] != note["revision"]]
            if older:
                self.run(replica, "restore --revision", "restore", note["id"], f"--revision={self.rng.choice(older)[:12]}")

    def op_resolve(self, replica: Replica) -> None:
        conflicts = replica.conflicts()
        if not conflicts:
            return self.op_sync(replica)
        rng = self.rng
        entry = self.pick(conflicts)
        target = entry["id"]
        if entry.get("kind", "note") != "note" or rng.random() < 0.6:
            revisions = sorted({value["revision"] for field in entry["fields"] for value in field["values"]})
            take = rng.choice(["mine", "theirs"] + ([rng.choice(revisions)[:10]] if revisions else []))
            kind = take if take in ("mine", "theirs") else "REV"
            self.resolve_taking(replica, entry, kind, take)
        else:
            note = next((n for n in replica.notes if n["id"] == target), None)
            if note is None:  # a conflicted note that is deleted: take a side
                return self.resolve_taking(replica, entry, "theirs", "theirs")
            args, field = self.edit_args(replica, note)
            if rng.random() < 0.5:
                args.append(f"--take={rng.choice(['mine', 'theirs'])}")
            elif any(f["field"] == "body" for f in entry["fields"]):
                # Without --take, a body in conflict must be given by hand: keep both sides' lines, no markers.
                drop = {i + 1 for i, a in enumerate(args) if a == "--body-file"}
                args = [a for i, a in enumerate(args) if not a.startswith("--body") and i not in drop]
                clean = [line for line in note["body"].split("\n")
                         if not line.startswith(("<<<<<<< ", ">>>>>>> ")) and line != "======="]
                args.append("--body=" + "\n".join(clean))
                field = "body"
            result = replica.store.run("resolve", target, *args)
            replica.changed()
            self.trace.append(f"{replica.store.name}: fieldnotes resolve {target} {' '.join(args)} -> {result.code} {result.err.strip()[:200]}")
            if result.code != 0 and "still has conflict markers" in result.err:
                # --take settled the fields but not every block in the body: give the body by hand too.
                self.markers_left += 1
                clean = [line for line in note["body"].split("\n")
                         if not line.startswith(("<<<<<<< ", ">>>>>>> ")) and line != "======="]
                drop = {i + 1 for i, a in enumerate(args) if a == "--body-file"}
                args = [a for i, a in enumerate(args) if not a.startswith("--body") and i not in drop]
                self.run(replica, f"resolve with {field} --body", "resolve", target, *args, "--body=" + "\n".join(clean))
            elif result.code != 0:
                self.trace.pop()
                self.run(replica, f"resolve with {field}", "resolve", target, *args)
            else:
                self.counts[f"resolve with {field}"] = self.counts.get(f"resolve with {field}", 0) + 1

    def resolve_taking(self, replica: Replica, entry: dict, kind: str, take: str) -> None:
        """`resolve --take`; when the side taken leaves conflict blocks between other versions in the
        body (the note went through several conflicting merges), the CLI refuses: then the body is
        given by hand as well, as a user would."""
        args = ("resolve", entry["id"], f"--take={take}")
        result = replica.store.run(*args)
        replica.changed()
        self.trace.append(f"{replica.store.name}: fieldnotes {' '.join(args)} -> {result.code} {result.err.strip()[:200]}")
        if result.code != 0 and "still has conflict markers" in result.err and entry.get("kind", "note") == "note":
            self.markers_left += 1
            note = next((n for n in replica.notes if n["id"] == entry["id"]), None)
            body = note["body"] if note else ""
            if note is None:  # deleted: its body is in the conflict values
                body = next((str(v["value"]) for f in entry["fields"] if f["field"] == "body" for v in f["values"]), "")
            clean = [line for line in body.split("\n") if not line.startswith(("<<<<<<< ", ">>>>>>> ")) and line != "======="]
            self.run(replica, f"resolve --take {kind} --body", "resolve", entry["id"], f"--take={take}", "--body=" + "\n".join(clean))
            return
        if result.code == 0:
            self.counts[f"resolve --take {kind}"] = self.counts.get(f"resolve --take {kind}", 0) + 1
            return
        first = result.err.strip().split("\n")[0]
        if result.code in (1, 64) and "No side of the conflicts was written on this store" in first:
            key = "resolve: No side of the conflicts was written on this store"
            self.refused[key] = self.refused.get(key, 0) + 1
            return
        if crash := fnrel.crash_in(result):
            raise Failure(f"{crash}: {result!r}")
        raise Failure(f"op resolve --take {kind} on {replica.store.name} failed: {result!r}")

    def op_sync(self, replica: Replica) -> None:
        result = replica.store.run("sync", "--json")
        replica.changed()
        self.trace.append(f"{replica.store.name}: fieldnotes sync --json -> {result.code} {result.out.strip()} {result.err.strip()[:200]}")
        if result.code != 0:
            raise Failure(f"sync on {replica.store.name} failed: {result!r}")
        self.counts["sync"] = self.counts.get("sync", 0) + 1

    def op_visit_add(self, replica: Replica) -> None:
        rng = self.rng
        args = ["visit", "add", f"--kommune={rng.choice(fnrel.KOMMUNER)}", f"--date={fnrel.random_date(rng)}",
                f"--purpose={fnrel.words(rng, 4)}"]
        args += [f"--participant={fnrel.words(rng, 1)}" for _ in range(rng.randint(0, 3))]
        result = self.run(replica, "visit add", *args)
        if result:
            self.learn(result.out.strip())

    def op_visit_edit(self, replica: Replica) -> None:
        visits = replica.visits()
        if not visits:
            return self.op_visit_add(replica)
        rng = self.rng
        visit = self.pick(visits)
        choice = rng.randrange(5)
        if choice == 0:
            args = [f"--kommune={rng.choice(fnrel.KOMMUNER)}"]
        elif choice == 1:
            args = [f"--date={fnrel.random_date(rng)}"]
        elif choice == 2:
            args = [f"--purpose={fnrel.words(rng, 4)}"]
        elif choice == 3 or not visit["participants"]:
            args = [f"--add-participant={fnrel.words(rng, 1)}"]
        else:
            args = [f"--remove-participant={rng.choice(visit['participants'])}"]
        self.run(replica, "visit edit", "visit", "edit", visit["id"], *args)

    def op_visit_delete(self, replica: Replica) -> None:
        visits = replica.visits()
        if visits:
            self.run(replica, "visit delete", "visit", "delete", self.pick(visits)["id"])

    def op_codebook_add(self, replica: Replica) -> None:
        slug = f"{self.rng.choice(['tema', 'spor', 'emne'])}-{self.rng.randint(1, 40)}"
        if self.rng.random() < 0.3:
            slug = f"{self.rng.choice(fnrel.THEMES)}/{slug}"
        self.run(replica, "codebook add", "codebook", "add", slug, f"--description={fnrel.words(self.rng, 5)}")

    def op_codebook_rename(self, replica: Replica) -> None:
        themes = [t for t in replica.themes() if "/" not in t]
        if themes:
            old = self.rng.choice(themes)
            self.run(replica, "codebook rename", "codebook", "rename", old, f"{old.split('-')[0]}-{self.rng.randint(1, 99)}")

    def step(self, replica: Replica) -> str:
        names = [name for name, _ in OPERATIONS]
        name = self.rng.choices(names, weights=[weight for _, weight in OPERATIONS])[0]
        getattr(self, "op_" + name.replace("-", "_"))(replica)
        return name


def run_seed(binary: str, seed: int, ops: int, args, failures: list[str]) -> dict:
    started = time.monotonic()
    with fnrel.Harness(binary, f"convergence-{seed}", keep=args.keep, verbose=args.verbose) as h:
        server = fnrel.Server(h, h.path("server.sqlite"))
        server.start(0)
        stores = [fnrel.Store(h, name) for name in ("anna", "bo", "carl")]
        for store in stores:
            store.set_remote(server.url, server.add_user(store.author))
        replicas = [Replica(store) for store in stores]
        script = Script(seed, ops, h, failures)
        local_failures: list[str] = []
        try:
            for number in range(ops):
                replica = script.rng.choice(replicas)
                try:
                    name = script.step(replica)
                except Failure as error:
                    raise Failure(f"op {number + 1}: {error}") from error
                script.ever_seen |= set(replica.store.revision_ids())
                if args.verbose:
                    log(f"  op {number + 1}: {name} on {replica.store.name}")
            script.ever_seen |= set(fnrel.revision_ids(server.db))
            for round_number in range(2):
                for replica in replicas:
                    replica.changed()
                    script.op_sync(replica)
            figures = fnrel.check_converged(server, stores, script.created_notes, script.ever_seen, local_failures)
            for what, command in [("visit list --json", ["visit", "list", "--json"]),
                                  ("codebook list --json", ["codebook", "list", "--json"]),
                                  ("conflicts --json", ["conflicts", "--json"])]:
                outputs = [store.ok(*command).out for store in stores]
                for store, output in zip(stores[1:], outputs[1:]):
                    if output != outputs[0]:
                        local_failures.append(f"{what} differs between {stores[0].name} and {store.name}: "
                                              f"{fnrel.first_difference(outputs[0], output)}")
            # History of a sample of notes, byte for byte.
            notes = sorted(fnrel.sqlite_lines(stores[0].path, "SELECT id FROM notes"))
            sample = script.rng.sample(notes, min(25, len(notes)))
            for note_id in sample:
                outputs = [store.ok("history", note_id, "--json").out for store in stores]
                if len(set(outputs)) != 1:
                    local_failures.append(f"history --json of {note_id} differs between stores")
            figures["histories_compared"] = len(sample)
            figures["open_conflicts"] = len(stores[0].ok("conflicts", "--json").json())
            figures["visits"] = len(stores[0].ok("visit", "list", "--json").json())
            figures["themes"] = len(stores[0].ok("codebook", "list", "--json").json())
        except Failure as error:
            local_failures.append(str(error))
            figures = {}
        for failure in local_failures:
            failures.append(f"seed {seed}: {failure}")
        if local_failures:
            h.keep = True
            with open(h.path("operations.log"), "w", encoding="utf-8") as handle:
                handle.write("\n".join(script.trace) + "\n")
            log(f"seed {seed}: the stores, the server and the operations (operations.log) are kept in {h.root}")
        figures.update({"seed": seed, "ops": ops, "ops_done": script.counts, "refused": script.refused,
                        "notes_created": len(script.created_notes), "take_left_markers": script.markers_left, "seconds": round(time.monotonic() - started, 1),
                        "ok": not local_failures, "cli_processes": h.runs})
        log(f"seed {seed}: {'ok' if not local_failures else 'FAILED'} in {figures['seconds']} s, "
            f"{figures.get('revisions_checked', '?')} revisions, {figures.get('notes_checked', '?')} notes, "
            f"{figures.get('open_conflicts', '?')} open conflicts")
        return figures


def main() -> int:
    parser = fnrel.common_arguments(__doc__.split("\n\n")[0])
    parser.add_argument("--ops", type=int, help="operations per seed (default 500; quick 150)")
    parser.add_argument("--seeds", type=int, help="how many seeds, from --seed on (default 3; quick 1)")
    args = parser.parse_args()
    binary = fnrel.resolve_binary(args.fieldnotes)
    ops = args.ops if args.ops is not None else (150 if args.quick else 500)
    count = args.seeds if args.seeds is not None else (1 if args.quick or args.seed is not None else 3)
    first_seed = fnrel.new_seed(args.seed)
    started = time.monotonic()
    log(f"convergence: seeds {first_seed}..{first_seed + count - 1}, {ops} operations each, binary {binary}")
    failures: list[str] = []
    results = [run_seed(binary, first_seed + index, ops, args, failures) for index in range(count)]
    total_ops: dict[str, int] = {}
    refused: dict[str, int] = {}
    for result in results:
        for key, value in result["refused"].items():
            refused[key] = refused.get(key, 0) + value
    for result in results:
        for key, value in result["ops_done"].items():
            total_ops[key] = total_ops.get(key, 0) + value
    figures = {
        "seeds": [result["seed"] for result in results],
        "failed_seeds": [result["seed"] for result in results if not result["ok"]],
        "ops_per_seed": ops,
        "ops_succeeded": sum(total_ops.values()),
        "ops_refused": sum(sum(result["refused"].values()) for result in results),
        "ops_by_kind": dict(sorted(total_ops.items())),
        "refused_by_reason": dict(sorted(refused.items())),
        "notes_created": sum(result["notes_created"] for result in results),
        "notes_checked": sum(result.get("notes_checked", 0) for result in results),
        "revisions_checked": sum(result.get("revisions_checked", 0) for result in results),
        "take_left_body_markers": sum(result["take_left_markers"] for result in results),
        "open_conflicts_at_end": sum(result.get("open_conflicts", 0) for result in results),
        "histories_compared": sum(result.get("histories_compared", 0) for result in results),
        "lost": sum(result.get("lost", 0) for result in results),
        "duplicates": sum(result.get("duplicates", 0) for result in results),
        "cli_processes": sum(result["cli_processes"] for result in results),
    }
    if failures:
        for result in results:
            if not result["ok"]:
                log(f"seed {result['seed']} FAILED: reproduce with --seed {result['seed']} --ops {ops}")
    return fnrel.finish("convergence", figures, failures, first_seed if count == 1 else None, started)


if __name__ == "__main__":
    sys.exit(main())
