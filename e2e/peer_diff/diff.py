#!/usr/bin/env python3
"""Differential run: one scripted scenario sent identically to a real Glance (the peer) and
to glint, responses compared after normalization. Two profiles:

  * v1: Images v1 against Glance 15.0.2 (scenario.py, expected.py);
  * v2: Images v2 against Glance 33.0.0 in secure-RBAC mode (scenario_v2.py,
    expected_v2.py), in sections; only the enforced sections decide the exit status.

    diff.py --peer http://127.0.0.1:P --glint http://127.0.0.1:G [--api v1|v2]
            [--enforce SECTION,...|all] [--report FILE] [--verbose]

Every request is sent to the peer first, then to glint, with the same headers and body
(keystonemiddleware-style identity headers). For each step the differ compares:
  * the status code;
  * selected headers: content-type, allow, location (host:port and image ids
    normalized), etag, every x-image-meta-* header (names case-insensitive);
  * the body: JSON as parsed objects (key order irrelevant, list order relevant),
    image data by digest, anything else byte for byte -- after image ids are replaced
    by IMG<n> (n = creation order, learned from each server's own create answers),
    timestamps by <TS>, and http://127.0.0.1:<port> by http://HOST.

Differences are then matched against EXPECTED (expected.py / expected_v2.py): each entry
names the steps it covers, the DECISIONS.md number (or other documented reason) and a
predicate that must hold on the two responses -- a difference of another shape stays
unexpected.

Exit status: 0 when every difference in an enforced section is expected, 1 otherwise,
2 on a harness error.
Only stdlib + requests.
"""

import argparse
import hashlib
import json
import re
import sys
from collections import OrderedDict

import requests

from actors import A, ADMIN, B, C, D, E, F, MISSING, Chunked


class Profile:
    """What differs between the v1 and the v2 runs."""

    def __init__(self, api):
        self.api = api
        if api == "v1":
            from expected import EXPECTED
            from scenario import scenario

            self.title = "Glance 15.0.2 (v1)"
            self.sections = ("v1",)
            self.default_enforced = ("v1",)
            # Glance 15's isoformat(): YYYY-MM-DDTHH:MM:SS[.ffffff], no zone.
            self.ts_shape = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$")
            self.headers = ("content-type", "allow", "location", "etag")
            self.header_prefixes = ("x-image-meta-",)
            self.created_id = lambda o: o["image"]["id"]
            self.unordered_tags = False
        else:
            from expected_v2 import EXPECTED
            from scenario_v2 import DEFAULT_ENFORCED, SECTIONS, scenario

            self.title = "Glance 33.0.0 (v2, secure RBAC)"
            self.sections = SECTIONS
            self.default_enforced = DEFAULT_ENFORCED
            # v2 timestamps: YYYY-MM-DDTHH:MM:SSZ (v2-sharing Q8).
            self.ts_shape = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
            self.headers = ("content-type", "allow", "location", "etag", "content-range",
                            "content-md5", "accept-patch", "openstack-image-import-methods",
                            "openstack-image-store-ids")
            self.header_prefixes = ()
            self.created_id = lambda o: o["id"]
            self.unordered_tags = True
        self.expected = EXPECTED
        self.scenario = scenario


# ---------------------------------------------------------------------------------------
# Normalization

TS_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
HOST_RE = re.compile(r"http://127\.0\.0\.1:\d+")
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class Server:
    def __init__(self, name, base, profile):
        self.name = name
        self.base = base.rstrip("/")
        self.profile = profile
        self.ids = OrderedDict()  # image id -> IMGn
        self.others = {}  # other uuids -> UUIDn
        self.raw = {}  # step key -> this server's requests.Response (for next links)
        self.strays = []  # ids created on steps that should have failed
        self.session = requests.Session()

    def ts_token(self, m):
        # keep the *shape* of the timestamp comparable: a timestamp of another shape than the
        # peer's shows up as a difference.
        if self.profile.ts_shape.match(m.group(0)):
            return "<TS>"
        return "<TS:" + re.sub(r"\d", "9", m.group(0)) + ">"

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
        s = TS_RE.sub(self.ts_token, s)
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
            out = {self.norm_text(k): self.norm_json(v) for k, v in o.items()}
            if self.profile.unordered_tags and isinstance(out.get("tags"), list):
                # v2: Glance keeps an image's tags in a Python set, so their order varies from
                # process to process (hash randomization); compare them as a set.
                out["tags"] = sorted(out["tags"], key=json.dumps)
            return out
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
        for k in server.profile.headers:
            if k in h:
                sel[k] = server.norm_text(h[k])
        for k, v in h.items():
            if k.startswith(server.profile.header_prefixes or ("\0",)):
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


def failed_response(exc):
    """A stand-in response (status 0) for a request that got no HTTP answer."""
    r = requests.models.Response()
    r.status_code = 0
    r.reason = "no response: %s" % type(exc).__name__
    r._content = ("no HTTP response: %s" % exc).encode()
    r.headers["Content-Type"] = "text/x-connection-error"
    return r


# ---------------------------------------------------------------------------------------


class Differ:
    def __init__(self, peer, glint, profile, enforced, verbose=False):
        self.profile = profile
        self.servers = [Server("glance", peer, profile), Server("glint", glint, profile)]
        self.results = []  # dicts: key, title, req, peer, glint, verdict, tag, diffs, section
        self.keys = set()
        self.verbose = verbose
        self.created = 0
        self.current_section = profile.sections[0]
        self.enforced = set(enforced)
        self.notes = []  # harness actions worth reporting (e.g. strays deleted)

    def section(self, name):
        """Steps sent from now on belong to section `name`."""
        if name not in self.profile.sections:
            raise SystemExit("unknown section %s" % name)
        self.current_section = name

    def clear_strays(self, caller):
        """Deletes, uncompared, the images a server created on a create step marked `stray`
        (one that should fail): the difference is reported at that step, and removing the
        image keeps later lists comparable."""
        for s in self.servers:
            for image_id in s.strays:
                r = s.session.delete(s.base + "/v2/images/" + image_id, headers=dict(caller), timeout=60)
                self.notes.append("%s created an image on a failing step; deleted it again (%d)"
                                  % (s.name, r.status_code))
            s.strays = []

    def bulk(self, label, method, path, caller, bodies):
        """Uncompared set-up calls (e.g. filling a member list up to the quota): sent to both
        servers; if their statuses ever differ, that is noted in the report."""
        for s in self.servers:
            p = re.sub(r"\{IMG(\d+)\}", lambda m: s.id_of(int(m.group(1))), path)
            statuses = {}
            for body in bodies:
                try:
                    code = s.session.request(method, s.base + p, timeout=60, data=json.dumps(body),
                                             headers=dict(caller, **{"Content-Type": "application/json"})).status_code
                except requests.RequestException:
                    s.session = requests.Session()
                    code = 0
                statuses[code] = statuses.get(code, 0) + 1
            s.bulk_statuses = statuses
        a, b = (s.bulk_statuses for s in self.servers)
        self.notes.append("%s: %d uncompared calls; statuses glance %s, glint %s%s" % (
            label, len(bodies), a, b, "" if a == b else "  <-- DIFFERENT"))

    def send(self, key, title, method, path, caller, headers=None, body=None, accept="*/*",
             create=False, stray=False):
        """path may contain {IMGn}, substituted per server with that server's id, or be a
        function of the server (e.g. to follow a `next` link it answered earlier)."""
        if key in self.keys:
            raise SystemExit("duplicate step key %s" % key)
        self.keys.add(key)
        out = []
        if create:
            self.created += 1
        for s in self.servers:
            p = path(s) if callable(path) else path
            p = re.sub(r"\{IMG(\d+)\}", lambda m: s.id_of(int(m.group(1))), p)
            h = dict(caller)
            h["Accept"] = accept  # None: no Accept header at all
            h["Accept-Encoding"] = None
            h["User-Agent"] = "glint-peer-diff"
            h.update(headers or {})
            data = body
            if isinstance(body, Chunked):
                data = iter([body.data])  # a generator: requests sends it chunked
            elif isinstance(body, (dict, list)) or (body is not None and not isinstance(body, (bytes, str))):
                data = json.dumps(body)
                h.setdefault("Content-Type", "application/json")
            elif isinstance(body, str):
                h.setdefault("Content-Type", "application/json")
            try:
                r = s.session.request(method, s.base + p, headers=h, data=data, allow_redirects=False,
                                      timeout=60)
            except requests.RequestException as exc:
                # A server that drops the connection is a difference, not a harness error:
                # record it and go on (a fresh session, the old one may hold a dead socket).
                s.session = requests.Session()
                r = failed_response(exc)
            s.raw[key] = r
            if (create or stray) and r.status_code == 201:
                try:
                    image_id = self.profile.created_id(r.json())
                    if create:
                        s.learn(image_id, self.created)
                    else:
                        s.strays.append(image_id)
                except Exception:
                    pass
            out.append(Resp(s, method, r))
        pr, gr = out
        diffs = compare(pr, gr)
        verdict, tag = "identical", None
        if diffs:
            verdict = "UNEXPECTED" if self.current_section in self.enforced else "unexpected*"
            for e in self.profile.expected:
                if key in e["steps"]:
                    try:
                        ok = e["check"](pr, gr)
                    except Exception:
                        ok = False
                    if ok:
                        verdict, tag = "expected", e["tag"]
                        break
        shown = path if not callable(path) else getattr(path, "shown", "<computed>")
        req = "%s %s  [%s]" % (method, shown, describe_caller(caller, accept, headers, body))
        self.results.append(dict(key=key, title=title, req=req, peer=pr, glint=gr, verdict=verdict,
                                 tag=tag, diffs=diffs, section=self.current_section))
        if self.verbose:
            print("%-12s %-45s %d/%d" % (verdict if not tag else tag, key, pr.status, gr.status))
        return pr, gr


def describe_caller(caller, accept, headers, body):
    t = caller.get("X-Tenant-Id", "anonymous" if "X-Identity-Status" not in caller else "no project")
    t = {A: "A(owner)", B: "B", C: "C", D: "D", E: "E", F: "F(outsider)", ADMIN: "admin"}.get(t, t)
    if caller.get("X-Roles") not in (None, "member", "admin", "reader,member", "admin,member,reader"):
        t += " roles=" + caller["X-Roles"]
    parts = [t]
    if accept != "*/*":
        parts.append("Accept: %s" % accept)
    if headers:
        parts.extend("%s: %s" % kv for kv in headers.items())
    if body is not None:
        if isinstance(body, Chunked):
            b = "<%d bytes, chunked>" % len(body)
        elif isinstance(body, bytes):
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
    info = [r for r in res if r["verdict"] == "unexpected*"]
    w = out.write
    w("# glint vs %s differential run\n\n" % x.profile.title)
    w("requests compared: %d\nidentical: %d\nexpected differences: %d\nunexpected differences: %d\n"
      % (n, len(ident), len(exp), len(unexp)))
    if len(x.profile.sections) > 1:
        w("unexpected differences in sections not enforced (reported, not failing): %d\n"
          % len(info))
        w("\n| section | enforced | requests | identical | expected | unexpected |\n|---|---|---|---|---|---|\n")
        for sec in x.profile.sections:
            rs = [r for r in res if r["section"] == sec]
            w("| %s | %s | %d | %d | %d | %d |\n" % (
                sec, "yes" if sec in x.enforced else "no", len(rs),
                sum(r["verdict"] == "identical" for r in rs), sum(r["verdict"] == "expected" for r in rs),
                sum(r["verdict"] in ("UNEXPECTED", "unexpected*") for r in rs)))
    w("\n")
    by_tag = OrderedDict()
    for r in exp:
        by_tag.setdefault(r["tag"], []).append(r)
    w("## Expected differences by tag\n\n")
    for tag, rs in by_tag.items():
        whys = {e["tag"] + ":" + e["why"] for e in x.profile.expected if e["tag"] == tag and
                any(r["key"] in e["steps"] for r in rs)}
        w("- %s (%d): %s\n" % (tag, len(rs), ", ".join(r["key"] for r in rs)))
        for why in sorted(whys):
            w("    - %s\n" % why.split(":", 1)[1])
    for title, rows in (("Unexpected differences", unexp),
                        ("Unexpected differences in sections not enforced", info)):
        if title.endswith("enforced") and len(x.profile.sections) == 1:
            continue
        w("\n## %s\n\n" % title)
        if not rows:
            w("none\n")
        for r in rows:
            w("### %s -- %s\n%s\n" % (r["key"], r["title"], r["req"]))
            w("differences: %s\n\n" % "; ".join(r["diffs"]))
            w("--- %s ---\n%s\n\n--- glint ---\n%s\n\n" % (x.profile.title, r["peer"].dump(), r["glint"].dump()))
    w("\n## All steps\n\n")
    for r in res:
        w("%-12s %-3d %-3d %s\n" % (r["tag"] or r["verdict"], r["peer"].status, r["glint"].status, r["key"]))
    if x.notes:
        w("\n## Harness notes\n\n")
        for note in x.notes:
            w("- %s\n" % note)
    # allowlist entries that matched nothing (stale) are worth knowing about
    used = {r["key"] for r in exp}
    stale = [k for e in x.profile.expected for k in e["steps"] if k not in used and k in x.keys]
    if stale:
        w("\nallowlisted steps that turned out identical (or unexpected): %s\n" % ", ".join(stale))
    missing = [k for e in x.profile.expected for k in e["steps"] if k not in x.keys]
    if missing:
        w("\nallowlisted steps the scenario does not send (typos?): %s\n" % ", ".join(missing))
    return len(unexp)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--peer", required=True)
    ap.add_argument("--glint", required=True)
    ap.add_argument("--api", choices=("v1", "v2"), default="v1")
    ap.add_argument("--enforce", help="comma-separated sections whose unexpected differences fail "
                    "the run, or 'all' (default: the profile's DEFAULT_ENFORCED)")
    ap.add_argument("--report", help="also write the report here")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    profile = Profile(a.api)
    if not a.enforce:
        enforced = profile.default_enforced
    elif a.enforce == "all":
        enforced = profile.sections
    else:
        enforced = [e.strip() for e in a.enforce.split(",") if e.strip()]
        unknown = [e for e in enforced if e not in profile.sections]
        if unknown:
            print("peer_diff: unknown section(s) %s; sections: %s" % (", ".join(unknown),
                  ", ".join(profile.sections)), file=sys.stderr)
            return 2
    x = Differ(a.peer, a.glint, profile, enforced, a.verbose)
    try:
        profile.scenario(x)
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
