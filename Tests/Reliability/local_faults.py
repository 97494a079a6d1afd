#!/usr/bin/env python3
"""Issue 6, item 6: local faults.

Commands that write (add, edit, delete, import, visit add, codebook add, sync) and commands that
read (list, show, search, history, export) run against a store that cannot be written, a disk
that is full, and a damaged store file. Every case must end in a clear `Error: ...` (exit code
1, nothing that looks like a Swift crash or a stack dump) or, for reads that can still be
served, in success; no partial state (the store's notes, revisions and `PRAGMA integrity_check`
unchanged, and for a damaged store the file byte for byte the same after a failed command);
and a note that `add` or `edit` could not store is in a recovery file that holds its text and
that `fieldnotes import DIR` brings back.

How each fault is made, with what the machine allows (the script says which it used):
- read-only: the store file mode 0444, and also its folder 0555, with the CLI run as `nobody`
  through `setpriv` (root ignores file modes; CI runs as root), or directly when not root; and
  a read-only bind mount when mounting is permitted.
- disk full: a 2 MiB tmpfs (`mount -t tmpfs -o size=2m`), nearly full (a large note does not fit)
  and completely full; when mounting is not permitted, a file size limit (RLIMIT_FSIZE, SIGXFSZ
  ignored) on the fieldnotes process, which fails its writes with EFBIG instead.
- damaged: pages in the middle of the file overwritten with random bytes, pages of the notes
  table overwritten, the revisions' unique index zeroed, bits flipped in record payloads, the file
  truncated, and revision data replaced through SQL (a valid database holding garbage).

    python3 Tests/Reliability/local_faults.py --fieldnotes .build/release/fieldnotes [--notes 2000] [--seed N]
    python3 Tests/Reliability/local_faults.py --fieldnotes .build/debug/fieldnotes --quick
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fnrel  # noqa: E402
from fnrel import Failure, log  # noqa: E402

RECOVERY_LINE = re.compile(r"Your note was saved to (.+?)\. Once the store works again, run 'fieldnotes import (.+?)' to add it\.")
# An edit whose note could not be read saves its new text alone, to apply with `edit ID --body-file`.
# The command repeats the edit's other options before --body-file, and --store after it if given.
EDIT_TEXT_LINE = re.compile(r"Your new text was saved to (.+?)\. Once the store works again, run 'fieldnotes edit (\S+) (?:.* )?--body-file (\S+)(?: --store \S+)?' to apply it\.")


def saved_anything(err: str) -> bool:
    return bool(RECOVERY_LINE.search(err) or EDIT_TEXT_LINE.search(err))


def integrity_text(db: str) -> str:
    """`PRAGMA integrity_check` as the sqlite3 program prints it, errors included (for damaged files)."""
    done = subprocess.run(["sqlite3", "-batch", db, "PRAGMA integrity_check"], capture_output=True, timeout=120)
    return (done.stdout + done.stderr).decode("utf-8", "replace").strip()


def file_digest(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def logical_state(db: str) -> dict:
    """What must not change when a command fails: notes, revisions, heads, integrity."""
    return {
        "notes": fnrel.sqlite(db, "SELECT count(*) FROM notes"),
        "revisions": fnrel.sqlite(db, "SELECT count(*) FROM revisions"),
        "digest": hashlib.sha256(fnrel.sqlite(db, "SELECT id, revision, deleted FROM notes ORDER BY id; "
                                                 "SELECT id FROM revisions ORDER BY id; "
                                                 "SELECT kind, doc, rev FROM heads ORDER BY 1, 2, 3; "
                                                 "SELECT count(*) FROM visits; SELECT count(*) FROM codebook;").encode()).hexdigest(),
        "integrity": fnrel.integrity(db),
    }


class Runner:
    """Runs the CLI under a fault and judges each outcome."""

    def __init__(self, h: fnrel.Harness, failures: list[str], rng: random.Random):
        self.h, self.failures, self.rng = h, failures, rng
        self.figures = {"cases": 0, "cases_skipped": {}, "commands_under_fault": 0, "clear_errors": 0,
                        "succeeded_despite_fault": 0, "crashes": 0, "partial_states": 0,
                        "recovery_files_checked": 0, "recovered_notes_imported": 0, "messages": {}}
        # Saved edit texts (path -> the note id their message names).
        self.edit_texts: dict[str, str] = {}

    def fail(self, case: str, text: str) -> None:
        self.failures.append(f"{case}: {text}")

    def run(self, case: str, args: list[str], env: dict, prefix: list[str] | None = None, stdin: str | None = None,
            preexec=None) -> fnrel.Result:
        """One command under the fault; a crash is recorded (not raised) so the other cases still run."""
        self.figures["commands_under_fault"] += 1
        command = (prefix or []) + [self.h.fieldnotes] + args
        started = time.monotonic()
        done = subprocess.run(command, env=self.h.env(env), capture_output=True, timeout=120, preexec_fn=preexec,
                              input=(stdin or "").encode(), cwd=self.h.root)
        result = fnrel.Result([self.h.fieldnotes] + args, done.returncode, done.stdout.decode("utf-8", "replace"),
                              done.stderr.decode("utf-8", "replace"), time.monotonic() - started)
        if self.h.verbose:
            log(f"  [{case}] fieldnotes {' '.join(args)[:160]} -> {result.code}: {result.err.strip()[:200]}")
        problem = fnrel.crash_in(result)
        if problem:
            self.figures["crashes"] += 1
            self.fail(case, f"{problem}: {result!r}")
        return result

    def expect_error(self, case: str, result: fnrel.Result, needle: str | tuple[str, ...], allow_success: bool = False) -> bool:
        """A clear `Error: ...` naming the fault (exit 1); with allow_success, success is fine too. True if it failed."""
        needles = (needle,) if isinstance(needle, str) else needle
        group = self.figures.setdefault("outcomes_by_case", {}).setdefault(case.split(",")[0], {"error": 0, "ok": 0})
        group["ok" if result.code == 0 else "error"] += 1
        if result.code == 0 and allow_success:
            self.figures["succeeded_despite_fault"] += 1
            return False
        first = result.err.strip().split("\n")[0] if result.err.strip() else ""
        if result.code != 1 or not first.startswith("Error: ") or not any(n in first for n in needles):
            self.fail(case, f"expected exit 1 and 'Error: …{' / '.join(needles)}…': {result!r}")
            return result.code != 0
        self.figures["clear_errors"] += 1
        key = re.sub(r"(?<=\s)/\S+", "PATH", re.sub(r"\d+", "N", first))[:160]
        self.figures["messages"][key] = self.figures["messages"].get(key, 0) + 1
        return True

    def recovery(self, case: str, result: fnrel.Result, body: str, expect_folder: str | None = None) -> str | None:
        """The recovery file the error names: exists, holds the body. Returns its folder."""
        edit_text = EDIT_TEXT_LINE.search(result.err)
        if edit_text:
            path, note, command_path = edit_text.group(1), edit_text.group(2), edit_text.group(3)
            if path != command_path or not os.path.isfile(path):
                self.fail(case, f"the saved text {path} does not exist or the command names another file: {result!r}")
                return None
            with open(path, encoding="utf-8") as handle:
                if handle.read() != body:
                    self.fail(case, f"the saved text {path} is not exactly the new body")
            if expect_folder and os.path.dirname(path) != expect_folder:
                self.fail(case, f"the saved text went to {os.path.dirname(path)}, expected {expect_folder}")
            self.edit_texts[path] = note
            self.figures["recovery_files_checked"] += 1
            return os.path.dirname(path)
        match = RECOVERY_LINE.search(result.err)
        if not match:
            self.fail(case, f"no recovery file named in the error: {result!r}")
            return None
        path, folder = match.group(1), match.group(2)
        if not os.path.isfile(path):
            self.fail(case, f"the recovery file {path} does not exist")
            return None
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        if body not in text:
            self.fail(case, f"the recovery file {path} does not hold the note's text")
        if os.path.dirname(path) != folder:
            self.fail(case, f"the error names the folder {folder}, but the file is {path}")
        if expect_folder and os.path.dirname(path) != expect_folder:
            self.fail(case, f"the recovery file went to {os.path.dirname(path)}, expected {expect_folder}")
        self.figures["recovery_files_checked"] += 1
        return folder


# MARK: - Stores

def make_store(h: fnrel.Harness, folder: str, notes_file: str, home: str | None = None) -> fnrel.Store:
    """A store at folder/notes.sqlite with the generated notes and one visit, its WAL checkpointed."""
    os.makedirs(folder, exist_ok=True)
    store = fnrel.Store.__new__(fnrel.Store)
    store.harness, store.name, store.author = h, os.path.basename(folder), "anna"
    store.home = home or folder
    store.path = os.path.join(folder, "notes.sqlite")
    store.token = store.url = None
    h.ok(["init", "--author", "anna", "--store", store.path], env=store.env())
    store.ok("import", notes_file)
    store.ok("visit", "add", "--kommune=Odense", "--date=2026-05-01", "--purpose=Besøg")
    fnrel.sqlite(store.path, "PRAGMA wal_checkpoint(TRUNCATE)")
    return store


def some_note(store: fnrel.Store, rng: random.Random) -> str:
    ids = sorted(fnrel.sqlite_lines(store.path, "SELECT id FROM notes WHERE deleted = 0"))
    return rng.choice(ids)


def write_commands(note_id: str, import_file: str, marker: str) -> list[tuple[str, list[str], str | None, str | None]]:
    """(label, arguments, body that must be recovered, stdin)."""
    add_body = f"Observation {marker}: direktionen ejer målene, forsyningen følger.\nAnden linje {marker}."
    stdin_body = f"Fra stdin {marker}: borgerne i hele kommunen.\nÆøå {marker}."
    edit_body = f"Ny tekst {marker}: kernedrift frem for projekter.\nSidste linje {marker}."
    return [
        ("add --body", ["add", "--kommune=Hørsholm", "--title=Note " + marker, "--theme=ejerskab", "--sdg=17",
                        "--level=virksomhed", "--body=" + add_body], add_body, None),
        ("add --body-file -", ["add", "--place=Bristol", "--model=mixed", "--body-file", "-"], stdin_body, stdin_body),
        ("edit --body", ["edit", note_id, "--add-theme=brobyggere", "--body=" + edit_body], edit_body, None),
        ("edit --title", ["edit", note_id, "--title=Ny titel " + marker], None, None),
        ("delete", ["delete", note_id], None, None),
        ("import", ["import", import_file], None, None),
        ("visit add", ["visit", "add", "--kommune=Vejle", "--date=2026-06-01"], None, None),
        ("codebook add", ["codebook", "add", f"tema-{marker.lower()}", "--description=Et nyt tema"], None, None),
    ]


def read_commands(note_id: str) -> list[tuple[str, list[str]]]:
    return [("list", ["list"]), ("list --json", ["list", "--json"]), ("show", ["show", note_id, "--json"]),
            ("search", ["search", "kommunen"]), ("history", ["history", note_id]),
            ("export jsonl", ["export", "--format", "jsonl"]), ("export md", ["export", "--by", "theme", "--format", "md"]),
            ("conflicts", ["conflicts"]), ("visit list", ["visit", "list"]), ("codebook list", ["codebook", "list"]),
            ("list --kommune", ["list", "--kommune", "Odense", "--json"])]


def check_recovered(r: Runner, case: str, store_path: str, home: str, folders: dict[str, str], note_id: str,
                    bodies: dict[str, str], damaged: bool = False) -> None:
    """Imports each recovery folder (once) into the store that works again and finds every saved note.

    From a damaged store, an edit's recovery file can lack what an import needs (the note's
    fields could not be read, or were garbage): a known limitation, counted, with --skip-invalid
    so the other files still import; the text must still be in the file."""
    for folder in sorted(set(folders.values())):
        if any(name.endswith(".md") for name in os.listdir(folder)):
            arguments = ["import", folder, "--store", store_path] + (["--skip-invalid"] if damaged else [])
            result = r.h.run(arguments, env={"FIELDNOTES_HOME": home})
            if result.code != 0:
                r.fail(case, f"importing the recovery folder {folder} failed: {result!r}")
        # Saved edit texts are applied with the command their message printed.
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if name.endswith(".txt") and path in r.edit_texts:
                result = r.h.run(["edit", r.edit_texts[path], "--body-file", path, "--store", store_path], env={"FIELDNOTES_HOME": home})
                if result.code != 0 and damaged and "No note with id" in result.err:
                    # The store was beyond repair and replaced by a fresh one without that note
                    # (it comes back with a sync or a backup); the text stays in the file.
                    r.figures["edit_texts_for_missing_notes"] = r.figures.get("edit_texts_for_missing_notes", 0) + 1
                elif result.code != 0:
                    r.fail(case, f"applying the saved edit {path} failed: {result!r}")
                else:
                    r.figures["edit_texts_applied"] = r.figures.get("edit_texts_applied", 0) + 1
    notes = json.loads(r.h.ok(["list", "--json", "--store", store_path], env={"FIELDNOTES_HOME": home}).out)
    for label in folders:
        body = bodies[label]
        found = [n for n in notes if n["body"].strip() == body.strip()]
        if not found:
            saved = [name for name in os.listdir(folders[label])
                     if body in open(os.path.join(folders[label], name), encoding="utf-8").read()]
            if damaged and label.startswith("edit") and saved:
                r.figures["known_recovery_files_not_importable"] = r.figures.get("known_recovery_files_not_importable", 0) + 1
                log(f"KNOWN: {case}, {label}: the recovery file {saved[0]} holds the text but does not import "
                    "(the note's other fields could not be read from the damaged store, or were damaged)")
                continue
            r.fail(case, f"after importing the recovery folder, no note has the text saved by '{label}'")
            continue
        if label.startswith("edit") and found[0]["id"] != note_id:
            r.fail(case, f"the recovered edit became a new note {found[0]['id']} instead of updating {note_id}")
        r.figures["recovered_notes_imported"] += 1
    for folder in set(folders.values()):
        shutil.rmtree(folder, ignore_errors=True)


# MARK: - Read-only

def can_run_as_nobody(h: fnrel.Harness) -> list[str] | None:
    """A command prefix that runs as an unprivileged user, or None (not root: no prefix needed)."""
    if os.geteuid() != 0:
        return []
    for prefix in (["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"], ["runuser", "-u", "nobody", "--"]):
        if shutil.which(prefix[0]) is None:
            continue
        probe = subprocess.run(prefix + ["sh", "-c", "id -u"], capture_output=True, timeout=10, env=h.env())
        if probe.returncode == 0 and probe.stdout.strip() not in (b"", b"0"):
            return prefix
    return None


def mount_permitted(h: fnrel.Harness) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    target = h.path("mount-probe")
    os.makedirs(target, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", target], capture_output=True, timeout=10)
    if done.returncode != 0:
        return False
    subprocess.run(["umount", target], capture_output=True, timeout=10)
    return True


def chown_tree(path: str, user: str = "nobody") -> None:
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", f"{user}:", path], check=True)


def read_only_cases(r: Runner, h: fnrel.Harness, notes_file: str, import_file: str, mountable: bool) -> None:
    prefix = can_run_as_nobody(h)
    variants = []
    if prefix is None:
        r.figures["cases_skipped"]["read-only as another user"] = "running as root without setpriv/runuser to drop privileges"
    else:
        variants += [("read-only file", "file", prefix), ("read-only file and folder", "folder", prefix)]
    if mountable:
        variants.append(("read-only bind mount", "mount", []))
    else:
        r.figures["cases_skipped"]["read-only bind mount"] = "mount is not permitted here"
    for case, how, run_prefix in variants:
        r.figures["cases"] += 1
        folder = h.path(f"ro-{how}")
        home = h.path(f"ro-{how}-home")
        tmp = h.path(f"ro-{how}-tmp")
        os.makedirs(home, exist_ok=True)
        os.makedirs(tmp, exist_ok=True)
        store = make_store(h, folder, notes_file, home=home)
        note_id = some_note(store, r.rng)
        before = logical_state(store.path)
        for leftover in ("-wal", "-shm"):
            if os.path.exists(store.path + leftover):
                os.remove(store.path + leftover)
        env = {"FIELDNOTES_HOME": home, "TMPDIR": tmp}
        mounted = False
        if how in ("file", "folder"):
            chown_tree(folder), chown_tree(home), chown_tree(tmp)
            os.chmod(store.path, 0o444)
            if how == "folder":
                os.chmod(folder, 0o555)
        else:
            subprocess.run(["mount", "--bind", folder, folder], check=True)
            mounted = True
            done = subprocess.run(["mount", "-o", "remount,ro,bind", folder], capture_output=True)
            if done.returncode != 0:
                subprocess.run(["umount", folder])
                r.figures["cases_skipped"][case] = "remount read-only refused"
                continue
        recovered: dict[str, str] = {}
        bodies: dict[str, str] = {}
        try:
            for label, args, body, stdin in write_commands(note_id, import_file, f"RO{how.upper()}"):
                result = r.run(case, args + ["--store", store.path], env, prefix=run_prefix, stdin=stdin)
                if r.expect_error(f"{case}, {label}", result, "cannot be written") and body:
                    if label.startswith("edit") and how != "file" and not saved_anything(result.err):
                        # The store could not be opened at all, so the note being edited is unknown
                        # and no importable file can be written; no editor was opened either.
                        r.figures["edits_unsaved_store_unopenable"] = r.figures.get("edits_unsaved_store_unopenable", 0) + 1
                        continue
                    folder_found = r.recovery(f"{case}, {label}", result, body, expect_folder=os.path.join(home, "recovery"))
                    if folder_found:
                        recovered[label], bodies[label] = folder_found, body
            for label, args in read_commands(note_id):
                result = r.run(case, args + ["--store", store.path], env, prefix=run_prefix)
                if result.code != 0:
                    # A read-only file in a writable folder can be read (SQLite makes its WAL index
                    # next to it). In a read-only folder or file system it cannot be (the WAL index
                    # cannot be made): then the command must at least say why, clearly.
                    r.expect_error(f"{case}, {label}", result, ("cannot be written", "read-only"))
                    if how == "file":
                        r.fail(f"{case}, {label}", f"reading a read-only store failed: {result!r}")
                    else:
                        r.figures["reads_refused_on_read_only_media"] = r.figures.get("reads_refused_on_read_only_media", 0) + 1
        finally:
            if mounted:
                subprocess.run(["umount", folder], check=False)
            os.chmod(folder, 0o755)
            # The WAL and its index were made by the CLI with the store file's (read-only) mode.
            for name in ("", "-wal", "-shm"):
                if os.path.exists(store.path + name):
                    os.chmod(store.path + name, 0o600)
            if os.geteuid() == 0:
                subprocess.run(["chown", "-R", "root:", folder, home, tmp], check=False)
        after = logical_state(store.path)
        if after != before:
            r.figures["partial_states"] += 1
            r.fail(case, f"the store changed although every write failed: {before} -> {after}")
        # The folder holding the recovery files is the one the message names; the files import back.
        for folder_found in set(recovered.values()):
            if os.geteuid() == 0:
                subprocess.run(["chown", "-R", "root:", folder_found], check=False)
        check_recovered(r, case, store.path, home, recovered, note_id, bodies)
        log(f"{case}: done")


# MARK: - Disk full

class TmpfsDisk:
    def __init__(self, h: fnrel.Harness, name: str, size: str = "2m"):
        self.path = h.path(name)
        os.makedirs(self.path, exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", self.path], check=True, capture_output=True)

    def free(self) -> int:
        stat = os.statvfs(self.path)
        return stat.f_bavail * stat.f_frsize

    def fill(self, leave: int) -> None:
        """Writes a filler file until only about `leave` bytes are free (0: until the disk refuses)."""
        filler = os.path.join(self.path, "filler")
        with open(filler, "ab", buffering=0) as handle:
            try:
                while leave == 0 or self.free() > leave:
                    handle.write(b"\0" * (min(65536, self.free() - leave) if leave else 4096))
            except OSError:
                pass  # ENOSPC: full

    def unfill(self) -> None:
        filler = os.path.join(self.path, "filler")
        if os.path.exists(filler):
            os.remove(filler)

    def close(self) -> None:
        subprocess.run(["umount", "-l", self.path], capture_output=True)


def fsize_limit(limit: int):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def disk_full_cases(r: Runner, h: fnrel.Harness, notes_file: str, import_file: str, mountable: bool, quick: bool) -> None:
    # A server holding many notes, for a pull that does not fit.
    server = fnrel.Server(h, h.path("server.sqlite"))
    server.start(0)
    token = server.add_user("anna")
    bo_token = server.add_user("bo")
    bo = fnrel.Store(h, "bo")
    bo.set_remote(server.url, bo_token)
    rng = random.Random(r.rng.random())
    big = [fnrel.random_note(rng, body_words=120) for _ in range(300 if quick else 1500)]
    bo.ok("import", fnrel.write_jsonl(h.path("bo-notes.jsonl"), big))
    bo.ok("sync")
    server_notes = {n["id"] for n in big}

    if not mountable:
        r.figures["cases_skipped"]["disk full (tmpfs)"] = "mount is not permitted here: a file size limit (RLIMIT_FSIZE) stands in"
        disk_full_by_rlimit(r, h, notes_file, import_file, server, token, server_notes)
        return

    # 1 and 2: nearly full, a large note does not fit; the recovery file goes to FIELDNOTES_HOME
    # on another disk, or, when the home is on the full disk too, to $TMPDIR.
    large = "Lang observation. " + "Forsyningen og kommunen arbejder sammen om vand og klima. " * 12000  # ~ 700 kB
    for case, home_on_disk in (("disk nearly full", False), ("disk nearly full, home on the same disk", True)):
        r.figures["cases"] += 1
        disk = TmpfsDisk(h, "disk-" + ("home" if home_on_disk else "store"))
        try:
            home = os.path.join(disk.path, "home") if home_on_disk else h.path(f"home-{os.path.basename(disk.path)}")
            tmp = h.path(f"tmp-{os.path.basename(disk.path)}")
            os.makedirs(tmp, exist_ok=True)
            store = make_store(h, os.path.join(disk.path, "store"), import_file, home=home)
            note_id = some_note(store, r.rng)
            before = logical_state(store.path)
            disk.fill(leave=160 * 1024)
            env = {"FIELDNOTES_HOME": home, "TMPDIR": tmp}
            expected_folder = os.path.join(tmp, f"fieldnotes-recovery-{os.getuid()}") if home_on_disk else os.path.join(home, "recovery")
            recovered, bodies = {}, {}
            for label, args, body in [
                ("add large note", ["add", "--kommune=Odense", "--title=Stor note", "--body-file", "-"], large),
                ("edit with large body", ["edit", note_id, "--body-file", "-"], large + " (rettet)"),
            ]:
                result = r.run(case, args + ["--store", store.path], env, stdin=body)
                if r.expect_error(f"{case}, {label}", result, "is full"):
                    found = r.recovery(f"{case}, {label}", result, body[:2000], expect_folder=expected_folder)
                    if found:
                        recovered[label], bodies[label] = found, body
            result = r.run(case, ["import", notes_file, "--store", store.path], env)
            r.expect_error(f"{case}, import", result, "is full")
            for label, args in read_commands(note_id):
                result = r.run(case, args + ["--store", store.path], env)
                if result.code != 0:
                    r.fail(f"{case}, {label}", f"reading failed on a nearly full disk: {result!r}")
            after = logical_state(store.path)
            if after != before:
                r.figures["partial_states"] += 1
                r.fail(case, f"the store changed although the writes failed: {before} -> {after}")
            disk.unfill()
            # Space freed (a bigger disk is the same): the saved notes import back.
            subprocess.run(["mount", "-o", "remount,size=64m", disk.path], check=True)
            check_recovered(r, case, store.path, home, recovered, note_id, bodies)
        finally:
            disk.close()
        log(f"{case}: done")

    # 3: completely full: every command says so, nothing changes.
    case = "disk completely full"
    r.figures["cases"] += 1
    disk = TmpfsDisk(h, "disk-full")
    try:
        home = h.path("home-disk-full")
        store = make_store(h, os.path.join(disk.path, "store"), import_file, home=home)
        note_id = some_note(store, r.rng)
        before = logical_state(store.path)
        disk.fill(leave=0)
        env = {"FIELDNOTES_HOME": home, "TMPDIR": h.path()}
        recovered, bodies = {}, {}
        for label, args, body, stdin in write_commands(note_id, import_file, "FULL"):
            result = r.run(case, args + ["--store", store.path], env, stdin=stdin)
            if r.expect_error(f"{case}, {label}", result, "is full") and body:
                if label.startswith("edit") and not saved_anything(result.err):
                    r.figures["edits_unsaved_store_unopenable"] = r.figures.get("edits_unsaved_store_unopenable", 0) + 1
                    continue
                found = r.recovery(f"{case}, {label}", result, body, expect_folder=os.path.join(home, "recovery"))
                if found:
                    recovered[label], bodies[label] = found, body
        for label, args in read_commands(note_id):
            result = r.run(case, args + ["--store", store.path], env)
            r.expect_error(f"{case}, {label}", result, "is full", allow_success=True)
        disk.unfill()
        after = logical_state(store.path)
        if after != before:
            r.figures["partial_states"] += 1
            r.fail(case, f"the store changed although the writes failed: {before} -> {after}")
        check_recovered(r, case, store.path, home, recovered, note_id, bodies)
    finally:
        disk.close()
    log(f"{case}: done")

    # 4: a sync whose pull does not fit: a clear error, a consistent store, and after space is
    # freed the next sync brings everything.
    case = "disk full during a sync pull"
    r.figures["cases"] += 1
    disk = TmpfsDisk(h, "disk-sync", size="3m")
    try:
        home = h.path("home-disk-sync")
        store = make_store(h, os.path.join(disk.path, "store"), import_file, home=home)
        store.ok("remote", "set", server.url, "--token", token)
        own = set(fnrel.sqlite_lines(store.path, "SELECT id FROM notes"))
        disk.fill(leave=600 * 1024)
        result = r.run(case, ["sync", "--store", store.path], {"FIELDNOTES_HOME": home})
        r.expect_error(f"{case}, sync", result, "is full")
        check = fnrel.integrity(store.path)
        if check != "ok":
            r.fail(case, f"integrity after the failed sync: {check}")
        disk.unfill()
        # Room for everything now: a bigger disk is the same as freeing space.
        subprocess.run(["mount", "-o", "remount,size=64m", disk.path], check=True)
        result = r.h.run(["sync", "--store", store.path], env={"FIELDNOTES_HOME": home})
        if result.code != 0:
            r.fail(case, f"the sync after freeing space failed: {result!r}")
        present = set(fnrel.sqlite_lines(store.path, "SELECT id FROM notes"))
        missing = (server_notes | own) - present
        if missing:
            r.fail(case, f"{len(missing)} notes missing after the sync that followed the full disk")
        if fnrel.revision_ids(store.path) and set(fnrel.revision_ids(server.db)) - set(fnrel.revision_ids(store.path)):
            r.fail(case, "revisions of the server missing from the store after the sync")
        check = fnrel.integrity(store.path)
        if check != "ok":
            r.fail(case, f"integrity after the completed sync: {check}")
    finally:
        disk.close()
    log(f"{case}: done")


def disk_full_by_rlimit(r: Runner, h: fnrel.Harness, notes_file: str, import_file: str, server: fnrel.Server, token: str,
                        server_notes: set[str]) -> None:
    """Without mount: the process may not grow any file past a limit, so its writes fail (EFBIG).

    The limit (64 KiB) leaves room for SQLite's 32 KiB WAL index and for a recovery file of a
    30 kB note, but not for the WAL frames that storing such a note takes."""
    case = "file size limit (stands in for a full disk)"
    r.figures["cases"] += 1
    home = h.path("home-fsize")
    store = make_store(h, h.path("fsize"), import_file, home=home)
    note_id = some_note(store, r.rng)
    before = logical_state(store.path)
    limit = 64 * 1024
    env = {"FIELDNOTES_HOME": home}
    text = "Forsyningen og kommunen arbejder sammen om vand og klima i hele kommunen. " * 400  # ~ 30 kB
    recovered, bodies = {}, {}
    for label, args, body, stdin in [
        ("add --body-file -", ["add", "--kommune=Odense", "--title=Under grænsen", "--body-file", "-"], "Ny note. " + text, "Ny note. " + text),
        ("edit --body-file -", ["edit", note_id, "--body-file", "-"], "Rettet. " + text, "Rettet. " + text),
        ("import", ["import", notes_file], None, None),
    ]:
        result = r.run(case, args + ["--store", store.path], env, stdin=stdin, preexec=fsize_limit(limit))
        if r.expect_error(f"{case}, {label}", result, ("is full", "disk I/O error")) and body:
            found = r.recovery(f"{case}, {label}", result, body, expect_folder=os.path.join(home, "recovery"))
            if found:
                recovered[label], bodies[label] = found, body
    after = logical_state(store.path)
    if after != before:
        r.figures["partial_states"] += 1
        r.fail(case, f"the store changed although the writes failed: {before} -> {after}")
    check_recovered(r, case, store.path, home, recovered, note_id, bodies)
    # A pull that does not fit.
    store.ok("remote", "set", server.url, "--token", token)
    result = r.run(case, ["sync", "--store", store.path], env, preexec=fsize_limit(limit))
    r.expect_error(f"{case}, sync", result, ("is full", "disk I/O error"))
    if fnrel.integrity(store.path) != "ok":
        r.fail(case, "integrity after the failed sync")
    result = r.h.run(["sync", "--store", store.path], env=env)
    if result.code != 0 or server_notes - set(fnrel.sqlite_lines(store.path, "SELECT id FROM notes")):
        r.fail(case, f"the sync after lifting the limit did not bring every note: {result!r}")
    log(f"{case}: done")


# MARK: - Damaged store

def damage(kind: str, path: str, rng: random.Random) -> str | None:
    """Damages the store; returns the id of a note known to be hit, if there is one."""
    page_size = int(fnrel.sqlite(path, "PRAGMA page_size"))
    page_count = int(fnrel.sqlite(path, "PRAGMA page_count"))

    def pages_of(names: list[str], leaf: bool = True) -> list[int]:
        quoted = ", ".join(f"'{name}'" for name in names)
        where = " AND pagetype = 'leaf'" if leaf else ""
        return [int(x) for x in fnrel.sqlite_lines(path, f"SELECT pageno FROM dbstat WHERE name IN ({quoted}){where}")]

    if kind == "middle pages overwritten":
        start = page_count // 2
        with open(path, "r+b") as handle:
            for page in range(start, start + 4):
                handle.seek((page - 1) * page_size)
                handle.write(rng.randbytes(page_size))
    elif kind == "notes table pages overwritten":
        with open(path, "r+b") as handle:
            for page in rng.sample(pages_of(["notes"]), 3):
                handle.seek((page - 1) * page_size)
                handle.write(rng.randbytes(page_size))
    elif kind == "revision index zeroed":
        with open(path, "r+b") as handle:
            for page in pages_of(["sqlite_autoindex_revisions_1"], leaf=False):
                handle.seek((page - 1) * page_size)
                handle.write(b"\0" * page_size)
    elif kind == "bits flipped in records":
        with open(path, "r+b") as handle:
            pages = pages_of(["notes", "revisions"])
            for page in rng.sample(pages, min(20, len(pages))):
                for _ in range(30):
                    offset = (page - 1) * page_size + rng.randrange(page_size // 2, page_size)
                    handle.seek(offset)
                    byte = handle.read(1)[0]
                    handle.seek(offset)
                    handle.write(bytes([byte ^ (1 << rng.randrange(8))]))
    elif kind == "file truncated":
        with open(path, "r+b") as handle:
            handle.truncate((page_count * 6 // 10) * page_size)
    elif kind == "revision data replaced":
        ids = sorted(fnrel.sqlite_lines(path, "SELECT id FROM notes"))
        chosen = rng.sample(ids, 5)
        quoted = ", ".join(f"'{i}'" for i in chosen)
        fnrel.sqlite(path, f"UPDATE revisions SET data = randomblob(200) WHERE doc IN ({quoted}); "
                           f"UPDATE notes SET levels = 'ikke json', sdgs = '[99, \"x\"]' WHERE id = '{chosen[0]}'; "
                           "PRAGMA wal_checkpoint(TRUNCATE);")
        return chosen[0]
    else:
        raise ValueError(kind)
    return None


DAMAGE = ["middle pages overwritten", "notes table pages overwritten", "revision index zeroed", "bits flipped in records",
          "file truncated", "revision data replaced"]


def damaged_cases(r: Runner, h: fnrel.Harness, notes_file: str, import_file: str) -> None:
    r.figures["damage_detected_by_list"] = 0
    for kind in DAMAGE:
        case = f"damaged store: {kind}"
        r.figures["cases"] += 1
        home = h.path(f"home-damage-{DAMAGE.index(kind)}")
        store = make_store(h, h.path(f"damage-{DAMAGE.index(kind)}"), notes_file, home=home)
        note_id = some_note(store, r.rng)
        for leftover in ("-wal", "-shm"):
            if os.path.exists(store.path + leftover):
                os.remove(store.path + leftover)
        note_id = damage(kind, store.path, r.rng) or note_id
        env = {"FIELDNOTES_HOME": home}
        recovered, bodies = {}, {}
        readable = True
        for label, args in read_commands(note_id):
            digest = file_digest(store.path)
            result = r.run(case, args + ["--store", store.path], env)
            if label == "show" and result.code != 0:
                readable = False
            if r.expect_error(f"{case}, {label}", result, "is damaged", allow_success=True):
                if label == "list":
                    r.figures["damage_detected_by_list"] += 1
                if file_digest(store.path) != digest:
                    r.figures["partial_states"] += 1
                    r.fail(case, f"'{label}' failed and said the store was not modified, but the file changed")
        for label, args, body, stdin in write_commands(note_id, import_file, "DMG"):
            digest = file_digest(store.path)
            integrity_before = integrity_text(store.path)
            result = r.run(case, args + ["--store", store.path], env, stdin=stdin)
            if r.expect_error(f"{case}, {label}", result, "is damaged", allow_success=True):
                if file_digest(store.path) != digest:
                    r.figures["partial_states"] += 1
                    r.fail(case, f"'{label}' failed and said the store was not modified, but the file changed")
                if integrity_text(store.path) != integrity_before:
                    r.fail(case, f"'{label}' failed but integrity_check changed")
                if body and label.startswith("edit") and not readable and not saved_anything(result.err):
                    # The note being edited cannot be read, so no importable file can be written.
                    r.figures["edits_unsaved_store_unopenable"] = r.figures.get("edits_unsaved_store_unopenable", 0) + 1
                elif body:
                    found = r.recovery(f"{case}, {label}", result, body, expect_folder=os.path.join(home, "recovery"))
                    if found:
                        recovered[label], bodies[label] = found, body
        # The store is beyond repair; the recovered notes go into a fresh store (as after a restore).
        if recovered:
            fresh = h.path(f"fresh-{DAMAGE.index(kind)}", "notes.sqlite")
            h.ok(["init", "--author", "anna", "--store", fresh])
            for label in list(recovered):
                if label.startswith("edit"):
                    # An edit's recovery file carries the note's id; a fresh store takes it as a new note with that id.
                    pass
            check_recovered(r, case, fresh, home, recovered, note_id, bodies, damaged=True)
        log(f"{case}: done")


def main() -> int:
    parser = fnrel.common_arguments(__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, help="notes in each store (default 2000; quick 300)")
    parser.add_argument("--only", choices=["read-only", "disk-full", "damaged"], help="run one group of cases")
    parser.add_argument("--no-mount", action="store_true", help="do not mount (as where mounting is not permitted): use the fallbacks")
    args = parser.parse_args()
    binary = fnrel.resolve_binary(args.fieldnotes)
    count = args.notes if args.notes is not None else (300 if args.quick else 2000)
    seed = fnrel.new_seed(args.seed)
    rng = random.Random(seed)
    started = time.monotonic()
    log(f"local_faults: seed {seed}, {count} notes per store, running as uid {os.geteuid()}, binary {binary}")
    failures: list[str] = []
    with fnrel.Harness(binary, "local-faults", keep=args.keep, verbose=args.verbose) as h:
        r = Runner(h, failures, rng)
        mounts: list[str] = []
        try:
            notes_file = fnrel.write_jsonl(h.path("notes.jsonl"), [fnrel.random_note(rng) for _ in range(count)])
            import_file = fnrel.write_jsonl(h.path("more.jsonl"), [fnrel.random_note(rng) for _ in range(50)])
            mountable = not args.no_mount and mount_permitted(h)
            log(f"mount permitted: {mountable}; drop privileges with: {can_run_as_nobody(h)}")
            if args.only in (None, "read-only"):
                read_only_cases(r, h, notes_file, import_file, mountable)
            if args.only in (None, "disk-full"):
                disk_full_cases(r, h, notes_file, import_file, mountable, args.quick)
            if args.only in (None, "damaged"):
                damaged_cases(r, h, notes_file, import_file)
        except Failure as error:
            failures.append(str(error))
        finally:
            # Unmount anything left mounted under the root before it is removed.
            with open("/proc/mounts") as handle:
                mounts = [line.split()[1] for line in handle if line.split()[1].startswith(h.root)]
            for target in sorted(mounts, reverse=True):
                subprocess.run(["umount", "-l", target], capture_output=True)
        figures = dict(r.figures)
        figures["lost"] = 0 if not any("recover" in f or "missing" in f for f in failures) else \
            sum(1 for f in failures if "recover" in f or "missing" in f)
        figures["cli_processes"] = h.runs + figures["commands_under_fault"]
    return fnrel.finish("local_faults", figures, failures, seed, started)


if __name__ == "__main__":
    sys.exit(main())
