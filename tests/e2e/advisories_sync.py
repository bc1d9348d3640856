#!/usr/bin/env python3
"""`medtap advisories sync` against a local HTTP(S) server (issue #8).

Serves, from a temporary folder, a CSAF provider: provider-metadata.json naming a ROLIE feed and a
directory (changes.csv), CISA's real advisories (../shared/data/advisories, referenced there and
never copied into the repository) with their .sha256/.sha512 files, one of them with a wrong
SHA-512; an RSS and an Atom feed and two Health Canada recall exports (tests/e2e/fixtures/sync)
that mention CMS8000 and MN-120. Checks:
  - the first sync imports the good advisories, rejects the bad checksum in one line naming it,
    and keeps the feed items that mention a watched model as notices;
  - a second sync transfers no body (every request conditional: 304) and imports nothing;
  - `advisories list` and `advisories match` (on a simulated ward with a CMS8000 and the Epsimed
    MN-120 relabel) show the notices;
  - with the server stopped, sync reports it is offline (exit 2) and the store is kept;
  - HTTPS with a throwaway CA through --ca-file (refused without it), a body over
    advisories.max_response_bytes, a redirect to file:// and a bare domain are one line each.
"""
import hashlib
import http.server
import json
import os
import shutil
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures", "sync")
GOOD_ROLIE = ["2025/icsma-25-030-01.json", "2022/icsma-22-244-01.json"]
BAD_ROLIE = "2024/icsma-24-151-02.json"  # its .sha512 is wrong
DIRECTORY_ONLY = ["2022/icsma-22-251-01.json", "2021/icsma-21-294-01.json"]


class Counting(http.server.SimpleHTTPRequestHandler):
    """Static files with strong ETags and If-None-Match (RFC 9110 13.1.2); counts what it sends."""
    bodies = 0
    not_modified = 0
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/redirect-to-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        path = self.translate_path(self.path)
        if not os.path.isfile(path):
            self.send_error(404)
            return
        data = open(path, "rb").read()
        etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
        if self.headers.get("If-None-Match") == etag:
            with Counting.lock:
                Counting.not_modified += 1
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        with Counting.lock:
            Counting.bodies += 1
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Server:
    def __init__(self, root, context=None):
        handler = lambda *a, **k: Counting(*a, directory=root, **k)  # noqa: E731
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        if context:
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def run(cmd, expect=0):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
    if p.returncode != expect:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {p.returncode}, expected {expect}\n"
                 f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def build_tree(root, base, shared):
    csaf = os.path.join(root, ".well-known", "csaf")
    white = os.path.join(csaf, "white")
    sources = os.path.join(shared, "data", "advisories")
    changes = []
    for rel in GOOD_ROLIE + [BAD_ROLIE] + DIRECTORY_ONLY:
        data = open(os.path.join(sources, os.path.basename(rel)), "rb").read()
        write(os.path.join(white, rel), data)
        write(os.path.join(white, rel + ".sha256"),
              f"{hashlib.sha256(data).hexdigest()}  {os.path.basename(rel)}\n")
        digest = hashlib.sha512(data).hexdigest()
        if rel == BAD_ROLIE:
            digest = hashlib.sha512(data + b"tampered").hexdigest()
        write(os.path.join(white, rel + ".sha512"), f"{digest}  {os.path.basename(rel)}\n")
        updated = json.loads(data)["document"]["tracking"]["current_release_date"]
        changes.append((rel, updated))
    changes.sort(key=lambda c: c[1], reverse=True)  # CSAF 7.1.16: newest first
    write(os.path.join(white, "changes.csv"), "".join(f'"{p}","{u}"\n' for p, u in changes))
    write(os.path.join(white, "index.txt"), "".join(f"{p}\n" for p, _ in changes))
    entries = []
    for rel, updated in changes:
        if rel in DIRECTORY_ONLY:
            continue
        url = f"{base}/.well-known/csaf/white/{rel}"
        entries.append({"id": os.path.basename(rel)[:-5].upper(), "title": rel,
                        "updated": updated, "published": updated,
                        "link": [{"rel": "self", "href": url},
                                 {"rel": "hash", "href": url + ".sha256"},
                                 {"rel": "hash", "href": url + ".sha512"}],
                        "format": {"schema": "https://docs.oasis-open.org/csaf/csaf/v2.0/"
                                             "csaf_json_schema.json", "version": "2.0"},
                        "content": {"type": "application/json", "src": url}})
    feed = {"feed": {"id": "test-csaf-feed-tlp-white", "title": "Test CSAF feed (TLP:WHITE)",
                     "link": [{"rel": "self",
                               "href": f"{base}/.well-known/csaf/feed-tlp-white.json"}],
                     "category": [{"scheme": "urn:ietf:params:rolie:category:information-type",
                                   "term": "csaf"}],
                     "updated": changes[0][1], "entry": entries}}
    write(os.path.join(csaf, "feed-tlp-white.json"), json.dumps(feed, indent=1))
    meta = {"canonical_url": f"{base}/.well-known/csaf/provider-metadata.json",
            "distributions": [
                {"rolie": {"feeds": [{"summary": "TLP:WHITE advisories", "tlp_label": "WHITE",
                                      "url": f"{base}/.well-known/csaf/feed-tlp-white.json"}]}},
                {"directory_url": f"{base}/.well-known/csaf/white/"}],
            "last_updated": changes[0][1], "list_on_CSAF_aggregators": True,
            "metadata_version": "2.0", "mirror_on_CSAF_aggregators": True,
            "publisher": {"category": "coordinator", "name": "Test provider",
                          "namespace": "https://provider.example.test"},
            "role": "csaf_trusted_provider"}
    write(os.path.join(csaf, "provider-metadata.json"), json.dumps(meta, indent=1))
    for name in os.listdir(FIXTURES):
        shutil.copy(os.path.join(FIXTURES, name), os.path.join(root, name))
    write(os.path.join(root, "big.json"), '{"document": "' + "x" * 100000 + '"}')


def imported_ids(medtap, db):
    """The advisories the database holds (an imported copy of a built-in one lists as built-in),
    and the notices `advisories list` shows."""
    out = json.loads(run([medtap, "advisories", "list", "--db", db, "--format", "json"]).stdout)
    with sqlite3.connect(db) as con:
        ids = {row[0] for row in con.execute("SELECT id FROM advisories")}
    return ids, [a for a in out if a.get("origin") == "notice"]


def main():
    medtap = sys.argv[1]
    shared = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "..", "..", "..", "shared")
    problems = []
    with tempfile.TemporaryDirectory() as work:
        # A ward with a CMS8000 and the Epsimed MN-120 relabel: the inventory notices are matched
        # to, and whose models are watched.
        pcap = os.path.join(work, "ward.pcap")
        run([medtap, "simulate", "--beds", "16", "--duration", "2m", "--seed", "3",
             "--scenario", "contec-backdoor", "-o", pcap])
        db = os.path.join(work, "medtap.db")
        run([medtap, "analyze", pcap, "-o", os.path.join(work, "out"), "--db", db])

        root = os.path.join(work, "www")
        server = Server(root)
        base = f"http://127.0.0.1:{server.port}"
        build_tree(root, base, shared)
        provider = f"{base}/.well-known/csaf/provider-metadata.json"

        # 1. First sync: everything but the bad checksum.
        first = run([medtap, "advisories", "sync", provider, "--db", db])
        if os.environ.get("VERBOSE"):
            print(first.stdout, first.stderr)
        ids, _ = imported_ids(medtap, db)
        want = {"ICSMA-25-030-01", "ICSMA-22-244-01", "ICSMA-22-251-01", "ICSMA-21-294-01"}
        if ids != want:
            problems.append(f"imported {sorted(ids)}, expected {sorted(want)}")
        bad = [l for l in first.stderr.splitlines() if "icsma-24-151-02.json" in l]
        if len(bad) != 1 or "SHA-512 mismatch" not in bad[0]:
            problems.append(f"the bad checksum is not one line: {first.stderr!r}")
        if len(first.stderr.splitlines()) != 1:
            problems.append(f"first sync: unexpected errors {first.stderr!r}")
        if Counting.bodies == 0:
            problems.append("first sync transferred nothing")

        # 2. Second sync: conditional requests only.
        Counting.bodies = Counting.not_modified = 0
        second = run([medtap, "advisories", "sync", provider, "--db", db])
        if Counting.bodies != 0:
            problems.append(f"second sync: the server sent {Counting.bodies} bodies, expected 0")
        if Counting.not_modified == 0:
            problems.append("second sync: no 304")
        if "(0 transferred" not in second.stdout or " 0 added, 0 updated" not in second.stdout:
            problems.append(f"second sync summary: {second.stdout.splitlines()[-1]}")
        if len([l for l in second.stderr.splitlines() if "SHA-512 mismatch" in l]) != 1:
            problems.append(f"second sync: the bad checksum is not reported again: {second.stderr!r}")

        # 3. Feeds and recall exports: notices for the items mentioning CMS8000 and MN-120.
        feeds = [f"{base}/fda-medical-devices.rss", f"{base}/cccs-advisories.atom",
                 f"{base}/health-canada-recalls.csv", f"{base}/health-canada-recalls.json"]
        run([medtap, "advisories", "sync", *feeds, "--db", db])
        _, notices = imported_ids(medtap, db)
        got = sorted((n["kind"], n["keyword"]) for n in notices)
        want_notices = sorted([("rss", "CMS8000"), ("atom", "MN-120"),
                               ("health-canada", "CMS8000"), ("health-canada", "MN-120")])
        if got != want_notices:
            problems.append(f"notices {got}, expected {want_notices}")
        for n in notices:
            if "test fixture" not in n["title"] and n["kind"] == "health-canada":
                problems.append(f"notice title {n['title']!r}")
        match = json.loads(run([medtap, "advisories", "match", "--db", db,
                                "--format", "json"]).stdout)
        mentioned = [m for m in match if m.get("status") == "mentioned"]
        models = {m["device"]["model"] for m in mentioned}
        if not {"CMS8000", "MN-120"} <= models:
            problems.append(f"match: notices concern models {sorted(models)}")
        for m in mentioned:
            if "mentions" not in m["reason"]:
                problems.append(f"match reason {m['reason']!r}")
        table = run([medtap, "advisories", "list", "--db", db]).stdout
        if "MENTIONS" not in table:
            problems.append("advisories list: no notice table")

        # 4. Limits and refusals, each one line.
        cfg = os.path.join(work, "small.yaml")
        write(cfg, "advisories:\n  max_response_bytes: 64KiB\n")
        big = run([medtap, "advisories", "sync", f"{base}/big.json", "--db", db, "-c", cfg], 2)
        if "big.json: response larger than 65536 bytes" not in big.stderr:
            problems.append(f"oversized body: {big.stderr!r}")
        redirect = run([medtap, "advisories", "sync", f"{base}/redirect-to-file", "--db", db], 2)
        if len(redirect.stderr.splitlines()) != 2 or "redirect-to-file" not in redirect.stderr:
            problems.append(f"redirect to file://: {redirect.stderr!r}")

        # 5. Offline: the store is kept.
        server.stop()
        offline = run([medtap, "advisories", "sync", provider, "--db", db], 2)
        if "nothing could be fetched" not in offline.stderr:
            problems.append(f"offline: {offline.stderr!r}")
        ids, notices = imported_ids(medtap, db)
        if ids != want or len(notices) != 4:
            problems.append(f"offline sync lost data: {sorted(ids)}, {len(notices)} notices")

        # 6. HTTPS with a throwaway CA.
        key, cert = os.path.join(work, "key.pem"), os.path.join(work, "cert.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=localhost", "-addext",
                        "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out",
                        cert], check=True, capture_output=True)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        root2 = os.path.join(work, "www-tls")
        tls = Server(root2, context)
        tls_base = f"https://127.0.0.1:{tls.port}"
        build_tree(root2, tls_base, shared)
        tls_db = os.path.join(work, "tls.db")
        tls_provider = f"{tls_base}/.well-known/csaf/provider-metadata.json"
        refused = run([medtap, "advisories", "sync", tls_provider, "--db", tls_db], 2)
        if "certificate" not in refused.stderr.lower():
            problems.append(f"HTTPS without the CA: {refused.stderr!r}")
        run([medtap, "advisories", "sync", tls_provider, "--db", tls_db, "--ca-file", cert])
        ids, _ = imported_ids(medtap, tls_db)
        if ids != want:
            problems.append(f"HTTPS: imported {sorted(ids)}")
        tls.stop()

        # 7. A bare domain asks for its well-known provider-metadata.json (nothing listens on
        #    port 443 of this name here: one line, offline).
        domain = run([medtap, "advisories", "sync", "localhost", "--db", tls_db, "--timeout", "5"], 2)
        if "https://localhost/.well-known/csaf/provider-metadata.json" not in domain.stderr:
            problems.append(f"bare domain: {domain.stderr!r}")

    for p in problems:
        print("FAIL:", p)
    if problems:
        sys.exit(1)
    print("advisories sync: provider, ROLIE, directory, checksums, 304s, feeds, recalls, "
          "offline and HTTPS all as expected")


if __name__ == "__main__":
    main()
