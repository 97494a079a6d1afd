#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz harnesses (run once; the seeds are kept in the repository).

    python3 Tests/Reliability/fuzz/make-seeds.py [--bin PATH]

corpus/sync-body: real revisions made by the CLI (notes with every field, a visit, a theme, a
delete, a clean merge and a merge with a title conflict and body conflict markers), as push bodies,
pull responses, bare wire lists and canonical revision bytes.
corpus/http: requests as the client sends them, plus chunked, pipelined, 100-continue and
HTTP/1.0 forms, and responses as the server sends them, plus chunked and interim forms.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from hostile_common import Server, Store, find_binary, revision_id, sqlite  # noqa: E402


def history(binary, work):
    server = Server(binary, work).start()
    try:
        anna = Store(binary, os.path.join(work, "anna.sqlite"), "anna").init(server.url, server.add_user("anna"))
        bo = Store(binary, os.path.join(work, "bo.sqlite"), "bo").init(server.url, server.add_user("bo"))
        visit = anna.run("visit", "add", "--kommune", "Hørsholm", "--date", "2026-10-06", "--purpose",
                         "Interviews med direktionen", "--participant", "kommunaldirektør").stdout.strip()
        anna.run("codebook", "add", "ny-teori/under")
        note = anna.add("Direktionen ejer målene", "Første afsnit.\n\nAndet \"afsnit\" med \\ og \t.\n",
                        extra=("--visit", visit[:8], "--model", "top-down", "--level", "virksomhed", "--level",
                               "forsyning", "--sdg", "17", "--sdg", "6", "--theme", "ejerskab"))
        other = anna.add("Bristol", "Reference abroad 😀", extra=())
        for store in (anna, bo):
            store.sync()[1].check_returncode()
        anna.run("edit", note, "--title", "Annas titel", "--body", "Første afsnit, anna.\n\nAndet.\n")
        bo.run("edit", note, "--title", "Bos titel", "--body", "Første afsnit, bo.\n\nAndet.\n", "--add-sdg", "11")
        bo.run("delete", other)
        anna.sync()[1].check_returncode()
        bo.sync()[1].check_returncode()
        anna.sync()[1].check_returncode()
        rows = sqlite(anna.path, "SELECT id, hex(data) FROM revisions ORDER BY seq").split()
    finally:
        server.stop()
    revisions = []
    for row in rows:
        rid, data = row.split("|")
        raw = bytes.fromhex(data)
        assert revision_id(json.loads(raw)) == rid
        revisions.append((rid, raw))
    return revisions


def wire_bytes(rid, raw):
    return b'{"id":"' + rid.encode() + b'","revision":' + raw + b"}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin")
    args = parser.parse_args()
    binary = find_binary(args.bin)
    work = tempfile.mkdtemp(prefix="fieldnotes-seeds-")
    try:
        revisions = history(binary, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    body_dir = os.path.join(HERE, "corpus", "sync-body")
    http_dir = os.path.join(HERE, "corpus", "http")
    for folder in (body_dir, http_dir):
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)

    def put(folder, name, data):
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)

    kinds = {}
    for rid, raw in revisions:
        revision = json.loads(raw)
        label = revision["kind"]
        if len(revision["parents"]) == 2:
            label += "-merge" + ("-conflict" if revision["conflicts"] else "")
        elif revision["deleted"]:
            label += "-deleted"
        elif revision["parents"]:
            label += "-edit"
        kinds.setdefault(label, []).append((rid, raw))
    # One canonical revision and one single-revision push per kind of revision.
    for label, items in sorted(kinds.items()):
        rid, raw = items[-1]
        put(body_dir, "revision-%s.json" % label, raw)
        put(body_dir, "push-%s.json" % label, b'{"protocol":1,"revisions":[' + wire_bytes(rid, raw) + b"]}")
    notes = [(rid, raw) for rid, raw in revisions if json.loads(raw)["kind"] == "note"]
    put(body_dir, "push-note-history.json",
        b'{"protocol":1,"revisions":[' + b",".join(wire_bytes(r, d) for r, d in notes) + b"]}")
    last = revisions[-1][0]
    put(body_dir, "pull-response.json",
        b'{"last":"' + last.encode() + b'","more":false,"next":%d,"revisions":[' % len(revisions)
        + b",".join(wire_bytes(r, d) for r, d in notes[:4]) + b"]}")
    put(body_dir, "wire-list.json", b"[" + b",".join(wire_bytes(r, d) for r, d in notes[-2:]) + b"]")
    put(body_dir, "push-empty.json", b'{"protocol":1,"revisions":[]}')
    put(body_dir, "json-scalars.json", b'[null,true,false,0,-1,1.5e-3,9223372036854775807,"\\u00e6\\ud83d\\ude00"]')

    token = "0123456789abcdef" * 4
    push = open(os.path.join(body_dir, "push-note-edit.json"), "rb").read()
    requests = {
        "get-health": b"GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAccept: application/json\r\n\r\n",
        "get-pull": b"GET /v1/pull?since=12&after=" + last.encode() + b"&limit=2000&exclude_replica=a1b2 HTTP/1.1\r\n"
                    b"Host: 127.0.0.1:8080\r\nAuthorization: Bearer " + token.encode() + b"\r\nConnection: keep-alive\r\n\r\n",
        "post-push": b"POST /v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token.encode() +
                     b"\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(push) + push,
        "post-push-chunked": b"POST /v1/push HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                             b"1d;ext=\"v\"\r\n" + push[:29] + b"\r\n%x\r\n" % (len(push) - 29) + push[29:] +
                             b"\r\n0\r\nX-Trailer: 1\r\n\r\n",
        "post-expect-continue": b"POST /v1/push HTTP/1.1\nHost: x\nExpect: 100-continue\nContent-Length: 2\n\n{}",
        "pipelined": b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/whoami HTTP/1.1\r\nHost: x\r\n"
                     b"Authorization: Bearer t\r\n\r\n\r\nGET /v1/pull?since=0 HTTP/1.0\r\nConnection: close\r\n\r\n",
        "http10-keepalive": b"GET /v1/health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "percent-path": b"GET /v1/%68ealth?a=%C3%A6&b=+x+&&c HTTP/1.1\r\nHost: x\r\nX-Empty:\r\nCookie: a=b; c=d\r\n\r\n",
        # Responses, for the client's parser (the same harness feeds every input to both).
        "response-length": b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                           b"Connection: keep-alive\r\n\r\n{}",
        "response-chunked-pipelined": b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                      b"4;x=y\r\nWiki\r\n0\r\nX-Trailer: 1\r\n\r\nHTTP/1.0 204 No Content\r\n\r\n",
    }
    for name, data in requests.items():
        put(http_dir, name, data)
    print("wrote %d sync-body seeds and %d http seeds" % (len(os.listdir(body_dir)), len(os.listdir(http_dir))))


if __name__ == "__main__":
    main()
