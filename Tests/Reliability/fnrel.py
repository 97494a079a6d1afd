"""Shared helpers for the reliability tests of issue 6 (stdlib only).

Each test script drives a real `fieldnotes` binary in temporary folders: stores (one per
researcher, each with its own FIELDNOTES_HOME), a `fieldnotes serve` process on 127.0.0.1, and
the sqlite3 program to look inside the databases. Every script prints its figures at the end,
one machine-readable line `RELIABILITY-SUMMARY {json}`, and exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import select
import shutil
import signal
import subprocess
import tempfile
import time
import uuid

# What a Swift runtime trap or a crash leaves on stderr; none of it may ever appear.
CRASH_MARKERS = ("Fatal error", "Stack dump", "Current stack trace", "Program crashed", "Segmentation fault",
                 "Illegal instruction", "Assertion failed", "Precondition failed", "Thread 0 crashed", "💣")

KOMMUNER = ["Hørsholm", "Odense", "Middelfart", "Aarhus", "København", "Aalborg", "Esbjerg", "Vejle",
            "Roskilde", "Sønderborg", "Helsingør", "Frederiksberg", "Gentofte", "Holbæk", "Næstved", "Ærø"]
PLACES = ["Bristol", "Malmö", "Utrecht", "Freiburg", "Bergen"]
MODELS = ["top-down", "bottom-up", "mixed"]
LEVELS = ["virksomhed", "forsyning", "hele-kommunen"]
THEMES = ["baseline", "brobyggere", "ejerskab", "forankring", "kernedrift", "maaling-og-afrapportering",
          "narrativer", "partnerskaber", "rekruttering", "samskabelse", "situeret-handling", "windows-of-opportunity"]
WORDS = ("kommunen forsyningen verdensmålene direktionen borgerne klima vand affald energi ejerskab "
         "partnerskab måling indsats strategi byrådet forvaltningen samarbejde lokalt grøn omstilling "
         "ungdomsråd skole landbrug havn cykelsti æblehave øko-net ålegræs").split()


class Failure(Exception):
    """A broken guarantee: the test fails with this message."""


# MARK: - Output and arguments

def log(text: str) -> None:
    print(text, flush=True)


def common_arguments(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--fieldnotes", default=os.environ.get("FIELDNOTES_BIN", ".build/release/fieldnotes"),
                        help="the fieldnotes binary to test (default: $FIELDNOTES_BIN or .build/release/fieldnotes)")
    parser.add_argument("--seed", type=int, default=None, help="the random seed (default: a new one, printed)")
    parser.add_argument("--quick", action="store_true", help="the small CI variant")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (its path is printed)")
    parser.add_argument("--verbose", "-v", action="store_true", help="print every step")
    return parser


def resolve_binary(path: str) -> str:
    path = os.path.abspath(path)
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise SystemExit(f"error: no fieldnotes binary at {path} (build it, or pass --fieldnotes PATH)")
    if shutil.which("sqlite3") is None:
        raise SystemExit("error: the sqlite3 program is needed (apt-get install sqlite3)")
    return path


def new_seed(seed: int | None) -> int:
    return seed if seed is not None else random.SystemRandom().randrange(1, 2**31)


def finish(name: str, figures: dict, failures: list[str], seed: int | None, started: float) -> int:
    """Prints the figures and the summary line; returns the exit code."""
    figures = dict(figures)
    figures["wall_seconds"] = round(time.monotonic() - started, 1)
    figures["failures"] = len(failures)
    log("")
    log(f"== {name}: {'FAILED' if failures else 'ok'}" + (f" (seed {seed})" if seed is not None else ""))
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        log(f"  {key.replace('_', ' '):<{width}}  {value}")
    for failure in failures[:50]:
        log(f"  FAILURE: {failure}")
    if len(failures) > 50:
        log(f"  … and {len(failures) - 50} more failures")
    if failures and seed is not None:
        log(f"  reproduce with --seed {seed}")
    summary = {"test": name, "ok": not failures, "seed": seed, **figures}
    log("RELIABILITY-SUMMARY " + json.dumps(summary, ensure_ascii=False, sort_keys=True))
    return 1 if failures else 0


# MARK: - Processes

class Result:
    def __init__(self, args: list[str], code: int, out: str, err: str, seconds: float):
        self.args, self.code, self.out, self.err, self.seconds = args, code, out, err, seconds

    def __repr__(self) -> str:
        command = " ".join(self.args[1:])
        return f"`fieldnotes {command[:300]}` exited {self.code}; stdout {self.out[:400]!r}; stderr {self.err[:800]!r}"

    def json(self):
        return json.loads(self.out)


def crash_in(result: Result) -> str | None:
    """Why this run looks like a crash rather than a handled outcome, or None."""
    if result.code < 0:
        return f"killed by signal {-result.code}"
    for marker in CRASH_MARKERS:
        if marker in result.err or marker in result.out:
            return f"crash output ({marker!r})"
    return None


class Harness:
    """A temporary root folder and the fieldnotes binary; cleans up what it started."""

    def __init__(self, fieldnotes: str, name: str, keep: bool = False, verbose: bool = False):
        self.fieldnotes = fieldnotes
        self.root = tempfile.mkdtemp(prefix=f"fieldnotes-{name}-")
        os.chmod(self.root, 0o755)
        self.keep = keep
        self.verbose = verbose
        self.processes: list[subprocess.Popen] = []
        self.servers: list[Server] = []
        self.runs = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self) -> None:
        for server in self.servers:
            server.stop()
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait()
        if self.keep:
            log(f"kept {self.root}")
        else:
            shutil.rmtree(self.root, ignore_errors=True)

    def path(self, *parts: str) -> str:
        return os.path.join(self.root, *parts)

    def env(self, extra: dict | None = None) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDNOTES_")}
        env.setdefault("TMPDIR", self.path())
        env["LC_ALL"] = env.get("LC_ALL", "C.UTF-8")
        env.pop("VISUAL", None)
        env["EDITOR"] = "false"
        if extra:
            env.update(extra)
        return env

    def run(self, args: list[str], env: dict | None = None, timeout: float = 300, stdin: str | None = None,
            prefix: list[str] | None = None) -> Result:
        """Runs fieldnotes to completion; a crash is always a failure."""
        command = (prefix or []) + [self.fieldnotes] + args
        started = time.monotonic()
        try:
            done = subprocess.run(command, env=self.env(env), capture_output=True, timeout=timeout,
                                  input=(stdin or "").encode(), cwd=self.root)
        except subprocess.TimeoutExpired as error:
            raise Failure(f"`fieldnotes {' '.join(args)}` hung for more than {timeout} s") from error
        self.runs += 1
        result = Result([self.fieldnotes] + args, done.returncode, done.stdout.decode("utf-8", "replace"),
                        done.stderr.decode("utf-8", "replace"), time.monotonic() - started)
        if self.verbose:
            log(f"  $ fieldnotes {' '.join(args)[:200]} -> {result.code} ({result.seconds * 1000:.0f} ms)")
        problem = crash_in(result)
        if problem:
            raise Failure(f"{problem}: {result!r}")
        return result

    def ok(self, args: list[str], env: dict | None = None, timeout: float = 300) -> Result:
        result = self.run(args, env=env, timeout=timeout)
        if result.code != 0:
            raise Failure(f"expected success: {result!r}")
        return result

    def start(self, args: list[str], env: dict | None = None, stdout=subprocess.DEVNULL, stderr=None) -> subprocess.Popen:
        process = subprocess.Popen([self.fieldnotes] + args, env=self.env(env), stdin=subprocess.DEVNULL,
                                   stdout=stdout, stderr=stderr if stderr is not None else subprocess.PIPE,
                                   cwd=self.root)
        self.processes.append(process)
        return process


# MARK: - SQLite

def sqlite(db: str, sql: str, timeout: float = 120) -> str:
    """Runs SQL with the sqlite3 program and returns its output, stripped."""
    done = subprocess.run(["sqlite3", "-batch", "-cmd", ".timeout 10000", db, sql], capture_output=True, timeout=timeout)
    if done.returncode != 0:
        raise Failure(f"sqlite3 {db} {sql!r} failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout.decode("utf-8", "replace").strip()


def sqlite_lines(db: str, sql: str) -> list[str]:
    text = sqlite(db, sql)
    return text.split("\n") if text else []


def integrity(db: str) -> str:
    return sqlite(db, "PRAGMA integrity_check")


def revision_ids(db: str) -> list[str]:
    """Every revision id in a store or server database (a list, so duplicates show)."""
    return sqlite_lines(db, "SELECT id FROM revisions")


# MARK: - Server and stores

class Server:
    """`fieldnotes serve` on 127.0.0.1; restartable on the same database and, if it can be had, the same port."""

    def __init__(self, harness: Harness, db: str):
        self.harness = harness
        self.db = db
        self.port = 0
        self.process: subprocess.Popen | None = None
        self.log_path = db + ".log"
        self.starts = 0
        self.port_changes = 0
        harness.servers.append(self)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, port: int | None = None, timeout: float = 30) -> None:
        """Starts the server; on a restart the same port is tried for five seconds, then any free one."""
        want = self.port if port is None else port
        if want:
            for _ in range(50):
                try:
                    self._start(want, timeout)
                    return
                except Failure:
                    time.sleep(0.1)
            self.port_changes += 1
        self._start(0, timeout)

    def _start(self, port: int, timeout: float) -> None:
        with open(self.log_path, "ab") as log_file:
            process = self.harness.start(["serve", "--db", self.db, "--port", str(port)],
                                         stdout=subprocess.PIPE, stderr=log_file)
        deadline = time.monotonic() + timeout
        line = b""
        while time.monotonic() < deadline and not line.endswith(b"\n"):
            ready, _, _ = select.select([process.stdout], [], [], 0.2)
            if ready:
                chunk = os.read(process.stdout.fileno(), 1)
                if not chunk:
                    break
                line += chunk
            elif process.poll() is not None:
                break
        text = line.decode(errors="replace").strip()
        match = re.fullmatch(r"listening on http://127\.0\.0\.1:(\d+)", text)
        if not match:
            if process.poll() is None:
                process.kill()
            process.wait()
            raise Failure(f"the server did not start on port {port}: {text!r}; log tail: {self.log_tail()}")
        # Keep reading stdout in the background is unnecessary: the server writes nothing more to it.
        self.process = process
        self.port = int(match.group(1))
        self.starts += 1

    def log_tail(self, lines: int = 5) -> str:
        try:
            with open(self.log_path, "rb") as handle:
                return " | ".join(handle.read().decode(errors="replace").strip().split("\n")[-lines:])
        except OSError:
            return ""

    def log_lines(self) -> list[str]:
        try:
            with open(self.log_path, "rb") as handle:
                return handle.read().decode(errors="replace").split("\n")
        except OSError:
            return []

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill9(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()
            if self.process.stdout:
                self.process.stdout.close()
            self.process = None

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after five seconds; a crash on shutdown is a failure the caller can see."""
        if self.process is None:
            return
        process = self.process
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout:
            process.stdout.close()
        self.process = None

    def add_user(self, name: str) -> str:
        result = self.harness.ok(["server", "add-user", name, "--db", self.db])
        token = result.out.strip()
        if not re.fullmatch(r"[0-9a-f]{64}", token):
            raise Failure(f"add-user printed no token: {result!r}")
        return token

    def crash_lines(self) -> list[str]:
        return [line for line in self.log_lines() if any(marker in line for marker in CRASH_MARKERS)]


class Store:
    """One researcher's store in its own FIELDNOTES_HOME."""

    def __init__(self, harness: Harness, name: str, author: str | None = None):
        self.harness = harness
        self.name = name
        self.author = author or name
        self.home = harness.path(name)
        os.makedirs(self.home, exist_ok=True)
        self.path = os.path.join(self.home, "notes.sqlite")
        self.token: str | None = None
        self.url: str | None = None
        harness.ok(["init", "--author", self.author, "--store", self.path], env=self.env())

    def env(self, extra: dict | None = None) -> dict:
        env = {"FIELDNOTES_HOME": self.home}
        if extra:
            env.update(extra)
        return env

    def run(self, *args: str, env: dict | None = None, timeout: float = 300) -> Result:
        return self.harness.run(list(args) + ["--store", self.path], env=self.env(env), timeout=timeout)

    def ok(self, *args: str, timeout: float = 300) -> Result:
        result = self.run(*args, timeout=timeout)
        if result.code != 0:
            raise Failure(f"[{self.name}] expected success: {result!r}")
        return result

    def start(self, *args: str, stdout=subprocess.DEVNULL) -> subprocess.Popen:
        return self.harness.start(list(args) + ["--store", self.path], env=self.env(), stdout=stdout)

    def set_remote(self, url: str, token: str) -> None:
        self.ok("remote", "set", url, "--token", token)
        self.token, self.url = token, url

    def list_json(self) -> str:
        return self.ok("list", "--json").out

    def revision_ids(self) -> list[str]:
        return revision_ids(self.path)

    def unpushed(self) -> int:
        return int(self.ok("remote", "show", "--json").json()["unpushed"])


# MARK: - Generated notes

def words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def random_body(rng: random.Random, paragraphs: int = 3, words_per: int = 30) -> str:
    return "\n".join(words(rng, rng.randint(words_per // 2, words_per)).capitalize() + "." for _ in range(paragraphs))


def random_date(rng: random.Random) -> str:
    return f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def random_note(rng: random.Random, note_id: str | None = None, body_words: int = 40) -> dict:
    note = {
        "id": note_id or str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "title": words(rng, rng.randint(2, 6)).capitalize(),
        "body": random_body(rng, rng.randint(1, 5), body_words),
        "date": random_date(rng),
        "levels": rng.sample(LEVELS, rng.randint(0, 2)),
        "sdgs": sorted(rng.sample(range(1, 18), rng.randint(0, 3))),
        "themes": rng.sample(THEMES, rng.randint(0, 3)),
    }
    if rng.random() < 0.9:
        note["kommune"] = rng.choice(KOMMUNER)
    else:
        note["place"] = rng.choice(PLACES)
    if rng.random() < 0.7:
        note["model"] = rng.choice(MODELS)
    return note


def write_jsonl(path: str, notes: list[dict]) -> str:
    with open(path, "w", encoding="utf-8") as handle:
        for note in notes:
            handle.write(json.dumps(note, ensure_ascii=False) + "\n")
    return path


# MARK: - The checks every sync test ends with

def check_converged(server: Server, stores: list[Store], expected_notes: set[str], ever_seen: set[str],
                    failures: list[str]) -> dict:
    """Revisions exactly once everywhere and the same everywhere, every note present, list --json
    identical, integrity ok. Returns figures."""
    figures = {}
    server_ids = revision_ids(server.db)
    sets = {"server": server_ids}
    for store in stores:
        sets[store.name] = store.revision_ids()
    duplicates = 0
    for name, ids in sets.items():
        extra = len(ids) - len(set(ids))
        if extra:
            failures.append(f"{name}: {extra} duplicate revision rows")
        duplicates += extra
    for name, db in [("server", server.db)] + [(s.name, s.path) for s in stores]:
        distinct = sqlite(db, "SELECT count(*) = count(DISTINCT id) FROM revisions")
        if distinct != "1":
            failures.append(f"{name}: count(*) != count(DISTINCT id) in revisions")
    reference = set(server_ids)
    lost = set()
    for name, ids in sets.items():
        missing = ever_seen - set(ids)
        if missing:
            failures.append(f"{name}: {len(missing)} revisions missing that existed somewhere, e.g. {sorted(missing)[:3]}")
            lost |= missing
        if set(ids) != reference:
            only_here, only_server = set(ids) - reference, reference - set(ids)
            failures.append(f"{name}: revision set differs from the server's: {len(only_here)} only here, "
                            f"{len(only_server)} only on the server, e.g. {sorted(only_here | only_server)[:3]}")
            lost |= only_server
    # Notes: every note created is on the server and in every store, once.
    server_docs = set(sqlite_lines(server.db, "SELECT DISTINCT doc FROM revisions WHERE kind = 'note'"))
    missing_notes = expected_notes - server_docs
    if missing_notes:
        failures.append(f"server: {len(missing_notes)} notes missing, e.g. {sorted(missing_notes)[:3]}")
    for store in stores:
        ids = sqlite_lines(store.path, "SELECT id FROM notes")
        if len(ids) != len(set(ids)):
            failures.append(f"{store.name}: duplicate rows in notes")
            duplicates += len(ids) - len(set(ids))
        missing = expected_notes - set(ids)
        if missing:
            failures.append(f"{store.name}: {len(missing)} notes missing, e.g. {sorted(missing)[:3]}")
            missing_notes |= missing
        if set(ids) != server_docs:
            failures.append(f"{store.name}: notes differ from the server's documents ({len(set(ids) ^ server_docs)} differ)")
        unpushed = store.unpushed()
        if unpushed:
            failures.append(f"{store.name}: {unpushed} revisions still unpushed after syncing to completion")
        heads = sqlite(store.path, "SELECT count(*) FROM (SELECT kind, doc FROM heads GROUP BY kind, doc HAVING count(*) > 1)")
        if heads != "0":
            failures.append(f"{store.name}: {heads} documents still have several heads after syncing twice")
    lists = {store.name: store.list_json() for store in stores}
    first = stores[0].name
    for name, text in lists.items():
        if text != lists[first]:
            failures.append(f"list --json differs between {first} and {name}: {first_difference(lists[first], text)}")
    for name, db in [("server", server.db)] + [(s.name, s.path) for s in stores]:
        result = integrity(db)
        if result != "ok":
            failures.append(f"{name}: PRAGMA integrity_check = {result[:200]!r}")
    crashes = server.crash_lines()
    if crashes:
        failures.append(f"server log shows a crash: {crashes[:2]}")
    figures["notes_checked"] = len(server_docs)
    figures["notes_expected"] = len(expected_notes)
    figures["revisions_checked"] = len(reference)
    figures["revision_rows_compared"] = sum(len(ids) for ids in sets.values())
    figures["lost"] = len(lost) + len(missing_notes)
    figures["duplicates"] = duplicates
    figures["integrity_checks_ok"] = sum(1 for db in [server.db] + [s.path for s in stores] if integrity(db) == "ok")
    return figures


def first_difference(a: str, b: str) -> str:
    la, lb = a.split("\n"), b.split("\n")
    for index, (x, y) in enumerate(zip(la, lb)):
        if x != y:
            return f"line {index + 1}: {x[:200]!r} vs {y[:200]!r}"
    return f"{len(la)} vs {len(lb)} lines"


def sync_twice(stores: list["Store"], failures: list[str]) -> None:
    """Syncs every store twice, in order: the first to sync cannot see the last one's merges yet."""
    for round_number in range(2):
        for store in stores:
            result = store.run("sync", "--json")
            if result.code != 0:
                failures.append(f"final sync {round_number + 1} of {store.name} failed: {result!r}")
            else:
                log(f"final sync {round_number + 1} {store.name}: {result.out.strip()} ({result.seconds:.2f} s)")
