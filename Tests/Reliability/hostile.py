#!/usr/bin/env python3
"""Hostile input against a real `fieldnotes serve` and the CLI (issue 6, item 5).

Sections (all by default; pick with --only):

  malformed   oversized and malformed requests over raw sockets: body over --max-body (413),
              header section over 64 KiB or over 100 fields (431), request line over 8 KiB (414),
              garbage, bad framing, Content-Length with Transfer-Encoding, bad JSON, wrong shapes
              (400), unknown paths and methods (404/405). Every answer must have the expected
              status and a JSON error body, and the server must keep serving (health after each).
  auth        missing, malformed, wrong and revoked tokens on every authenticated route: 401 and
              the server's revision count unchanged; `fieldnotes sync` with a wrong or revoked
              token exits 4 and writes nothing.
  forgery     revisions built by hand (canonical JSON, id = SHA-256): a revision claiming another
              author, an empty author without being a merge, a merge whose fields or stamps were
              altered, a merge of a revision with its own ancestor, a forged revision hidden in an
              otherwise valid batch: 403 and nothing from the request written. Controls: the
              unaltered merge pushed by a third user is accepted, a retry is `already_known`.
  slowloris   hundreds of connections each sending one header byte every few seconds
              (reconnecting when the server drops them) while a real `fieldnotes sync` pushes
              and pulls; every sync must succeed; its time is reported beside a baseline.
  paths       every file-taking CLI option (--store, --db, --body-file, import PATH, export -o)
              with traversal, symlinks, folders, devices and foreign files: nothing written
              outside the named path, no crash (exit codes 0/1/64 only, never a signal).
  schemathesis  `schemathesis run` against docs/openapi.json and the running server with a valid
              token: no 5xx, no response contradicting the document (skipped with a message when
              schemathesis is not installed).

    python3 Tests/Reliability/hostile.py                   # everything, full sizes
    python3 Tests/Reliability/hostile.py --quick           # shorter slowloris and schemathesis
    python3 Tests/Reliability/hostile.py --only malformed,auth

Exit status 0 when every case passed, 1 otherwise.
"""

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile_common import (ROOT, Server, Store, Workdir, error_code, find_binary, hlc_now,  # noqa: E402
                            http_raw, note_revision, percentile, request, revision_id, sqlite, wire)

MAX_BODY = 1 << 20  # the server under test runs with --max-body 1 MiB


class Report:
    def __init__(self):
        self.cases = {}
        self.failures = []
        self.findings = []

    def finding(self, text):
        """An open finding reported to the lead: printed, not counted as a failure."""
        self.findings.append(text)
        print("    OPEN FINDING " + text)

    verbose = False

    def check(self, section, name, ok, detail=""):
        if self.verbose and ok:
            print("    ok   %s%s" % (name, " (%s)" % detail if detail else ""))
        self.cases.setdefault(section, [0, 0])
        self.cases[section][0] += 1
        if ok:
            self.cases[section][1] += 1
        else:
            self.failures.append("%s: %s %s" % (section, name, detail))
            print("    FAIL %s %s" % (name, detail))
        return ok


def health_ok(port):
    status, _, body = request(port, "GET", "/v1/health")
    return status == 200 and json.loads(body).get("status") == "ok"


# ---------------------------------------------------------------------------------------------
# malformed

def section_malformed(server, token, report):
    port = server.port
    host = b"Host: 127.0.0.1\r\n"
    push_head = b"POST /v1/push HTTP/1.1\r\n" + host + b"Authorization: Bearer " + token.encode() + b"\r\n"

    def push_body(body):
        return push_head + b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body

    rng = random.Random(6)
    revisions_before = server.revision_count()
    own = note_revision("11111111-2222-4333-8444-555555555555", "anna", "r-anna", hlc_now())
    own_wire = wire(own)
    cases = [
        # (name, raw bytes, expected status, expected error code or None)
        ("body over --max-body (declared)", push_head + b"Content-Length: %d\r\n\r\n" % (MAX_BODY + 1) + b"{", 413,
         "payload_too_large"),
        ("body over --max-body (sent)", push_body(b'{"protocol":1,"revisions":[' + b" " * MAX_BODY + b"]}"), 413,
         "payload_too_large"),
        ("chunked body over --max-body", push_head + b"Transfer-Encoding: chunked\r\n\r\n" +
         (b"10000\r\n" + b" " * 0x10000 + b"\r\n") * 17 + b"0\r\n\r\n", 413, "payload_too_large"),
        ("Content-Length beyond Int", push_head + b"Content-Length: 99999999999999999999999\r\n\r\n", 400, None),
        ("header section over 64 KiB", b"GET /v1/health HTTP/1.1\r\n" + host + b"X-Big: " + b"a" * 66000 + b"\r\n\r\n",
         431, None),
        ("101 header fields", b"GET /v1/health HTTP/1.1\r\n" + host +
         b"".join(b"X-F%d: v\r\n" % i for i in range(101)) + b"\r\n", 431, None),
        ("request line over 8 KiB", b"GET /v1/health?x=" + b"a" * 8300 + b" HTTP/1.1\r\n" + host + b"\r\n", 414,
         None),
        ("garbage bytes", bytes(rng.randrange(256) for _ in range(4096)), 400, None),
        ("NUL bytes", b"\x00" * 100 + b"\r\n\r\n", 400, None),
        # (Bytes without any line end are only dropped at the 10 s header deadline, without an
        # answer; that is the slowloris section's subject. Here the hello is followed by a line end.)
        ("TLS client hello on plain HTTP", bytes.fromhex("1603010200010001fc0303") +
         bytes(rng.randrange(256) for _ in range(200)) + b"\r\n\r\n", 400, None),
        ("HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400, None),
        ("HTTP/1.1 without Host", b"GET /v1/health HTTP/1.1\r\n\r\n", 400, None),
        ("two Host fields", b"GET /v1/health HTTP/1.1\r\n" + host + host + b"\r\n", 400, None),
        ("absolute-form target", b"GET http://evil.example/v1/health HTTP/1.1\r\n" + host + b"\r\n", 400, None),
        ("bad percent escape", b"GET /v1/%zz HTTP/1.1\r\n" + host + b"\r\n", 400, None),
        ("percent-encoded invalid UTF-8", b"GET /v1/%ff%fe HTTP/1.1\r\n" + host + b"\r\n", 400, None),
        ("space before colon", b"GET /v1/health HTTP/1.1\r\n" + host + b"X-A : b\r\n\r\n", 400, None),
        ("obsolete line folding", b"GET /v1/health HTTP/1.1\r\n" + host + b"X-A: b\r\n c\r\n\r\n", 400, None),
        ("control byte in a header value", b"GET /v1/health HTTP/1.1\r\n" + host + b"X-A: b\x01c\r\n\r\n", 400, None),
        ("Content-Length with Transfer-Encoding", push_head + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
         b"0\r\n\r\n", 400, None),
        ("conflicting Content-Length", push_head + b"Content-Length: 5\r\nContent-Length: 6\r\n\r\n{}{}{}", 400, None),
        ("Content-Length not a number", push_head + b"Content-Length: 5x\r\n\r\n{}", 400, None),
        ("Content-Length negative", push_head + b"Content-Length: -1\r\n\r\n{}", 400, None),
        ("Transfer-Encoding gzip", push_head + b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 400, None),
        ("Transfer-Encoding in HTTP/1.0", b"POST /v1/push HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400,
         None),
        ("bad chunk size", push_head + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 400, None),
        ("chunk size overflow", push_head + b"Transfer-Encoding: chunked\r\n\r\n" + b"f" * 40 + b"\r\n", 400, None),
        ("chunk data without CRLF", push_head + b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n", 400, None),
        ("unknown version", b"GET /v1/health HTTP/1.2\r\n" + host + b"\r\n", 400, None),
        ("lower-case method", b"get /v1/health HTTP/1.1\r\n" + host + b"\r\n", 405, "method_not_allowed"),
        ("invalid method token", b"G(T /v1/health HTTP/1.1\r\n" + host + b"\r\n", 400, None),
        ("bad JSON", push_body(b'{"protocol":1,"revisions":[}'), 400, "invalid_json"),
        ("empty body", push_body(b""), 400, "invalid_json"),
        ("truncated JSON", push_body(json.dumps({"protocol": 1, "revisions": [own_wire]}).encode()[:-3]), 400,
         "invalid_json"),
        ("JSON with trailing garbage", push_body(b'{"protocol":1,"revisions":[]}x'), 400, "invalid_json"),
        ("JSON duplicate key", push_body(b'{"protocol":1,"protocol":1,"revisions":[]}'), 400, "invalid_json"),
        ("JSON lone surrogate", push_body(b'{"protocol":1,"revisions":[],"x":"\\ud800"}'), 400, "invalid_json"),
        ("JSON invalid UTF-8", push_body(b'{"protocol":1,"revisions":[],"x":"\xc3\x28"}'), 400, "invalid_json"),
        ("JSON nested 100000 deep", push_body(b"[" * 100000 + b"]" * 100000), 400, "invalid_json"),
        ("JSON number 1e999", push_body(b'{"protocol":1e999,"revisions":[]}'), 400, "invalid_json"),
        ("shape: array body", push_body(b"[]"), 400, "invalid_request"),
        ("shape: no revisions", push_body(b'{"protocol":1}'), 400, "invalid_revision"),
        ("shape: protocol as string", push_body(b'{"protocol":"1","revisions":[]}'), 400, "invalid_request"),
        ("shape: protocol 2", push_body(b'{"protocol":2,"revisions":[]}'), 400, "protocol_mismatch"),
        ("shape: revisions an object", push_body(b'{"protocol":1,"revisions":{}}'), 400, "invalid_revision"),
        ("shape: wire revision without id", push_body(json.dumps({"protocol": 1, "revisions": [
            {"revision": own}]}).encode()), 400, "invalid_revision"),
        ("shape: wire revision with extra member", push_body(json.dumps({"protocol": 1, "revisions": [
            dict(own_wire, extra=1)]}).encode()), 400, "invalid_revision"),
        ("shape: id does not match content", push_body(json.dumps({"protocol": 1, "revisions": [
            {"id": "0" * 64, "revision": own}]}).encode()), 400, "invalid_revision"),
        ("shape: revision missing a member", push_body(json.dumps({"protocol": 1, "revisions": [
            {"id": own_wire["id"], "revision": {k: v for k, v in own.items() if k != "stamps"}}]}).encode()), 400,
         "invalid_revision"),
        ("shape: revision format 2", push_body(json.dumps({"protocol": 1, "revisions": [
            wire(dict(own, format=2))]}).encode()), 400, "invalid_revision"),
        ("shape: unknown kind", push_body(json.dumps({"protocol": 1, "revisions": [
            wire(dict(own, kind="user"))]}).encode()), 400, "invalid_revision"),
        ("shape: field of the wrong type", push_body(json.dumps({"protocol": 1, "revisions": [
            wire(dict(own, fields=dict(own["fields"], sdgs=["17"])))]}).encode()), 400, "invalid_revision"),
        ("shape: SDG 18", push_body(json.dumps({"protocol": 1, "revisions": [
            wire(dict(own, fields=dict(own["fields"], sdgs=[18])))]}).encode()), 400, "invalid_revision"),
        ("shape: unsorted parents", push_body(json.dumps({"protocol": 1, "revisions": [
            wire(dict(own, parents=["f" * 64, "0" * 64]))]}).encode()), 400, "invalid_revision"),
        ("shape: negative clock", push_body(json.dumps({"protocol": 1, "revisions": [
            wire(dict(own, clock=-1))]}).encode()), 400, "invalid_revision"),
        ("shape: doc id of 200 bytes", push_body(json.dumps({"protocol": 1, "revisions": [
            wire(dict(own, doc="d" * 200))]}).encode()), 400, "invalid_revision"),
        ("shape: clock a year ahead", push_body(json.dumps({"protocol": 1, "revisions": [
            wire(dict(own, clock=hlc_now() + (365 * 86400 * 1000 << 16)))]}).encode()), 422, "inadmissible"),
        ("unknown parent", push_body(json.dumps({"protocol": 1, "revisions": [
            wire(dict(own, parents=["a" * 64]))]}).encode()), 409, "missing_parents"),
        ("pull since=-1", b"GET /v1/pull?since=-1 HTTP/1.1\r\n" + host + b"Authorization: Bearer " + token.encode()
         + b"\r\n\r\n", 400, "invalid_request"),
        ("pull since=abc", b"GET /v1/pull?since=abc HTTP/1.1\r\n" + host + b"Authorization: Bearer " + token.encode()
         + b"\r\n\r\n", 400, "invalid_request"),
        ("pull since beyond Int64", b"GET /v1/pull?since=99999999999999999999 HTTP/1.1\r\n" + host +
         b"Authorization: Bearer " + token.encode() + b"\r\n\r\n", 400, "invalid_request"),
        ("pull limit=0", b"GET /v1/pull?limit=0 HTTP/1.1\r\n" + host + b"Authorization: Bearer " + token.encode()
         + b"\r\n\r\n", 400, "invalid_request"),
        ("pull limit=5001", b"GET /v1/pull?limit=5001 HTTP/1.1\r\n" + host + b"Authorization: Bearer "
         + token.encode() + b"\r\n\r\n", 400, "invalid_request"),
        ("pull after=not an id", b"GET /v1/pull?since=1&after=..%2F..%2Fetc HTTP/1.1\r\n" + host +
         b"Authorization: Bearer " + token.encode() + b"\r\n\r\n", 400, "invalid_request"),
        ("pull unknown checkpoint", b"GET /v1/pull?since=999999&after=" + b"a" * 64 + b" HTTP/1.1\r\n" + host +
         b"Authorization: Bearer " + token.encode() + b"\r\n\r\n", 409, "reset"),
        ("path traversal ../", b"GET /v1/../../../etc/passwd HTTP/1.1\r\n" + host + b"\r\n", 404, "not_found"),
        ("path traversal %2e%2e", b"GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\n" + host + b"\r\n", 404, "not_found"),
        ("path with quote, backslash, NUL, newline", b'GET /v1/%22%5C%00%0A%0D%3Cscript%3E HTTP/1.1\r\n' + host
         + b"\r\n", 404, "not_found"),
        ("unknown path", b"GET /v2/health HTTP/1.1\r\n" + host + b"\r\n", 404, "not_found"),
        ("wrong method", b"DELETE /v1/push HTTP/1.1\r\n" + host + b"\r\n", 405, "method_not_allowed"),
        # Refused from the head: the one open route must not let anyone make the server hold a body.
        ("GET with a body on health", b"GET /v1/health HTTP/1.1\r\n" + host + b"Content-Length: 3\r\n\r\nabc", 400,
         "bad_request"),
    ]
    for name, raw, expected, code in cases:
        try:
            t0 = time.monotonic()
            status, headers, body, _ = http_raw(port, raw, timeout=15, read_all=False)
            if time.monotonic() - t0 > 5:
                print("    slow: %s took %.1f s" % (name, time.monotonic() - t0))
        except OSError as error:
            report.check("malformed", name, False, "socket error %s" % error)
            continue
        ok = status == expected
        detail = "got %s %s" % (status, error_code(body) or "")
        if ok and expected >= 400:
            try:
                parsed = json.loads(body)
                ok = isinstance(parsed["error"]["code"], str) and isinstance(parsed["error"]["message"], str)
                if code is not None and parsed["error"]["code"] != code:
                    ok, detail = False, "code %s, expected %s" % (parsed["error"]["code"], code)
            except (ValueError, KeyError, TypeError):
                ok, detail = False, "error body is not JSON {error: {code, message}}: %r" % body[:200]
            if expected == 405 and ok and "allow" not in headers:
                ok, detail = False, "405 without Allow"
        report.check("malformed", name, ok, detail)
        if not health_ok(port):
            report.check("malformed", name + " (server keeps serving)", False, "health failed afterwards")

    # Pipelining: a valid request then garbage: the first is answered, then 400 and close.
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    raw.sendall(b"GET /v1/health HTTP/1.1\r\n" + host + b"\r\n" + b"GET /v1/health HTTP/1.1\r\n" + host + b"\r\n"
                + b"\x16\x03garbage\r\n\r\n")
    data = b""
    while True:
        chunk = raw.recv(65536)
        if not chunk:
            break
        data += chunk
    raw.close()
    statuses = re.findall(rb"HTTP/1\.1 (\d{3})", data)
    report.check("malformed", "pipelined: 2 valid requests then garbage", statuses == [b"200", b"200", b"400"],
                 "statuses %s" % statuses)

    # Log forging: the decoded path must not end its log line and start a forged one (no token needed).
    forged = b"2000-01-01T00:00:00.000Z mallory POST /v1/push 200 1.0ms 32B"
    status, _, _, _ = http_raw(port, b"GET /v1/x%0A" + forged.replace(b" ", b"%20") + b"%1B%5B2J HTTP/1.1\r\n" + host +
                               b"Connection: close\r\n\r\n")
    time.sleep(0.2)
    with open(server.log_path, "rb") as log:
        lines = log.read().split(b"\n")
    report.check("malformed", "request log: a %0A in the path forges no log line",
                 status == 404 and not any(line.startswith(forged[:24]) for line in lines),
                 "forged line present: %r" % [line for line in lines if line.startswith(forged[:24])][:1])
    report.check("malformed", "request log: no escape sequence reaches the log", not any(b"\x1b" in line for line in lines))

    # A body shorter than its Content-Length, then the client goes away: the server moves on.
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(push_head + b"Content-Length: 1000\r\n\r\n{\"protocol\":1")
    s.close()
    report.check("malformed", "body shorter than Content-Length, client gone", health_ok(port))

    # Many connections opened and dropped at once.
    sockets = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(100)]
    for s in sockets:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # RST on close
        s.close()
    report.check("malformed", "100 connections reset by the client", health_ok(port))
    report.check("malformed", "server still running", server.alive())
    revisions_after = server.revision_count()
    report.check("malformed", "no revision written by any malformed request", revisions_before == revisions_after,
                 "%d -> %d" % (revisions_before, revisions_after))


def section_too_many(binary, work, report):
    """5,001 valid revisions in one push (under the default 16 MiB body limit): 413, nothing written."""
    folder = os.path.join(work, "too-many")
    os.makedirs(folder)
    server = Server(binary, folder).start()
    try:
        token = server.add_user("anna")
        clock = hlc_now()
        revisions = [wire(note_revision("%08d-2222-4333-8444-555555555555" % i, "anna", "r-anna", clock + i))
                     for i in range(5001)]
        body = json.dumps({"protocol": 1, "revisions": revisions}).encode()
        before = server.revision_count()
        status, _, response = request(server.port, "POST", "/v1/push", body, token=token)
        report.check("malformed", "5,001 revisions in one push (%.1f MiB)" % (len(body) / 2**20),
                     status == 413 and error_code(response) == "too_many_revisions", "got %s %r" % (status, response[:100]))
        report.check("malformed", "5,001 revisions: nothing written", server.revision_count() == before)
        status, _, response = request(server.port, "POST", "/v1/push",
                                      json.dumps({"protocol": 1, "revisions": revisions[:5000]}).encode(), token=token)
        report.check("malformed", "control: 5,000 revisions in one push accepted",
                     status == 200 and json.loads(response)["accepted"] == 5000, "got %s %r" % (status, response[:100]))
    finally:
        server.stop()


# ---------------------------------------------------------------------------------------------
# auth

def section_auth(server, tokens, binary, work, report):
    port = server.port
    anna = tokens["anna"]
    revision = note_revision("22222222-2222-4333-8444-555555555555", "anna", "r-anna", hlc_now(), title="auth")
    body = json.dumps({"protocol": 1, "revisions": [wire(revision)]}).encode()
    dora_token = server.add_user("dora")
    server.revoke("dora")
    wrong = hashlib.sha256(b"not a token").hexdigest()
    bad_headers = [
        ("no Authorization", None),
        ("empty Bearer", "Bearer"),
        ("Bearer and spaces", "Bearer    "),
        ("wrong token", "Bearer " + wrong),
        ("token of another length", "Bearer " + anna[:-1]),
        ("token with a changed last digit", "Bearer " + anna[:-1] + ("0" if anna[-1] != "0" else "1")),
        ("300-byte token", "Bearer " + "a" * 300),
        ("Basic scheme with the token", "Basic " + anna),
        ("token without scheme", anna),
        ("revoked token", "Bearer " + dora_token),
        ("SQL in the token", "Bearer ' OR '1'='1"),
        ("non-ASCII token", "Bearer tøken"),
    ]
    before = server.revision_count()
    for name, value in bad_headers:
        headers = {"Authorization": value} if value else {}
        for method, path, payload in (("GET", "/v1/whoami", b""), ("GET", "/v1/pull", b""),
                                      ("POST", "/v1/push", body)):
            status, response_headers, response = request(port, method, path, payload, headers)
            ok = status == 401 and error_code(response) == "unauthorized" and \
                response_headers.get("www-authenticate", "").startswith("Bearer")
            report.check("auth", "%s on %s %s" % (name, method, path), ok, "got %s %r" % (status, response[:120]))
    after = server.revision_count()
    report.check("auth", "revision count unchanged after refused pushes", before == after, "%d -> %d" % (before, after))
    present = server.sql("SELECT count(*) FROM revisions WHERE id = '%s'" % revision_id(revision)).strip()
    report.check("auth", "refused revision absent", present == "0")
    # Control: the same body with the valid token is accepted, so the refusals were about the token.
    status, _, response = request(port, "POST", "/v1/push", body, token=anna)
    report.check("auth", "control: same push with the valid token accepted",
                 status == 200 and json.loads(response)["accepted"] == 1, "got %s %r" % (status, response[:200]))
    # A scheme name in another case is still Bearer (RFC 7235: case-insensitive).
    status, _, _ = request(port, "GET", "/v1/whoami", headers={"Authorization": "bearer " + anna})
    report.check("auth", "control: 'bearer' in lower case accepted", status == 200, "got %s" % status)

    # The CLI. `remote set` with a wrong token is refused (exit 4) and saves nothing.
    store = Store(binary, os.path.join(work, "auth-eve.sqlite"), "eve")
    store.run("init", "--author", "eve")
    result = store.run("remote", "set", "--token", wrong, server.url, check=False)
    report.check("auth", "CLI remote set with a wrong token exits 4", result.returncode == 4,
                 "exit %d: %s" % (result.returncode, result.stderr.strip()))
    # A store whose stored token is overridden by a wrong FIELDNOTES_TOKEN, and a store whose
    # token was revoked after it was set: sync exits 4, names `remote set`, writes nothing.
    store.run("remote", "set", "--token", server.add_user("eve"), server.url)
    revoked = Store(binary, os.path.join(work, "auth-frida.sqlite"), "frida")
    revoked.init(server.url, server.add_user("frida"))
    server.revoke("frida")
    for label, target, env_token in (("a wrong token", store, wrong), ("a revoked token", revoked, None)):
        target.add("%s note" % label, "text")
        before = server.revision_count()
        env = {k: v for k, v in os.environ.items() if k != "FIELDNOTES_TOKEN"}
        if env_token:
            env["FIELDNOTES_TOKEN"] = env_token
        result = subprocess.run([binary, "sync", "--store", target.path], capture_output=True, text=True, env=env)
        after = server.revision_count()
        report.check("auth", "CLI sync with %s exits 4" % label, result.returncode == 4,
                     "exit %d: %s" % (result.returncode, result.stderr.strip()))
        report.check("auth", "CLI sync with %s wrote nothing" % label, before == after, "%d -> %d" % (before, after))
        report.check("auth", "CLI sync with %s names 'fieldnotes remote set'" % label,
                     "remote set" in result.stderr, result.stderr.strip())


# ---------------------------------------------------------------------------------------------
# forgery

def build_merge_history(binary, work):
    """Two stores edit different paragraphs of one note on a scratch server; the second sync
    merges. Returns the note's revisions (base, anna's edit, bo's edit, the merge) as dicts."""
    scratch = os.path.join(work, "scratch")
    os.makedirs(scratch)
    helper = Server(binary, scratch).start()
    try:
        anna = Store(binary, os.path.join(scratch, "anna.sqlite"), "anna").init(helper.url, helper.add_user("anna"))
        bo = Store(binary, os.path.join(scratch, "bo.sqlite"), "bo").init(helper.url, helper.add_user("bo"))
        note = anna.add("Direktionen ejer målene", "Første afsnit.\n\nAndet afsnit.")
        for store in (anna, bo):
            store.sync()[1].check_returncode()
        anna.run("edit", note, "--body", "Første afsnit, rettet af anna.\n\nAndet afsnit.")
        bo.run("edit", note, "--body", "Første afsnit.\n\nAndet afsnit, rettet af bo.", "--add-sdg", "11")
        anna.sync()[1].check_returncode()
        bo.sync()[1].check_returncode()
        rows = sqlite(bo.path, "SELECT id, hex(data) FROM revisions WHERE kind = 'note' ORDER BY seq").split()
    finally:
        helper.stop()
    revisions = {}
    for row in rows:
        rid, data = row.split("|")
        revisions[rid] = json.loads(bytes.fromhex(data))
        assert revision_id(revisions[rid]) == rid, "canonical() disagrees with the Swift writer"
    merge = next(r for r in revisions.values() if len(r["parents"]) == 2)
    base = next(r for r in revisions.values() if not r["parents"])
    side_a, side_b = (revisions[p] for p in merge["parents"])
    return base, side_a, side_b, merge


def section_forgery(server, tokens, binary, work, report):
    port = server.port
    base, side_a, side_b, merge = build_merge_history(binary, work)
    by_author = {side["author"]: side for side in (side_a, side_b)}

    def push(user, revisions):
        body = json.dumps({"protocol": 1, "revisions": [wire(r) for r in revisions]}).encode()
        status, _, response = request(port, "POST", "/v1/push", body, token=tokens[user])
        return status, response

    def expect(name, user, revisions, status_expected, code=None, accepted=None):
        before = server.revision_count()
        status, response = push(user, revisions)
        after = server.revision_count()
        ok = status == status_expected and (code is None or error_code(response) == code)
        if accepted is not None and ok:
            ok = json.loads(response).get("accepted") == accepted
        report.check("forgery", name, ok, "got %s %r" % (status, response[:200]))
        if status_expected >= 400:
            report.check("forgery", name + ": nothing written", before == after, "%d -> %d" % (before, after))
        return status

    # The history itself, each revision by its own author.
    expect("setup: anna's base revision", "anna", [base], 200, accepted=1)
    expect("setup: anna's edit", "anna", [by_author["anna"]], 200, accepted=1)
    expect("setup: bo's edit", "bo", [by_author["bo"]], 200, accepted=1)

    clock = hlc_now()
    doc = "33333333-2222-4333-8444-555555555555"
    as_bo = note_revision(doc, "bo", "r-bo", clock, title="written by anna, claiming bo")
    expect("revision claiming another author", "anna", [as_bo], 403, "forbidden")
    own = note_revision(doc, "anna", "r-anna", clock, title="anna's own")
    hidden = note_revision("44444444-2222-4333-8444-555555555555", "bo", "r-bo", clock, title="hidden")
    expect("another author's revision hidden after a valid one in a batch", "anna", [own, hidden], 403, "forbidden")
    present = server.sql("SELECT count(*) FROM revisions WHERE id = '%s'" % revision_id(own)).strip()
    report.check("forgery", "the valid revision of the refused batch was not written", present == "0")
    expect("empty author and replica on a creation (not a merge)", "anna",
           [note_revision(doc, "", "", clock, title="anonymous")], 403, "forbidden")
    expect("own author with an empty replica", "anna", [note_revision(doc, "anna", "", clock)], 403, "forbidden")
    expect("coordinator-looking author name", "anna", [note_revision(doc, "coordinator", "r", clock)], 403, "forbidden")

    def forged(**changes):
        revision = json.loads(json.dumps(merge))
        for key, value in changes.items():
            if key.startswith("fields."):
                revision["fields"][key[7:]] = value
            else:
                revision[key] = value
        return revision

    expect("merge with an altered title", "carol", [forged(**{"fields.title": "Forged title"})], 403, "forbidden")
    expect("merge with an altered body", "carol",
           [forged(**{"fields.body": "Første afsnit.\n\nAndet afsnit, rettet af bo.\n\nSNEAKED IN"})], 403, "forbidden")
    expect("merge with a removed SDG", "carol", [forged(**{"fields.sdgs": []})], 403, "forbidden")
    expect("merge with the deleted flag set", "carol", [forged(deleted=True)], 403, "forbidden")
    stamps = json.loads(json.dumps(merge["stamps"]))
    stamps["title"] = [merge["clock"], "r-mallory", "mallory"]
    expect("merge with an altered stamp", "carol", [forged(stamps=stamps)], 403, "forbidden")
    expect("merge with an altered clock", "carol", [forged(clock=merge["clock"] + 1)], 403, "forbidden")
    # A conflict record with one side is malformed before it is a forged merge: refused as inadmissible.
    expect("merge with a conflict record added", "carol", [forged(conflicts=[{"field": "title", "values": [
        {"author": "bo", "replica": "r", "revision": "0" * 64, "value": "x"}]}])], 422, "inadmissible")
    expect("merge with a two-sided conflict record added", "carol", [forged(conflicts=[{"field": "title", "values": [
        {"author": "bo", "replica": "r", "revision": "0" * 64, "value": "x"},
        {"author": "anna", "replica": "r", "revision": "1" * 64, "value": "y"}]}])], 403, "forbidden")
    expect("merge with an author but no replica", "carol", [forged(author="carol")], 403, "forbidden")
    expect("merge with a replica but no author", "carol", [forged(replica="r-carol")], 403, "forbidden")
    expect("merge of a revision with its own ancestor", "carol",
           [forged(parents=sorted([revision_id(base), revision_id(side_a)]))], 403, "forbidden")
    expect("merge of two documents", "carol",
           [forged(parents=sorted([revision_id(side_a), revision_id(merge_other_doc(server, tokens))]))], 422,
           "inadmissible")
    # The attacks of the admission issue: a parent from another document, and a colleague's replica id.
    other_doc = "77777777-2222-4333-8444-555555555555"
    expect("edit whose parent is another note's revision", "carol",
           [note_revision(other_doc, "carol", "r-carol", hlc_now(), title="foreign parent", parents=[revision_id(side_a)])],
           422, "inadmissible")
    expect("revision carrying anna's replica id", "carol",
           [note_revision(other_doc, "carol", base["replica"], hlc_now(), title="hijacked replica")], 403, "forbidden")
    expect("kommune not in the register", "carol",
           [note_revision(other_doc, "carol", "r-carol", hlc_now(), kommune="Narnia")], 422, "inadmissible")
    expect("document id that is a path", "carol",
           [note_revision("../../tmp/x", "carol", "r-carol", hlc_now())], 422, "inadmissible")
    expect("title with escape sequences", "carol",
           [note_revision(other_doc, "carol", "r-carol", hlc_now(), title="\x1b]0;pwned\x07\x1b[2J")], 422, "inadmissible")
    own2 = note_revision("55555555-2222-4333-8444-555555555555", "carol", "r-carol", hlc_now(), title="carol's own")
    expect("forged merge in a batch after carol's own valid revision", "carol",
           [own2, forged(**{"fields.title": "Forged"})], 403, "forbidden")
    present = server.sql("SELECT count(*) FROM revisions WHERE id = '%s'" % revision_id(own2)).strip()
    report.check("forgery", "carol's valid revision of the refused batch was not written", present == "0")
    # Controls: the genuine merge, pushed by a third user who did not compute it, is accepted;
    # the same push again is already known.
    expect("control: the unaltered merge from a third user accepted", "carol", [merge], 200, accepted=1)
    status, response = push("carol", [merge])
    report.check("forgery", "control: retried merge is already_known",
                 status == 200 and (json.loads(response)["accepted"], json.loads(response)["already_known"]) == (0, 1),
                 response)
    # Editing someone else's note is allowed: the revision's author is the editor.
    edit = note_revision(base["doc"], "carol", "r-carol", hlc_now(), title="carol edits anna's note",
                         parents=[revision_id(merge)])
    edit["fields"] = dict(merge["fields"], title="carol edits anna's note")
    edit["stamps"] = {k: v for k, v in merge["stamps"].items() if k != "title"}
    expect("control: carol edits anna's note as carol", "carol", [edit], 200, accepted=1)
    report.check("forgery", "server still running", server.alive())

    # Attribution inside a revision the user may write: the note's `author` field and the stamps
    # (who set each field) are data, not the authenticated identity. The server checks only the
    # revision's author, so anna can publish a note that `list`, `list --author` and
    # `export --by author` show as bo's (only `history` shows anna). Import keeps a record's
    # author by design, so this is a design question, reported rather than failed.
    spoof = note_revision("88888888-2222-4333-8444-555555555555", "anna", "r-anna", hlc_now(),
                          title="Bo skrev dette (nej)")
    spoof["fields"]["author"] = "bo"
    # A stamp naming bo is an invented stamp: the admission rule refuses it (a new document's
    # fields are all set by itself).
    stamped = json.loads(json.dumps(spoof))
    stamped["stamps"] = {"title": [spoof["clock"], "r-bo", "bo"]}
    status, response = push("anna", [stamped])
    report.check("forgery", "a new note whose title stamp names another user", status == 422, response)
    status, response = push("anna", [spoof])
    if status == 200:
        report.finding("anna's token stored a note whose author field is 'bo' (revision author anna); "
                       "list/export attribute it to bo")
    else:
        report.check("forgery", "a note whose author field names another user", status in (403, 422), response)


def merge_other_doc(server, tokens):
    """A revision of another document on the server, for a merge that joins two documents."""
    other = note_revision("66666666-2222-4333-8444-555555555555", "anna", "r-anna", hlc_now(), title="other doc")
    body = json.dumps({"protocol": 1, "revisions": [wire(other)]}).encode()
    request(server.port, "POST", "/v1/push", body, token=tokens["anna"])
    return other


# ---------------------------------------------------------------------------------------------
# slowloris

def section_slowloris(server, tokens, binary, work, report, connections, seconds, interval):
    store = Store(binary, os.path.join(work, "slowloris-client.sqlite"), "anna").init(server.url, tokens["anna"])

    def add_and_sync(count, tag):
        for i in range(count):
            store.add("%s %d" % (tag, i), "Noter skrevet under %s." % tag)
        return store.sync()

    baseline = [add_and_sync(5, "baseline")[0] for _ in range(3)]
    payload = b"GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 100000
    stop = threading.Event()
    stats = {"opened": 0, "dropped_by_server": 0, "bytes": 0, "connect_errors": 0}
    workers = 4
    open_now = [0] * workers   # connections each attacker thread holds open right now
    held_samples = []

    def attacker(index, share):
        conns = []
        while not stop.is_set():
            while len(conns) < share and not stop.is_set():
                try:
                    s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
                    s.setblocking(False)
                    conns.append([s, 0])
                    stats["opened"] += 1
                except OSError:
                    stats["connect_errors"] += 1
                    time.sleep(0.2)
                    break
            for entry in list(conns):
                s, sent = entry
                try:
                    # Readable means the server closed it or answered (an error, a 503): either ends it.
                    s.recv(1, socket.MSG_PEEK)
                    readable = True
                except BlockingIOError:
                    readable = False
                except OSError:
                    readable = True
                if readable:
                    conns.remove(entry)
                    s.close()
                    stats["dropped_by_server"] += 1
                    continue
                try:
                    s.send(payload[sent:sent + 1])
                    entry[1] += 1
                    stats["bytes"] += 1
                except OSError:
                    conns.remove(entry)
                    s.close()
                    stats["dropped_by_server"] += 1
            open_now[index] = len(conns)
            stop.wait(interval)
        for s, _ in conns:
            s.close()

    threads = [threading.Thread(target=attacker, args=(i, connections // workers + (i < connections % workers)))
               for i in range(workers)]
    for t in threads:
        t.start()
    time.sleep(min(4.0, seconds / 3))
    attack_start = time.monotonic()
    times, exits, health_times, server_threads = [], [], [], []
    round_number = 0
    while time.monotonic() - attack_start < seconds - 2 or round_number < 3:
        round_number += 1
        elapsed, result = add_and_sync(5, "angreb %d" % round_number)
        times.append(elapsed)
        exits.append(result.returncode)
        if result.returncode != 0:
            print("    sync under attack failed: %s" % result.stderr.strip())
        t0 = time.monotonic()
        try:
            ok = health_ok(server.port)
        except OSError:
            ok = False
        health_times.append((time.monotonic() - t0, ok))
        server_threads.append(server.threads())
        held_samples.append(sum(open_now))
        time.sleep(1.0)
    stop.set()
    for t in threads:
        t.join()
    held = max(held_samples, default=0)
    print("  slowloris: %d attacking connections (1 byte each every %.1f s) for %.0f s: %d opened, %d dropped by the "
          "server (deadline or eviction), %d header bytes sent, %d connect errors; held open at once: up to %d, "
          "median %d; server threads up to %d"
          % (connections, interval, time.monotonic() - attack_start, stats["opened"], stats["dropped_by_server"],
             stats["bytes"], stats["connect_errors"], held, percentile(held_samples, 50), max(server_threads)))
    print("    real client: %d syncs under attack, exit codes %s; sync time p50 %.0f ms, max %.0f ms "
          "(baseline without attack p50 %.0f ms); GET /v1/health under attack max %.0f ms, %d/%d ok"
          % (len(times), sorted(set(exits)), 1000 * percentile(times, 50), 1000 * max(times),
             1000 * percentile(baseline, 50), 1000 * max(t for t, _ in health_times),
             sum(ok for _, ok in health_times), len(health_times)))
    report.check("slowloris", "every sync under attack succeeded", all(e == 0 for e in exits), str(exits))
    report.check("slowloris", "every health check under attack succeeded", all(ok for _, ok in health_times))
    report.check("slowloris", "the attack held hundreds of connections open", held >= min(connections, 200),
                 "only %d held" % held)
    mine = [n for n in store.notes() if n["title"].startswith(("baseline ", "angreb "))]
    report.check("slowloris", "all notes of the synced rounds are there", len(mine) == 5 * (3 + round_number),
                 "%d notes, expected %d" % (len(mine), 5 * (3 + round_number)))
    final = store.sync()[1]
    report.check("slowloris", "server serves normally after the attack", final.returncode == 0 and server.alive())
    return times


# ---------------------------------------------------------------------------------------------
# paths

def tree_snapshot(root):
    """Every path under root (not following symlinks) with its size and content hash."""
    snapshot = {}
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in dirs + files:
            path = os.path.join(folder, name)
            if os.path.islink(path):
                snapshot[path] = ("link", os.readlink(path))
            elif os.path.isfile(path):
                with open(path, "rb") as f:
                    snapshot[path] = ("file", hashlib.sha256(f.read()).hexdigest())
            else:
                snapshot[path] = ("dir",)
    return snapshot


def section_paths(binary, work, report):
    root = os.path.join(work, "paths")
    home = os.path.join(root, "home", "anna")          # where the user works
    outside = os.path.join(root, "outside")            # must never change unless named
    os.makedirs(os.path.join(home, "project", "sub"))
    os.makedirs(outside)
    with open(os.path.join(outside, "secret.txt"), "w") as f:
        f.write("do not touch\n")
    store_path = os.path.join(home, "notes.sqlite")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDNOTES_")}
    env["FIELDNOTES_HOME"] = home

    def run(name, args, cwd=home, allowed=(), expect_exit=None, stdin=None, timeout=60):
        """Runs one command and checks: no signal, an allowed exit code, nothing changed
        outside the paths in `allowed` (and the store's own files)."""
        before = tree_snapshot(root)
        try:
            result = subprocess.run([binary, *args], cwd=cwd, capture_output=True, text=True, env=env,
                                    stdin=stdin if stdin is not None else subprocess.DEVNULL, timeout=timeout)
        except subprocess.TimeoutExpired:
            report.check("paths", name, False, "hung for %d s" % timeout)
            return None
        after = tree_snapshot(root)
        own = {store_path, store_path + "-wal", store_path + "-shm", store_path + "-journal"}
        changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)} - own - set(allowed)
        ok = result.returncode in (0, 1, 64) and (expect_exit is None or result.returncode == expect_exit)
        detail = "exit %d: %s" % (result.returncode, (result.stderr or result.stdout).strip()[:200])
        if changed:
            ok, detail = False, "changed outside what was named: %s" % sorted(changed)
        report.check("paths", name, ok, detail)
        return result

    run("init --store", ["init", "--author", "anna", "--store", store_path], expect_exit=0)
    run("add a note", ["add", "--kommune", "Odense", "--title", "en", "--body", "tekst", "--store", store_path],
        expect_exit=0)
    secret = os.path.join(outside, "secret.txt")
    link_to_secret = os.path.join(home, "link-to-secret")
    os.symlink(secret, link_to_secret)
    dangling = os.path.join(home, "dangling")
    os.symlink(os.path.join(outside, "created-through-link.md"), dangling)
    link_dir = os.path.join(home, "linkdir")
    os.symlink(outside, link_dir)

    export = ["export", "--by", "theme", "--format", "md", "--store", store_path]
    run("export -o ../../outside/x (traversal resolves to a path the user named)",
        export + ["-o", "../../outside/x.md"], cwd=os.path.join(home, "project"), expect_exit=1)
    run("export -o ../../../outside/x.md from project/sub",
        export + ["-o", "../../../../outside/x.md"], cwd=os.path.join(home, "project", "sub"), expect_exit=0,
        allowed={os.path.join(outside, "x.md")})
    run("export -o ../../etc/x (folder missing)", export + ["-o", "../../etc/x"], cwd=os.path.join(home, "project"),
        expect_exit=1)
    run("export -o symlink to an existing file, no --force: refused", export + ["-o", link_to_secret], expect_exit=1)
    result = run("export -o symlink to an existing file with --force: replaces the link, not its target",
                 export + ["-o", link_to_secret, "--force"], allowed={link_to_secret})
    report.check("paths", "secret.txt unchanged after --force through a symlink",
                 open(secret).read() == "do not touch\n")
    run("export -o dangling symlink: the link is replaced, nothing created outside", export + ["-o", dangling],
        allowed={dangling})
    run("export -o a folder", export + ["-o", home], expect_exit=1)
    run("export -o ''", export + ["-o", ""], expect_exit=None)
    run("export -o in a missing folder", export + ["-o", os.path.join(home, "nope", "x.md")], expect_exit=1)
    run("export -o through a symlinked folder (named by the user)", export + ["-o", os.path.join(link_dir, "y.md")],
        allowed={os.path.join(outside, "y.md")}, expect_exit=0)
    run("export -o a path with a newline and ..", export + ["-o", os.path.join(home, "a\n..b.md")],
        allowed={os.path.join(home, "a\n..b.md")}, expect_exit=0)
    run("export --format qdpx -o ../outside.qdpx", ["export", "--format", "qdpx", "-o", "../../outside/p.qdpx",
                                                     "--store", store_path], cwd=os.path.join(home, "project"),
        expect_exit=1)

    add = ["add", "--kommune", "Odense", "--title", "t", "--store", store_path]
    run("--body-file ../../outside/secret.txt (reads the file the user named)",
        add + ["--body-file", "../../outside/secret.txt"], cwd=home, expect_exit=None)
    run("--body-file a symlink", add + ["--body-file", link_to_secret], expect_exit=0)
    run("--body-file a folder", add + ["--body-file", outside], expect_exit=64)
    run("--body-file missing", add + ["--body-file", os.path.join(outside, "missing")], expect_exit=64)
    run("--body-file /dev/zero (endless)", add + ["--body-file", "/dev/zero"], expect_exit=64, timeout=30)
    run("--body-file /dev/urandom (endless, not UTF-8)", add + ["--body-file", "/dev/urandom"], timeout=30)
    # 20 MiB on stdin, not an endless stream: before the fix stdin was read to its end (an endless
    # stream grows memory until the process is killed). Bounded reading reports 4 MiB + 1 bytes.
    big_stdin = os.path.join(root, "stdin.bin")
    with open(big_stdin, "wb") as f:
        f.write(b"a" * (20 << 20))
    with open(big_stdin, "rb") as stdin:
        result = run("--body-file - with 20 MiB on stdin", add + ["--body-file", "-"], stdin=stdin, expect_exit=64,
                     timeout=30)
    report.check("paths", "--body-file - reads stdin only up to the limit's worth",
                 result is not None and "4194305 bytes" in result.stderr, result.stderr.strip() if result else "")
    os.remove(big_stdin)
    run("--body-file /proc/self/mem", add + ["--body-file", "/proc/self/mem"], expect_exit=None)

    run("--store ../../../outside/new.sqlite (a new store where the user said)",
        ["init", "--author", "x", "--store", "../../../outside/new.sqlite"], cwd=os.path.join(home, "project"),
        allowed={os.path.join(outside, "new.sqlite")}, expect_exit=0)
    run("--store a text file: refused, unchanged", ["list", "--store", secret], expect_exit=1)
    run("init --store over a text file: refused, unchanged", ["init", "--author", "x", "--store", secret],
        expect_exit=1)
    run("--store a symlink to a text file", ["list", "--store", link_to_secret], expect_exit=1)
    run("--store a folder", ["list", "--store", outside], expect_exit=1)
    # init creates missing folders of the path it is given (like the default $FIELDNOTES_HOME).
    run("init --store in a missing folder: creates that folder and the store, nothing else",
        ["init", "--author", "x", "--store", os.path.join(root, "no", "s.sqlite")],
        allowed={os.path.join(root, "no"), os.path.join(root, "no", "s.sqlite")}, expect_exit=0)
    run("list --store in a missing folder", ["list", "--store", os.path.join(root, "nix", "s.sqlite")], expect_exit=1)
    run("--store with traversal to a missing store", ["list", "--store", "../../../../../../../../etc/fieldnotes.sqlite"],
        expect_exit=1)

    server_db = os.path.join(outside, "server.sqlite")
    run("server add-user --db ../../../outside/server.sqlite (named)",
        ["server", "add-user", "anna", "--db", "../../../outside/server.sqlite"], cwd=os.path.join(home, "project"),
        allowed={server_db, server_db + "-wal", server_db + "-shm"}, expect_exit=0)
    run("server users --db a client store: refused, unchanged", ["server", "users", "--db", store_path], expect_exit=1)
    run("server add-user --db a text file: refused, unchanged", ["server", "add-user", "x", "--db", secret],
        expect_exit=1)
    run("server users --db a folder", ["server", "users", "--db", outside], expect_exit=1)
    run("list --store the server database: refused, unchanged", ["list", "--store", server_db], expect_exit=1,
        allowed={server_db + "-wal", server_db + "-shm"})
    serve = subprocess.run([binary, "serve", "--db", secret, "--port", "0"], capture_output=True, text=True,
                           timeout=20, env=env)
    report.check("paths", "serve --db a text file: refused", serve.returncode == 1 and
                 open(secret).read() == "do not touch\n", "exit %d" % serve.returncode)

    import_dir = os.path.join(home, "import")
    os.makedirs(import_dir)
    with open(os.path.join(import_dir, "a.md"), "w") as f:
        f.write("---\nkommune: Odense\ntitle: importeret\n---\nTekst.\n")
    os.symlink(secret, os.path.join(import_dir, "b.md"))
    os.symlink(import_dir, os.path.join(import_dir, "loop"))
    run("import a folder with a symlink loop and a symlink to a text file",
        ["import", "--skip-invalid", import_dir, "--store", store_path], timeout=60)
    run("import ../../outside (traversal to a folder without .md)", ["import", "../../outside", "--store", store_path],
        cwd=os.path.join(home, "project"), timeout=60)
    run("import /dev/zero (an endless line)", ["import", "/dev/zero", "--store", store_path], expect_exit=1, timeout=30)
    run("import a missing path", ["import", os.path.join(outside, "nope.jsonl"), "--store", store_path],
        expect_exit=1)
    jsonl = os.path.join(home, "evil.jsonl")
    with open(jsonl, "w") as f:
        f.write(json.dumps({"kommune": "Odense", "title": "../../../outside/evil", "id": "../../outside/evil",
                            "body": "x"}) + "\n")
    run("import records whose id and title look like paths", ["import", jsonl, "--store", store_path])
    run("export qdpx of notes with path-like titles", ["export", "--format", "qdpx", "-o",
                                                       os.path.join(home, "p.qdpx"), "--store", store_path],
        allowed={os.path.join(home, "p.qdpx")}, expect_exit=0)
    report.check("paths", "secret.txt never changed", open(secret).read() == "do not touch\n")


# ---------------------------------------------------------------------------------------------
# schemathesis

def section_schemathesis(server, token, report, quick, work):
    exe = shutil.which("schemathesis") or shutil.which("st")
    if not exe:
        print("  schemathesis: SKIPPED (not installed; pip install schemathesis)")
        return
    version = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip()
    spec = os.path.join(ROOT, "docs", "openapi.json")
    examples = "50" if quick else "300"
    config = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemathesis.toml")
    args = [exe, "--config-file", config, "run", spec, "--url", server.url, "-H", "Authorization: Bearer " + token,
            "--checks", "all", "--max-examples", examples, "--seed", "6", "--workers", "2", "--no-color",
            "--generation-database", "none", "--continue-on-failure",
            "--report-dir", os.path.join(work, "schemathesis-report")]
    started = time.monotonic()
    result = subprocess.run(args, capture_output=True, text=True, timeout=900, cwd=work,
                            env=dict(os.environ, NO_COLOR="1"))
    output = result.stdout + result.stderr
    cases = re.search(r"Test cases:\s*\n\s*(.*)", output)
    operations = re.search(r"Tested:\s*(\d+)", output)
    print("  schemathesis %s: %s operations tested, checks all, up to %s examples per operation, %.0f s, exit %d"
          % (version.split()[-1] if version else "?", operations.group(1) if operations else "?", examples,
             time.monotonic() - started, result.returncode))
    print("    test cases: %s" % (cases.group(1).strip() if cases else "?"))
    if result.returncode != 0:
        failures = output[output.find("FAILURES"):].splitlines()
        print("\n".join("    " + line[:300] for line in failures[:80]))
    with open(os.path.join(work, "schemathesis.log"), "w") as log:
        log.write(output)
    report.check("schemathesis", "schemathesis run passes", result.returncode == 0,
                 "exit %d, see output above" % result.returncode)
    server_errors = sum(1 for line in open(server.log_path, errors="replace") if re.search(r" 5\d\d [0-9.]+ms", line))
    report.check("schemathesis", "no 5xx in the server log", server_errors == 0, "%d 5xx" % server_errors)


# ---------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", help="comma-separated sections: malformed,auth,forgery,slowloris,paths,schemathesis")
    parser.add_argument("--bin", help="the fieldnotes binary")
    parser.add_argument("--slowloris-connections", type=int, default=300)
    parser.add_argument("--slowloris-seconds", type=float)
    parser.add_argument("--slowloris-interval", type=float, default=3.0)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="print every case, not only failures")
    args = parser.parse_args()
    sections = (args.only or "malformed,auth,forgery,slowloris,paths,schemathesis").split(",")
    binary = find_binary(args.bin)
    report = Report()
    report.verbose = args.verbose
    started = time.monotonic()
    print("hostile: sections %s, binary %s" % (", ".join(sections), binary))
    with Workdir("fieldnotes-hostile-", keep=args.keep) as work:
        server = Server(binary, work, extra_args=["--max-body", str(MAX_BODY)]).start()
        try:
            tokens = {name: server.add_user(name) for name in ("anna", "bo", "carol")}
            for section in sections:
                t0 = time.monotonic()
                print("- %s" % section)
                if section == "malformed":
                    section_malformed(server, tokens["anna"], report)
                    section_too_many(binary, work, report)
                elif section == "auth":
                    section_auth(server, tokens, binary, work, report)
                elif section == "forgery":
                    section_forgery(server, tokens, binary, work, report)
                elif section == "slowloris":
                    section_slowloris(server, tokens, binary, work, report, args.slowloris_connections,
                                      args.slowloris_seconds or (12 if args.quick else 30), args.slowloris_interval)
                elif section == "paths":
                    section_paths(binary, work, report)
                elif section == "schemathesis":
                    section_schemathesis(server, tokens["anna"], report, args.quick, work)
                else:
                    sys.exit("unknown section %s" % section)
                total, passed = report.cases.get(section, [0, 0])
                print("  %s: %d/%d cases passed (%.1f s)" % (section, passed, total, time.monotonic() - t0))
            report.check("server", "server alive at the end", server.alive())
        finally:
            code = server.stop()
        print("  server exit code after SIGTERM: %s" % code)
        five = sum(1 for line in open(server.log_path, errors="replace") if re.search(r" 5\d\d [0-9.]+ms", line))
        print("  5xx in the server log: %d" % five)
        if five:
            report.failures.append("%d 5xx in the server log" % five)
    total = sum(c[0] for c in report.cases.values())
    passed = sum(c[1] for c in report.cases.values())
    print("hostile: %d/%d cases passed in %.1f s; failures: %d" % (passed, total, time.monotonic() - started,
                                                                   len(report.failures)))
    for failure in report.failures:
        print("  FAILED " + failure)
    for finding in report.findings:
        print("  open finding (not a failure): " + finding)
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
