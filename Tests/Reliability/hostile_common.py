"""Shared helpers for load.py and hostile.py (issue 6, items 4 and 5).

Python 3 standard library only. Everything runs real `fieldnotes` processes: a server started
with `fieldnotes serve --port 0` and stores driven through the CLI.
"""

import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def find_binary(explicit=None):
    """The fieldnotes binary: --bin, else $FIELDNOTES_BIN, else the first that exists of
    .build-rel2/release, .build/release, .build/debug (CI builds .build/debug)."""
    candidates = [explicit, os.environ.get("FIELDNOTES_BIN")]
    candidates += [os.path.join(ROOT, p, "fieldnotes") for p in
                   (".build-rel2/release", ".build/release", ".build/debug")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return os.path.abspath(candidate)
    sys.exit("no fieldnotes binary found: build it (swift build) or pass --bin / set FIELDNOTES_BIN")


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, int(-(-p * len(ordered) // 100)))  # ceil(p/100 * n)
    return ordered[min(rank, len(ordered)) - 1]


class Server:
    """A `fieldnotes serve --port 0` process on its own database."""

    def __init__(self, binary, workdir, extra_args=(), db=None):
        self.binary = binary
        self.db = db or os.path.join(workdir, "server.sqlite")
        self.log_path = os.path.join(workdir, "server.log")
        self.extra_args = list(extra_args)
        self.proc = None
        self.port = None

    def start(self, timeout=30):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--db", self.db, "--port", "0", *self.extra_args],
            stdout=subprocess.PIPE, stderr=self.log)
        line = self.proc.stdout.readline().decode()
        match = re.match(r"listening on http://([0-9.]+):(\d+)", line)
        if not match:
            self.proc.kill()
            raise RuntimeError("server did not print its port: %r (log %s)" % (line, self.log_path))
        self.host, self.port = match.group(1), int(match.group(2))
        self.url = "http://%s:%d" % (self.host, self.port)
        # Drain stdout so the server never blocks on a full pipe.
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()
        return self

    def add_user(self, name, role=None):
        args = [self.binary, "server", "add-user", name, "--db", self.db]
        if role:
            args += ["--role", role]
        out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
        token = re.search(r"\b[0-9a-f]{64}\b", out)
        if not token:
            raise RuntimeError("add-user printed no token: %r" % out)
        return token.group(0)

    def revoke(self, name):
        subprocess.run([self.binary, "server", "revoke", name, "--db", self.db],
                       capture_output=True, text=True, check=True)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def peak_rss_kib(self):
        """VmHWM (peak resident set) of the server process, in KiB."""
        return _status_field(self.proc.pid, "VmHWM")

    def rss_kib(self):
        return _status_field(self.proc.pid, "VmRSS")

    def threads(self):
        return _status_field(self.proc.pid, "Threads")

    def sql(self, query):
        """Runs a read-only query on the server database with the sqlite3 shell."""
        return sqlite(self.db, query)

    def revision_count(self):
        return int(self.sql("SELECT count(*) FROM revisions").strip())

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()
        return self.proc.returncode if self.proc else None


def _status_field(pid, name):
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith(name + ":"):
                return int(line.split()[1])
    return None


def sqlite(path, query):
    # Read through a URI with mode=ro so the check never writes to the database it inspects.
    return subprocess.run(["sqlite3", "file:%s?mode=ro" % path, query],
                          capture_output=True, text=True, check=True).stdout


def _clean_env():
    # The stored token is the one under test: FIELDNOTES_TOKEN would override it.
    return {k: v for k, v in os.environ.items() if k not in ("FIELDNOTES_TOKEN", "FIELDNOTES_STORE")}


class Store:
    """One researcher's store, driven only through the CLI."""

    def __init__(self, binary, path, author):
        self.binary, self.path, self.author = binary, path, author

    def run(self, *args, check=True, input=None, timeout=120):
        result = subprocess.run([self.binary, *args, "--store", self.path], capture_output=True,
                                text=True, input=input, timeout=timeout,
                                env=_clean_env())
        if check and result.returncode != 0:
            raise RuntimeError("fieldnotes %s failed (%d): %s" % (" ".join(args), result.returncode,
                                                                   result.stderr.strip()))
        return result

    def init(self, server_url, token):
        self.run("init", "--author", self.author)
        self.run("remote", "set", "--token", token, server_url)
        return self

    def add(self, title, body, kommune="Hørsholm", extra=()):
        return self.run("add", "--kommune", kommune, "--title", title, "--body", body, *extra).stdout.strip()

    def sync(self):
        """Runs `fieldnotes sync --json`; returns (seconds, CompletedProcess)."""
        start = time.monotonic()
        result = self.run("sync", "--json", check=False)
        return time.monotonic() - start, result

    def notes(self):
        return json.loads(self.run("list", "--json").stdout)

    def revision_ids(self):
        return set(sqlite(self.path, "SELECT id FROM revisions").split())


# --- Revisions built by hand (the canonical form of Revision.swift) ---

def canonical(value):
    """Canonical JSON: keys sorted by UTF-8 bytes, no whitespace, UTF-8 as is, the same escapes
    as JSONWriter (\\" \\\\ \\b \\f \\n \\r \\t, other controls as \\u00xx)."""
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: kv[0].encode())
        return b"{" + b",".join(canonical(k) + b":" + canonical(v) for k, v in items) + b"}"
    if isinstance(value, list):
        return b"[" + b",".join(canonical(v) for v in value) + b"]"
    if isinstance(value, bool):
        return b"true" if value else b"false"
    if value is None:
        return b"null"
    if isinstance(value, int):
        return str(value).encode()
    if isinstance(value, str):
        out = bytearray(b'"')
        for ch in value.encode():
            if ch == 0x22:
                out += b'\\"'
            elif ch == 0x5C:
                out += b"\\\\"
            elif ch < 0x20:
                out += {8: b"\\b", 12: b"\\f", 10: b"\\n", 13: b"\\r", 9: b"\\t"}.get(ch, b"\\u%04x" % ch)
            else:
                out.append(ch)
        return bytes(out + b'"')
    raise TypeError("no canonical form for %r" % (value,))


def revision_id(revision):
    return hashlib.sha256(canonical(revision)).hexdigest()


def wire(revision):
    return {"id": revision_id(revision), "revision": revision}


def note_revision(doc, author, replica, clock, title="t", body="", parents=(), kommune="Hørsholm",
                  date="2026-10-06", deleted=False, stamps=None, conflicts=None):
    """A note revision with every member and field of the note schema."""
    return {
        "author": author, "clock": clock, "conflicts": conflicts or [], "deleted": deleted, "doc": doc,
        "fields": {"author": author, "body": body, "date": date, "kommune": kommune, "levels": [],
                   "model": None, "place": None, "sdgs": [], "themes": [], "title": title, "visit": None},
        "format": 1, "kind": "note", "parents": sorted(parents), "replica": replica, "stamps": stamps or {},
    }


def hlc_now():
    """A hybrid-clock value for now: milliseconds << 16."""
    return int(time.time() * 1000) << 16


# --- Raw HTTP over sockets ---

def http_raw(port, data, timeout=10, read_all=True, host="127.0.0.1"):
    """Sends raw bytes and returns (status or None, headers dict, body bytes, whether the server closed)."""
    with socket.create_connection((host, port), timeout=timeout) as s:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before reading everything
        chunks = []
        closed = False
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    closed = True
                    break
                chunks.append(chunk)
                if not read_all and _complete(b"".join(chunks)):
                    break
        except socket.timeout:
            pass
        except ConnectionResetError:
            closed = True
    return parse_response(b"".join(chunks)) + (closed,)


def _complete(raw):
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        return False
    match = re.search(rb"(?i)content-length:\s*(\d+)", head)
    return match is not None and len(body) >= int(match.group(1))


def parse_response(raw):
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    match = re.match(rb"HTTP/1\.[01] (\d{3})", lines[0]) if lines and lines[0] else None
    if not match:
        return None, {}, raw
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower().decode()] = value.strip().decode("latin-1")
    length = int(headers.get("content-length", len(body)))
    return int(match.group(1)), headers, body[:length]


def request(port, method, path, body=b"", headers=None, token=None):
    """One well-formed HTTP/1.1 request with Connection: close; returns (status, headers, body)."""
    head = ["%s %s HTTP/1.1" % (method, path), "Host: 127.0.0.1:%d" % port, "Connection: close"]
    if token is not None:
        head.append("Authorization: Bearer %s" % token)
    for name, value in (headers or {}).items():
        head.append("%s: %s" % (name, value))
    if body or method == "POST":
        head.append("Content-Type: application/json")
        head.append("Content-Length: %d" % len(body))
    status, headers_out, body_out, _ = http_raw(port, ("\r\n".join(head) + "\r\n\r\n").encode() + body)
    return status, headers_out, body_out


def error_code(body):
    try:
        return json.loads(body)["error"]["code"]
    except Exception:
        return None


class Workdir:
    """A temporary directory, removed unless --keep."""

    def __init__(self, prefix, keep=False):
        self.path = tempfile.mkdtemp(prefix=prefix)
        self.keep = keep

    def __enter__(self):
        return self.path

    def __exit__(self, *exc):
        if self.keep:
            print("kept work directory %s" % self.path)
        else:
            shutil.rmtree(self.path, ignore_errors=True)
