#!/usr/bin/env python3
"""Differential run: one scripted Images-v1 scenario sent identically to the real
Glance 15.0.2 (the peer) and to glint, responses compared after normalization.

    diff.py --peer http://127.0.0.1:P --glint http://127.0.0.1:G [--report FILE] [--verbose]

Every request is sent to the peer first, then to glint, with the same headers and body
(keystonemiddleware-style identity headers). For each step the differ compares:
  * the status code;
  * selected headers: content-type, allow, location (host:port and image ids
    normalized), etag, every x-image-meta-* header (names case-insensitive);
  * the body: JSON as parsed objects (key order irrelevant, list order relevant),
    image data by digest, anything else byte for byte -- after image ids are replaced
    by IMG<n> (n = creation order, learned from each server's own create answers),
    timestamps by <TS>, and http://127.0.0.1:<port> by http://HOST.

Differences are then matched against EXPECTED (expected.py): each entry names the steps it
covers, the DECISIONS.md number (or other documented reason) and a predicate that must
hold on the two responses -- a difference of another shape stays unexpected.

Exit status: 0 when every difference is expected, 1 otherwise, 2 on a harness error.
Only stdlib + requests.
"""

import argparse
import hashlib
import json
import re
import sys
from collections import OrderedDict

import requests

from actors import A, ADMIN, B, C, D, E, F, MISSING
from expected import EXPECTED
from scenario import scenario


# ---------------------------------------------------------------------------------------
# Normalization

TS_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
HOST_RE = re.compile(r"http://127\.0\.0\.1:\d+")
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
GLANCE_TS_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$")


def ts_token(m):
    # keep the *shape* of the timestamp comparable: Glance's isoformat() is
    # YYYY-MM-DDTHH:MM:SS[.ffffff] (no zone); anything else shows up as a difference.
    return "<TS>" if GLANCE_TS_SHAPE.match(m.group(0)) else "<TS:" + re.sub(r"\d", "9", m.group(0)) + ">"


class Server:
    def __init__(self, name, base):
        self.name = name
        self.base = base.rstrip("/")
        self.ids = OrderedDict()  # image id -> IMGn
        self.others = {}  # other uuids -> UUIDn
        self.session = requests.Session()

    def learn(self, image_id, n):
        self.ids[image_id] = "IMG%d" % n

    def id_of(self, n):
        for k, v in self.ids.items():
            if v == "IMG%d" % n:
                return k
        return "no-such-image-%d" % n  # create failed on this server

    def norm_text(self, s):
        for k, v in self.ids.items():
            s = s.replace(k, v)
        # ids this server made without a 201 (e.g. an image killed by a failed create):
        # numbered by first appearance, which is the same on both servers.
        s = UUID_RE.sub(self.other_id, s)
        s = HOST_RE.sub("http://HOST", s)
        s = TS_RE.sub(ts_token, s)
        return s

    def other_id(self, m):
        u = m.group(0)
        if u == MISSING:
            return u
        if u not in self.others:
            self.others[u] = "UUID%d" % (len(self.others) + 1)
        return self.others[u]

    def norm_json(self, o):
        if isinstance(o, dict):
            return {self.norm_text(k): self.norm_json(v) for k, v in o.items()}
        if isinstance(o, list):
            return [self.norm_json(v) for v in o]
        if isinstance(o, str):
            return self.norm_text(o)
        return o


class Resp:
    """A response as the differ sees it: raw and normalized."""

    def __init__(self, server, method, r):
        self.status = r.status_code
        self.reason = r.reason
        self.raw_headers = list(r.raw.headers.items()) if r.raw is not None else list(r.headers.items())
        self.body = r.content
        h = {k.lower(): v for k, v in r.headers.items()}
        sel = {}
        for k in ("content-type", "allow", "location", "etag"):
            if k in h:
                sel[k] = server.norm_text(h[k])
        for k, v in h.items():
            if k.startswith("x-image-meta-"):
                sel[k] = server.norm_text(v)
        self.headers = sel
        ctype = h.get("content-type", "")
        self.kind = "empty"
        self.norm_body = None
        if method == "HEAD" or not self.body:
            self.kind = "empty"
            self.norm_body = b""
        elif ctype.startswith("application/octet-stream"):
            self.kind = "data"
            self.norm_body = "%d bytes md5 %s" % (len(self.body), hashlib.md5(self.body).hexdigest())
        else:
            text = self.body.decode("utf-8", "replace")
            if ctype.startswith("application/json"):
                try:
                    self.kind = "json"
                    self.norm_body = server.norm_json(json.loads(text))
                except ValueError:
                    self.kind = "text"
                    self.norm_body = server.norm_text(text)
            else:
                self.kind = "text"
                self.norm_body = server.norm_text(text)
        self.json = None
        if self.kind == "json":
            self.json = self.norm_body

    def text(self):
        return self.norm_body if isinstance(self.norm_body, str) else json.dumps(self.norm_body)

    def dump(self):
        lines = ["HTTP %d %s" % (self.status, self.reason)]
        for k, v in self.raw_headers:
            if k.lower() in ("date", "x-openstack-request-id"):
                continue
            lines.append("%s: %s" % (k, v))
        lines.append("")
        if self.kind == "data":
            lines.append("<%s>" % self.norm_body)
        elif not self.body:
            lines.append("<empty body>")
        else:
            lines.append(self.body.decode("utf-8", "replace"))
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------


class Differ:
    def __init__(self, peer, glint, verbose=False):
        self.servers = [Server("glance", peer), Server("glint", glint)]
        self.results = []  # (key, title, req, peer Resp, glint Resp, verdict, tag)
        self.keys = set()
        self.verbose = verbose
        self.created = 0

    def send(self, key, title, method, path, caller, headers=None, body=None, accept="*/*",
             create=False):
        """path may contain {IMGn}; substituted per server with that server's id."""
        if key in self.keys:
            raise SystemExit("duplicate step key %s" % key)
        self.keys.add(key)
        out = []
        if create:
            self.created += 1
        for s in self.servers:
            p = re.sub(r"\{IMG(\d+)\}", lambda m: s.id_of(int(m.group(1))), path)
            h = dict(caller)
            h["Accept"] = accept  # None: no Accept header at all
            h["Accept-Encoding"] = None
            h["User-Agent"] = "glint-peer-diff"
            h.update(headers or {})
            data = body
            if isinstance(body, (dict, list)) or (body is not None and not isinstance(body, (bytes, str))):
                data = json.dumps(body)
                h.setdefault("Content-Type", "application/json")
            elif isinstance(body, str):
                h.setdefault("Content-Type", "application/json")
            r = s.session.request(method, s.base + p, headers=h, data=data, allow_redirects=False,
                                  timeout=60)
            if create and r.status_code == 201:
                try:
                    s.learn(r.json()["image"]["id"], self.created)
                except Exception:
                    pass
            out.append(Resp(s, method, r))
        pr, gr = out
        diffs = compare(pr, gr)
        verdict, tag = "identical", None
        if diffs:
            verdict = "UNEXPECTED"
            for e in EXPECTED:
                if key in e["steps"]:
                    try:
                        ok = e["check"](pr, gr)
                    except Exception:
                        ok = False
                    if ok:
                        verdict, tag = "expected", e["tag"]
                        break
        req = "%s %s  [%s]" % (method, path, describe_caller(caller, accept, headers, body))
        self.results.append(dict(key=key, title=title, req=req, peer=pr, glint=gr, verdict=verdict,
                                 tag=tag, diffs=diffs))
        if self.verbose:
            print("%-12s %-45s %d/%d" % (verdict if not tag else tag, key, pr.status, gr.status))
        return pr, gr


def describe_caller(caller, accept, headers, body):
    t = caller.get("X-Tenant-Id", "anonymous")
    t = {A: "A(owner)", B: "B", C: "C", D: "D", E: "E", F: "F(outsider)", ADMIN: "admin"}.get(t, t)
    parts = [t]
    if accept != "*/*":
        parts.append("Accept: %s" % accept)
    if headers:
        parts.extend("%s: %s" % kv for kv in headers.items())
    if body is not None:
        if isinstance(body, bytes):
            b = "<%d bytes>" % len(body) if len(body) > 80 else body.decode("utf-8", "replace")
        elif isinstance(body, str):
            b = body
        else:
            b = json.dumps(body)
        if len(b) > 160:
            b = b[:160] + "..."
        parts.append("body " + b)
    return "; ".join(parts)


def compare(p, g):
    d = []
    if p.status != g.status:
        d.append("status %d vs %d" % (p.status, g.status))
    for k in sorted(set(p.headers) | set(g.headers)):
        if p.headers.get(k) != g.headers.get(k):
            d.append("header %s: %r vs %r" % (k, p.headers.get(k), g.headers.get(k)))
    if p.kind != g.kind or p.norm_body != g.norm_body:
        if p.kind == g.kind == "json":
            paths = json_diff(p.norm_body, g.norm_body, "$")
            d.append("json body differs at %s" % ", ".join(paths[:8]) + (" ..." if len(paths) > 8 else ""))
        else:
            d.append("body differs (%s vs %s)" % (p.kind, g.kind))
    return d


def json_diff(a, b, path):
    """Paths where two normalized JSON values differ, with both values when short."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append("%s.%s (only in %s)" % (path, k, "glance" if k in a else "glint"))
            else:
                out.extend(json_diff(a[k], b[k], "%s.%s" % (path, k)))
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return ["%s (length %d vs %d)" % (path, len(a), len(b))]
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            out.extend(json_diff(x, y, "%s[%d]" % (path, i)))
        return out
    if a != b:
        return ["%s (%s vs %s)" % (path, json.dumps(a)[:60], json.dumps(b)[:60])]
    return []


# ---------------------------------------------------------------------------------------


def report(x, out):
    res = x.results
    n = len(res)
    ident = [r for r in res if r["verdict"] == "identical"]
    exp = [r for r in res if r["verdict"] == "expected"]
    unexp = [r for r in res if r["verdict"] == "UNEXPECTED"]
    w = out.write
    w("# glint vs Glance 15.0.2 (v1) differential run\n\n")
    w("requests compared: %d\nidentical: %d\nexpected differences: %d\nunexpected differences: %d\n\n"
      % (n, len(ident), len(exp), len(unexp)))
    by_tag = OrderedDict()
    for r in exp:
        by_tag.setdefault(r["tag"], []).append(r)
    w("## Expected differences by tag\n\n")
    for tag, rs in by_tag.items():
        whys = {e["tag"] + ":" + e["why"] for e in EXPECTED if e["tag"] == tag and
                any(r["key"] in e["steps"] for r in rs)}
        w("- %s (%d): %s\n" % (tag, len(rs), ", ".join(r["key"] for r in rs)))
        for why in sorted(whys):
            w("    - %s\n" % why.split(":", 1)[1])
    w("\n## Unexpected differences\n\n")
    if not unexp:
        w("none\n")
    for r in unexp:
        w("### %s -- %s\n%s\n" % (r["key"], r["title"], r["req"]))
        w("differences: %s\n\n" % "; ".join(r["diffs"]))
        w("--- Glance 15.0.2 ---\n%s\n\n--- glint ---\n%s\n\n" % (r["peer"].dump(), r["glint"].dump()))
    w("\n## All steps\n\n")
    for r in res:
        w("%-10s %-3d %-3d %s\n" % (r["tag"] or r["verdict"], r["peer"].status, r["glint"].status, r["key"]))
    # allowlist entries that matched nothing (stale) are worth knowing about
    used = {r["key"] for r in exp}
    stale = [k for e in EXPECTED for k in e["steps"] if k not in used and k in x.keys]
    if stale:
        w("\nallowlisted steps that turned out identical (or unexpected): %s\n" % ", ".join(stale))
    return len(unexp)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--peer", required=True)
    ap.add_argument("--glint", required=True)
    ap.add_argument("--report", help="also write the report here")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    x = Differ(a.peer, a.glint, a.verbose)
    try:
        scenario(x)
    except requests.RequestException as exc:
        print("peer_diff: request failed: %s" % exc, file=sys.stderr)
        return 2
    import io
    buf = io.StringIO()
    bad = report(x, buf)
    text = buf.getvalue()
    sys.stdout.write(text)
    if a.report:
        with open(a.report, "w") as fh:
            fh.write(text)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
