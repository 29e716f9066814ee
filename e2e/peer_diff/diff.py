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

Differences are then matched against EXPECTED (below): each entry names the steps it
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

# ---------------------------------------------------------------------------------------
# Callers (keystonemiddleware headers)
A = "a" * 32  # owner
B = "b" * 32  # plain member
C = "c" * 32  # member with can_share (sharer)
D = "d" * 32
E = "e" * 32
F = "f" * 32  # outsider
ADMIN = "admin-project"

MISSING = "00000000-0000-0000-0000-000000000000"


def who(tenant, roles="member"):
    if tenant is None:  # unauthenticated
        return {}
    return {
        "X-Identity-Status": "Confirmed",
        "X-Tenant-Id": tenant,
        "X-Project-Id": tenant,
        "X-User-Id": "user-" + tenant,
        "X-Roles": roles,
    }


def admin():
    return who(ADMIN, "admin")


IMAGE_DATA = bytes(range(256)) * 16  # 4096 bytes
OTHER_DATA = b"glint-peer-diff\n" * 64  # 1024 bytes

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
# Expected differences. Each: tag (DECISIONS number or other documented reason), the
# step keys it covers, why, and a predicate on (peer, glint) that must hold.


def st(p, g, ps, gs):
    return p.status == ps and g.status == gs


def members_of(r):
    return r.json.get("members") if isinstance(r.json, dict) else None


def is_400_text(g, needle=None):
    return g.status == 400 and (needle is None or needle in (g.text() or ""))


EXPECTED = [
    # NOTYET-v2: README "Not yet implemented: Images API v2" -- glint lists only v1.x.
    dict(tag="NOTYET-v2", steps=["versions-root", "versions-list"],
         why="glint serves only v1 (README: Images API v2 not yet implemented); its version "
             "document is Glance's minus the v2.x entries",
         check=lambda p, g: p.status == g.status and isinstance(p.json, dict) and isinstance(g.json, dict)
         and g.json.get("versions") == [v for v in p.json.get("versions", []) if not v["id"].startswith("v2")]
         and g.headers == p.headers),
    # D1: flat add-member body ({"can_share": true} on existing member D: both 204, then the
    # lists differ).
    dict(tag="D1", steps=["list-after-flat-body"],
         why="consequence of D1: glint set can_share true from the flat body, Glance left it false",
         check=lambda p, g: p.status == g.status == 200 and
         [m for m in members_of(p) if m["member_id"] != D] == [m for m in members_of(g) if m["member_id"] != D]
         and {"member_id": D, "can_share": False} in members_of(p)
         and {"member_id": D, "can_share": True} in members_of(g)),
    dict(tag="D1", steps=["add-flat-body-other-member-id", "add-member-not-object",
                          "add-member-array-body"],
         why="any other add-member body shape -> 400 in glint; Glance ignores it (204)",
         check=lambda p, g: st(p, g, 204, 400)),
    # D2: can_share strings.
    # D2: "false" on D (both 204, then the lists differ).
    dict(tag="D2", steps=["list-after-string-false"],
         why="consequence of D2: Glance stored can_share true for \"false\", glint false",
         check=lambda p, g: p.status == g.status == 200 and
         {"member_id": D, "can_share": True} in members_of(p)
         and {"member_id": D, "can_share": False} in members_of(g)),
    dict(tag="D2", steps=["add-can-share-string-maybe", "add-can-share-null", "add-can-share-number"],
         why="can_share other than booleans / \"true\"/\"false\" -> 400 in glint; Glance: truthiness, 204",
         check=lambda p, g: st(p, g, 204, 400)),
    # D3: re-add removed member without body.
    dict(tag="D3", steps=["list-after-readd-no-body"],
         why="re-adding a removed member without a body: glint adds it (can_share false), Glance does not",
         check=lambda p, g: p.status == g.status == 200 and
         [m for m in members_of(g) if m["member_id"] != B] == members_of(p)
         and {"member_id": B, "can_share": False} in members_of(g)),
    # D5: replace body validation messages.
    # D4: replace revives a removed member (E, removed while can_share true) without can_share.
    dict(tag="D4", steps=["list-after-replace", "list-after-bad-replaces"],
         why="replace listing a removed member without can_share: glint makes it false, Glance revives the "
             "old row with can_share true",
         check=lambda p, g: p.status == g.status == 200 and
         [m for m in members_of(p) if m["member_id"] != E] == [m for m in members_of(g) if m["member_id"] != E]
         and {"member_id": E, "can_share": True} in members_of(p)
         and {"member_id": E, "can_share": False} in members_of(g)),
    dict(tag="D5", steps=["replace-memberships-not-list", "replace-without-memberships"],
         why="both 400; glint's message names the problem instead of Glance's Python error text",
         check=lambda p, g: st(p, g, 400, 400) and p.headers.get("content-type") == g.headers.get("content-type")),
    dict(tag="D5", steps=["replace-member-id-only-body"],
         why="Glance treats a body without memberships as one membership (204); glint: 400 memberships is required",
         check=lambda p, g: st(p, g, 204, 400)),
    # D7: delegated sharers.
    dict(tag="D7", steps=["list-members-as-sharer"],
         why="a sharer lists all members in glint; Glance shows it only its own row",
         check=lambda p, g: p.status == g.status == 200 and members_of(p) == [m for m in members_of(g) if m["member_id"] == C]
         and len(members_of(g)) > 1),
    dict(tag="D7", steps=["sharer-deletes-other-member"],
         why="a sharer may remove any member in glint (204); Glance: 404 Membership could not be found",
         check=lambda p, g: st(p, g, 404, 204)),
    dict(tag="D7", steps=["list-after-sharer-replace"],
         why="a sharer's replace acts on the whole list in glint; in Glance it cannot see the other members, "
             "so they stay",
         check=lambda p, g: p.status == g.status == 200 and members_of(g) == [{"member_id": C, "can_share": True}]
         and len(members_of(p)) > 1),
    dict(tag="D7", steps=["list-after-resync"],
         why="consequence of D7: glint's sharer replace removed B, D, E, so the owner's resync re-created "
             "them after C; Glance kept the original rows -- same memberships, different order",
         check=lambda p, g: p.status == g.status == 200 and members_of(p) != members_of(g) and
         sorted(members_of(p), key=lambda m: m["member_id"]) == sorted(members_of(g), key=lambda m: m["member_id"])),
    dict(tag="D7", steps=["shared-images-of-member-as-sharer"],
         why="/v1/shared-images/{t} asked by a sharer of the image: glint lists the memberships on images the "
             "caller may share (D7 clarification); Glance shows a non-owner only its own rows (empty)",
         check=lambda p, g: p.status == g.status == 200 and p.json == {"shared_images": []}
         and len(g.json["shared_images"]) > 0),
    # D8: quota on update of an existing member.
    dict(tag="D8", steps=["add-existing-member-at-quota"],
         why="only a new membership counts against image_member_quota in glint; Glance 413",
         check=lambda p, g: st(p, g, 413, 204)),
    # D9: bodies that crash Glance.
    dict(tag="D9", steps=["replace-no-body", "replace-array-body", "replace-memberships-null",
                          "delete-member-with-body", "list-members-with-body",
                          "replace-memberships-number"],
         why="Glance answers 500 (TypeError); glint 400 naming the problem",
         check=lambda p, g: st(p, g, 500, 400)),
    dict(tag="D9", steps=["shared-images-get-with-body"],
         why="GET /v1/shared-images with a body: Glance 500, glint 400 (D9 clarification)",
         check=lambda p, g: st(p, g, 500, 400)),
    # D11: member PUT/DELETE of the image.
    dict(tag="D11", steps=["member-updates-image", "member-deletes-image"],
         why="Glance 500 on a member's v1 PUT/DELETE of the image; glint 404 like any image the caller may "
             "not modify",
         check=lambda p, g: p.status in (500, 403) and g.status == 404),
    # D12: other methods on /v1/shared-images.
    dict(tag="D12", steps=["shared-images-post", "shared-images-put", "shared-images-delete"],
         why="Glance answers every method like GET (200); glint 405 Allow: GET, HEAD",
         check=lambda p, g: p.status == 200 and g.status == 405 and g.headers.get("allow") == "GET, HEAD"),
    # D19: member_id validation.
    dict(tag="D19", steps=["add-member-id-too-long", "add-member-id-control-char"],
         why="member_id longer than 255 chars / with control chars: glint 400; Glance stores it (SQLite "
             "does not enforce the column length)",
         check=lambda p, g: g.status == 400 and p.status in (204, 500)),
]

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
# The scenario


def scenario(x):
    S = x.send
    own, b, c, dd, e, f, adm = who(A), who(B), who(C), who(D), who(E), who(F), admin()
    meta = lambda **kw: {"x-image-meta-" + k.replace("__", "-"): v for k, v in kw.items()}
    octet = {"Content-Type": "application/octet-stream"}

    # -- versions -------------------------------------------------------------------------
    S("versions-root", "GET / (300 Multiple Choices)", "GET", "/", {})
    S("versions-list", "GET /versions", "GET", "/versions", {})

    # -- authentication -------------------------------------------------------------------
    S("unauthenticated-list", "no identity headers", "GET", "/v1/images", {}, accept=None)
    S("unauthenticated-list-html", "no identity headers, Accept */*", "GET", "/v1/images", {})

    # -- create ---------------------------------------------------------------------------
    S("create-with-data", "owner creates a private image with data", "POST", "/v1/images", own,
      headers=dict(octet, **meta(name="diff-one", disk_format="raw", container_format="bare",
                                 is_public="false", property__custom="v1")),
      body=IMAGE_DATA, create=True)  # IMG1
    S("create-reserve", "owner reserves an image (no data)", "POST", "/v1/images", own,
      headers=meta(name="diff-two", disk_format="qcow2", container_format="bare"), create=True)  # IMG2
    S("create-protected", "owner reserves a protected image", "POST", "/v1/images", own,
      headers=meta(name="diff-protected", disk_format="raw", container_format="bare", protected="true",
                   min_ram="512", min_disk="1"), create=True)  # IMG3
    S("admin-create-public", "admin creates a public image with data", "POST", "/v1/images", adm,
      headers=dict(octet, **meta(name="diff-public", disk_format="iso", container_format="bare",
                                 is_public="true")), body=OTHER_DATA, create=True)  # IMG4
    S("create-to-delete", "owner reserves an image it will delete", "POST", "/v1/images", own,
      headers=meta(name="diff-doomed", disk_format="raw", container_format="ovf"), create=True)  # IMG5
    S("member-create-public", "non-admin creates a public image (403)", "POST", "/v1/images", own,
      headers=meta(name="diff-nope", disk_format="raw", container_format="bare", is_public="true"))
    S("create-bad-disk-format", "invalid disk_format", "POST", "/v1/images", own,
      headers=meta(name="diff-bad", disk_format="floppy", container_format="bare"), accept=None)
    S("create-checksum-mismatch", "declared checksum differs from the data", "POST", "/v1/images", own,
      headers=dict(octet, **meta(name="diff-sum", disk_format="raw", container_format="bare",
                                 checksum="0" * 32)), body=IMAGE_DATA, accept=None)

    # -- show -----------------------------------------------------------------------------
    S("head-image", "HEAD own image", "HEAD", "/v1/images/{IMG1}", own)
    S("get-image", "download own image", "GET", "/v1/images/{IMG1}", own)
    S("head-reserved", "HEAD a queued image", "HEAD", "/v1/images/{IMG2}", own)
    S("get-reserved", "download a queued image", "GET", "/v1/images/{IMG2}", own, accept=None)
    S("head-public-as-outsider", "outsider HEADs the public image", "HEAD", "/v1/images/{IMG4}", f)
    S("get-public-as-outsider", "outsider downloads the public image", "GET", "/v1/images/{IMG4}", f)
    S("head-private-as-outsider", "outsider HEADs a private image", "HEAD", "/v1/images/{IMG1}", f)
    S("get-private-as-outsider", "outsider GETs a private image", "GET", "/v1/images/{IMG1}", f)
    S("get-unknown-plain", "unknown image, no Accept", "GET", "/v1/images/" + MISSING, own, accept=None)
    S("get-unknown-html", "unknown image, Accept text/html", "GET", "/v1/images/" + MISSING, own,
      accept="text/html")
    S("get-unknown-json", "unknown image, Accept application/json", "GET", "/v1/images/" + MISSING, own,
      accept="application/json")
    S("get-unknown-textplain", "unknown image, Accept text/plain", "GET", "/v1/images/" + MISSING, own,
      accept="text/plain")
    S("head-unknown", "HEAD unknown image", "HEAD", "/v1/images/" + MISSING, own)

    # -- list -----------------------------------------------------------------------------
    S("list-owner", "owner list", "GET", "/v1/images", own)
    S("detail-owner", "owner detail", "GET", "/v1/images/detail", own)
    S("list-outsider", "outsider list (public only)", "GET", "/v1/images", f)
    S("detail-admin", "admin detail", "GET", "/v1/images/detail", adm)
    S("list-filter-name", "name filter", "GET", "/v1/images?name=diff-two", own)
    S("detail-filter-disk-format", "disk_format filter", "GET", "/v1/images/detail?disk_format=raw", own)
    S("detail-filter-container-format", "container_format filter", "GET",
      "/v1/images/detail?container_format=ovf", own)
    S("detail-filter-status", "status filter", "GET", "/v1/images/detail?status=queued", own)
    S("detail-filter-size", "size_min / size_max", "GET", "/v1/images/detail?size_min=1000&size_max=5000", own)
    S("detail-filter-property", "property filter", "GET", "/v1/images/detail?property-custom=v1", own)
    S("detail-is-public-none", "admin is_public=None", "GET", "/v1/images/detail?is_public=None", adm)
    S("detail-is-public-false", "owner is_public=false", "GET", "/v1/images/detail?is_public=false", own)
    S("list-sort-name-asc", "sort by name asc", "GET", "/v1/images?sort_key=name&sort_dir=asc", own)
    S("list-sort-size-desc", "sort by size desc", "GET", "/v1/images/detail?sort_key=size&sort_dir=desc", adm)
    S("list-limit", "limit=2", "GET", "/v1/images?limit=2&sort_key=name&sort_dir=asc", own)
    S("list-limit-marker", "limit + marker", "GET",
      "/v1/images?limit=2&sort_key=name&sort_dir=asc&marker={IMG1}", own)
    S("list-bad-marker", "unknown marker", "GET", "/v1/images?marker=" + MISSING, own, accept=None)
    S("list-bad-sort-key", "invalid sort_key", "GET", "/v1/images?sort_key=bogus", own, accept=None)
    S("list-bad-sort-dir", "invalid sort_dir", "GET", "/v1/images?sort_dir=sideways", own, accept=None)
    S("list-bad-limit", "negative limit", "GET", "/v1/images?limit=-1", own, accept=None)
    S("list-limit-not-int", "non-integer limit", "GET", "/v1/images?limit=abc", own, accept=None)
    S("list-v1.0-prefix", "/v1.0/images", "GET", "/v1.0/images", own)
    S("list-v1.1-prefix", "/v1.1/images/detail", "GET", "/v1.1/images/detail?name=diff-one", own)
    S("images-put-405", "PUT /v1/images", "PUT", "/v1/images", own, accept=None)
    S("images-delete-405", "DELETE /v1/images", "DELETE", "/v1/images", own, accept=None)
    S("list-bad-size-min", "non-integer size_min", "GET", "/v1/images/detail?size_min=big", own, accept=None)

    # -- update ---------------------------------------------------------------------------
    S("update-metadata", "owner renames and adds a property", "PUT", "/v1/images/{IMG2}", own,
      headers=meta(name="diff-two-renamed", property__colour="blue", min_ram="256"))
    S("head-after-update", "HEAD after update", "HEAD", "/v1/images/{IMG2}", own)
    S("update-purge-props", "purge properties", "PUT", "/v1/images/{IMG2}", own,
      headers=dict(meta(property__shape="round"), **{"x-glance-registry-purge-props": "true"}))
    S("upload-to-reserved", "owner uploads data to the queued image", "PUT", "/v1/images/{IMG2}", own,
      headers=octet, body=OTHER_DATA)
    S("upload-again", "upload to an active image (409)", "PUT", "/v1/images/{IMG2}", own,
      headers=octet, body=OTHER_DATA, accept=None)
    S("owner-publicizes", "owner sets is_public (403)", "PUT", "/v1/images/{IMG1}", own,
      headers=meta(is_public="true"), accept=None)
    S("owner-publicizes-json", "owner sets is_public, Accept json", "PUT", "/v1/images/{IMG1}", own,
      headers=meta(is_public="true"), accept="application/json")
    S("update-unknown", "update unknown image", "PUT", "/v1/images/" + MISSING, own,
      headers=meta(name="x"), accept=None)
    S("outsider-updates", "outsider updates a private image", "PUT", "/v1/images/{IMG1}", f,
      headers=meta(name="x"), accept=None)

    # -- delete / protected ---------------------------------------------------------------
    S("delete-protected", "delete a protected image (403)", "DELETE", "/v1/images/{IMG3}", own, accept=None)
    S("unprotect", "owner clears protected", "PUT", "/v1/images/{IMG3}", own, headers=meta(protected="false"))
    S("delete-unknown", "delete unknown image", "DELETE", "/v1/images/" + MISSING, own, accept=None)
    S("delete-image", "owner deletes an image", "DELETE", "/v1/images/{IMG5}", own)
    S("head-deleted-owner", "owner HEADs the deleted image", "HEAD", "/v1/images/{IMG5}", own)
    S("get-deleted-owner", "owner GETs the deleted image", "GET", "/v1/images/{IMG5}", own, accept=None)
    S("head-deleted-admin", "admin HEADs the deleted image", "HEAD", "/v1/images/{IMG5}", adm)
    S("get-deleted-admin", "admin GETs the deleted image", "GET", "/v1/images/{IMG5}", adm, accept=None)
    S("delete-again", "delete the deleted image again", "DELETE", "/v1/images/{IMG5}", own, accept=None)
    S("members-of-deleted-admin", "admin lists members of a deleted image", "GET",
      "/v1/images/{IMG5}/members", adm, accept=None)
    S("members-of-deleted-owner", "owner lists members of a deleted image", "GET",
      "/v1/images/{IMG5}/members", own, accept=None)
    S("add-member-to-deleted", "owner adds a member to a deleted image", "PUT",
      "/v1/images/{IMG5}/members/" + B, own, accept=None)
    S("detail-changes-since", "changes-since shows deleted images", "GET",
      "/v1/images/detail?changes-since=2000-01-01T00:00:00", own)

    # -- sharing: add ---------------------------------------------------------------------
    img = "/v1/images/{IMG1}"
    mem = img + "/members"
    S("member-head-before-share", "B cannot see the image yet", "HEAD", img, b)
    S("list-members-empty", "no members yet", "GET", mem, own)
    S("add-member-client-body", "add B with glanceclient's body", "PUT", mem + "/" + B, own,
      body={"member": {"can_share": False}})
    S("add-sharer", "add C with can_share true", "PUT", mem + "/" + C, own, body={"member": {"can_share": True}})
    S("add-member-no-body", "add D without a body", "PUT", mem + "/" + D, own)
    S("readd-existing-no-body", "re-add C without a body (unchanged)", "PUT", mem + "/" + C, own)
    S("list-members-owner", "owner lists members", "GET", mem, own)
    S("add-member-empty-object", "add with {} (no can_share)", "PUT", mem + "/" + D, own, body={})
    S("add-member-empty-member", "add with {\"member\": {}}", "PUT", mem + "/" + D, own, body={"member": {}})
    S("list-members-after-empty-bodies", "D still can_share false", "GET", mem, own)
    S("add-flat-body", "flat body {can_share: true} on D", "PUT", mem + "/" + D, own, body={"can_share": True})
    S("list-after-flat-body", "list after the flat body", "GET", mem, own)
    S("resync-d-1", "explicit false for D", "PUT", mem + "/" + D, own, body={"member": {"can_share": False}})
    S("add-flat-body-other-member-id", "flat body naming another member", "PUT", mem + "/" + D, own,
      body={"member_id": E, "can_share": False}, accept=None)
    S("add-flat-body-same-member-id", "flat body with the path's member_id", "PUT", mem + "/" + D, own,
      body={"member_id": D, "can_share": False})
    S("add-can-share-string-false", "can_share \"false\"", "PUT", mem + "/" + D, own,
      body={"member": {"can_share": "false"}})
    S("list-after-string-false", "list after \"false\"", "GET", mem, own)
    S("resync-d-2", "explicit false for D", "PUT", mem + "/" + D, own, body={"member": {"can_share": False}})
    S("add-can-share-string-maybe", "can_share \"maybe\"", "PUT", mem + "/" + D, own,
      body={"member": {"can_share": "maybe"}}, accept=None)
    S("add-can-share-null", "can_share null", "PUT", mem + "/" + D, own,
      body={"member": {"can_share": None}}, accept=None)
    S("add-can-share-number", "can_share 0", "PUT", mem + "/" + D, own,
      body={"member": {"can_share": 0}}, accept=None)
    S("resync-d-3", "explicit false for D", "PUT", mem + "/" + D, own, body={"member": {"can_share": False}})
    S("add-member-not-object", "{\"member\": \"nope\"} on existing D", "PUT", mem + "/" + D, own,
      body={"member": "nope"}, accept=None)
    S("add-member-array-body", "array body on existing D", "PUT", mem + "/" + D, own, body=[1, 2], accept=None)
    S("add-bad-json-plain", "malformed JSON, no Accept", "PUT", mem + "/" + D, own, body="{bad", accept=None)
    S("add-bad-json-html", "malformed JSON, Accept text/html", "PUT", mem + "/" + D, own, body="{bad",
      accept="text/html")
    S("add-bad-json-json", "malformed JSON, Accept application/json", "PUT", mem + "/" + D, own, body="{bad",
      accept="application/json")
    S("add-scalar-body", "JSON scalar body", "PUT", mem + "/" + D, own, body="5", accept=None)
    S("list-members-stable", "members after the odd bodies", "GET", mem, own)
    S("add-to-queued-image", "members on a queued image", "PUT", "/v1/images/{IMG2}/members/" + B, own,
      body={"member": {"can_share": False}})
    S("add-to-public-image", "admin adds a member to the public image", "PUT",
      "/v1/images/{IMG4}/members/" + D, adm)

    # -- sharing: who sees what -----------------------------------------------------------
    S("member-heads-image", "B sees the shared image", "HEAD", img, b)
    S("member-downloads-image", "B downloads it", "GET", img, b)
    S("member-list", "B's image list", "GET", "/v1/images", b)
    S("member-detail", "B's detailed list", "GET", "/v1/images/detail", b)
    S("list-members-as-member", "B lists members (own row)", "GET", mem, b)
    S("list-members-as-sharer", "C lists members", "GET", mem, c)
    S("list-members-as-outsider", "F lists members (404)", "GET", mem, f, accept=None)
    S("list-members-as-outsider-json", "F lists members, Accept json", "GET", mem, f, accept="application/json")
    S("list-members-as-admin", "admin lists members", "GET", mem, adm)
    S("list-members-unknown-image", "members of an unknown image", "GET",
      "/v1/images/%s/members" % MISSING, adm, accept=None)
    S("shared-images-of-member-as-owner", "owner: shared-images of B", "GET", "/v1/shared-images/" + B, own)
    S("shared-images-of-member-as-self", "B: its own shared images", "GET", "/v1/shared-images/" + B, b)
    S("shared-images-of-member-as-sharer", "C: shared-images of B", "GET", "/v1/shared-images/" + B, c)
    S("shared-images-of-member-as-outsider", "F: shared-images of B", "GET", "/v1/shared-images/" + B, f)
    S("shared-images-of-member-as-plain-member", "D: shared-images of B", "GET", "/v1/shared-images/" + B, dd)
    S("shared-images-of-member-as-admin", "admin: shared-images of D", "GET", "/v1/shared-images/" + D, adm)
    S("shared-images-of-owner", "owner: shared-images of itself", "GET", "/v1/shared-images/" + A, own)
    S("shared-images-head", "HEAD shared-images", "HEAD", "/v1/shared-images/" + B, b)
    S("shared-images-post", "POST shared-images", "POST", "/v1/shared-images/" + B, b, accept=None)
    S("shared-images-put", "PUT shared-images", "PUT", "/v1/shared-images/" + B, b, accept=None)
    S("shared-images-delete", "DELETE shared-images", "DELETE", "/v1/shared-images/" + B, b, accept=None)
    S("shared-images-get-with-body", "GET shared-images with a JSON body", "GET", "/v1/shared-images/" + B, b,
      body={"x": 1}, accept=None)

    # -- sharing: permissions -------------------------------------------------------------
    S("plain-member-adds", "B (no can_share) adds E (404)", "PUT", mem + "/" + E, b, accept=None)
    S("plain-member-adds-html", "B adds E, Accept text/html", "PUT", mem + "/" + E, b, accept="text/html")
    S("plain-member-adds-json", "B adds E, Accept json", "PUT", mem + "/" + E, b, accept="application/json")
    S("plain-member-deletes", "B deletes C (404)", "DELETE", mem + "/" + C, b, accept=None)
    S("plain-member-replaces", "B replaces the list (404)", "PUT", mem, b,
      body={"memberships": [{"member_id": B, "can_share": True}]}, accept=None)
    S("outsider-adds", "F adds itself (404)", "PUT", mem + "/" + F, f, accept=None)
    S("outsider-deletes", "F deletes B (404)", "DELETE", mem + "/" + B, f, accept=None)
    S("outsider-replaces", "F replaces (404)", "PUT", mem, f, body={"memberships": []}, accept=None)
    S("member-updates-image", "B changes the shared image's metadata", "PUT", img, b,
      headers=meta(name="hijack"), accept=None)
    S("member-deletes-image", "B deletes the shared image", "DELETE", img, b, accept=None)
    S("sharer-adds-new", "C adds E with can_share true", "PUT", mem + "/" + E, c,
      body={"member": {"can_share": True}})
    S("list-after-sharer-add", "owner lists after the sharer's add", "GET", mem, own)
    S("sharer-deletes-other-member", "C deletes E", "DELETE", mem + "/" + E, c, accept=None)
    S("resync-e", "owner (re)adds E with can_share true", "PUT", mem + "/" + E, own,
      body={"member": {"can_share": True}})
    S("list-after-sharer-delete", "owner lists (E back in both)", "GET", mem, own)
    S("sharer-replace", "C replaces the list with itself only", "PUT", mem, c,
      body={"memberships": [{"member_id": C, "can_share": True}]})
    S("list-after-sharer-replace", "owner lists after the sharer's replace", "GET", mem, own)
    S("resync-replace", "owner replaces with B, C, D, E explicitly", "PUT", mem, own,
      body={"memberships": [{"member_id": B, "can_share": False}, {"member_id": C, "can_share": True},
                            {"member_id": D, "can_share": False}, {"member_id": E, "can_share": True}]})
    S("list-after-resync", "owner lists after the resync", "GET", mem, own)

    # -- sharing: remove ------------------------------------------------------------------
    S("delete-member", "owner removes E", "DELETE", mem + "/" + E, own)
    S("delete-member-again-plain", "remove E again, no Accept", "DELETE", mem + "/" + E, own, accept=None)
    S("delete-member-again-html", "remove E again, Accept text/html", "DELETE", mem + "/" + E, own)
    S("delete-member-again-json", "remove E again, Accept json", "DELETE", mem + "/" + E, own,
      accept="application/json")
    S("delete-member-unknown-image", "remove from an unknown image", "DELETE",
      "/v1/images/%s/members/%s" % (MISSING, E), own, accept=None)
    S("delete-member-with-body", "remove with a JSON body", "DELETE", mem + "/" + D, own,
      body={"member": {}}, accept=None)
    S("list-members-with-body", "list members with a JSON body", "GET", mem, own, body={"x": 1}, accept=None)
    S("delete-then-readd-no-body-1", "owner removes B", "DELETE", mem + "/" + B, own)
    S("readd-no-body", "owner re-adds B without a body", "PUT", mem + "/" + B, own)
    S("list-after-readd-no-body", "list after re-adding without a body", "GET", mem, own)
    S("resync-b", "explicit false for B", "PUT", mem + "/" + B, own, body={"member": {"can_share": False}})
    S("removed-member-heads", "E (removed) no longer sees the image", "HEAD", img, e)

    # -- replace --------------------------------------------------------------------------
    S("replace-member-id-only-body", "replace body {member_id: D} without memberships", "PUT", mem, own,
      body={"member_id": D}, accept=None)
    S("replace-empty", "replace with []", "PUT", mem, own, body={"memberships": []})
    S("list-after-empty-replace", "empty list", "GET", mem, own)
    S("replace-two", "replace with B and C", "PUT", mem, own,
      body={"memberships": [{"member_id": B, "can_share": False}, {"member_id": C, "can_share": True}]})
    S("replace-keeps-can-share", "replace with C without can_share (kept), B, new E", "PUT", mem, own,
      body={"memberships": [{"member_id": B}, {"member_id": C}, {"member_id": E}]})
    S("list-after-replace", "list after replace", "GET", mem, own)
    S("replace-memberships-not-list", "memberships a string", "PUT", mem, own, body={"memberships": "nope"},
      accept=None)
    S("replace-without-memberships", "body without memberships", "PUT", mem, own, body={"members": []},
      accept=None)
    S("replace-entry-without-member-id", "entry without member_id", "PUT", mem, own,
      body={"memberships": [{"can_share": True}]}, accept=None)
    S("replace-no-body", "replace without a body", "PUT", mem, own, accept=None)
    S("replace-array-body", "replace with an array body", "PUT", mem, own, body=[{"member_id": B}], accept=None)
    S("replace-memberships-null", "memberships null", "PUT", mem, own, body={"memberships": None}, accept=None)
    S("replace-memberships-number", "memberships 5", "PUT", mem, own, body={"memberships": 5}, accept=None)
    S("replace-bad-json", "replace with malformed JSON", "PUT", mem, own, body="[{", accept=None)
    S("list-after-bad-replaces", "list unchanged by the failed replaces", "GET", mem, own)

    # -- 405s -----------------------------------------------------------------------------
    S("members-post-405", "POST /members", "POST", mem, own, accept=None)
    S("members-delete-405", "DELETE /members", "DELETE", mem, own, accept=None)
    S("members-patch-405", "PATCH /members", "PATCH", mem, own, accept=None)
    S("members-head-405", "HEAD /members", "HEAD", mem, own, accept=None)
    S("members-post-405-html", "POST /members, Accept text/html", "POST", mem, own)
    S("members-post-405-json", "POST /members, Accept json", "POST", mem, own, accept="application/json")
    S("member-get-405", "GET /members/{m}", "GET", mem + "/" + B, own, accept=None)
    S("member-get-405-html", "GET /members/{m}, Accept text/html", "GET", mem + "/" + B, own)
    S("member-get-405-json", "GET /members/{m}, Accept json", "GET", mem + "/" + B, own,
      accept="application/json")
    S("member-post-405", "POST /members/{m}", "POST", mem + "/" + B, own, accept=None)
    S("member-patch-405", "PATCH /members/{m}", "PATCH", mem + "/" + B, own, accept=None)

    # -- member_id validation -------------------------------------------------------------
    S("add-member-id-255", "member_id of 255 characters", "PUT", mem + "/" + "m" * 255, own)
    S("delete-member-id-255", "remove it", "DELETE", mem + "/" + "m" * 255, own)
    S("add-member-id-too-long", "member_id of 256 characters", "PUT", mem + "/" + "m" * 256, own, accept=None)
    S("add-member-id-control-char", "member_id with a control character", "PUT", mem + "/bad%01id", own,
      accept=None)
    S("resync-after-member-id", "owner replaces with B, C, E", "PUT", mem, own,
      body={"memberships": [{"member_id": B, "can_share": False}, {"member_id": C, "can_share": True},
                            {"member_id": E, "can_share": False}]})
    S("list-after-member-id", "list after member_id checks", "GET", mem, own)

    # -- quota (image_member_quota = 128 on both) -----------------------------------------
    many = lambda n: [{"member_id": "q%03d" % i, "can_share": False} for i in range(n)]
    S("replace-over-quota", "replace with 129 members (413)", "PUT", mem, own, body={"memberships": many(129)},
      accept=None)
    S("replace-over-quota-json", "replace with 129 members, Accept json", "PUT", mem, own,
      body={"memberships": many(129)}, accept="application/json")
    S("replace-at-quota", "replace with 128 members", "PUT", mem, own, body={"memberships": many(128)})
    S("add-new-member-over-quota", "add a 129th member (413)", "PUT", mem + "/" + B, own,
      body={"member": {"can_share": False}}, accept=None)
    S("add-existing-member-at-quota", "update an existing member at the quota", "PUT", mem + "/q000", own,
      body={"member": {"can_share": False}}, accept=None)
    S("list-at-quota", "128 members listed", "GET", mem, own)
    S("replace-back", "replace with B only", "PUT", mem, own,
      body={"memberships": [{"member_id": B, "can_share": False}]})
    S("list-final", "final list", "GET", mem, own)

    # -- end: delete the shared image, then member calls on it ----------------------------
    S("delete-protected-again", "delete the now-unprotected image", "DELETE", "/v1/images/{IMG3}", own)
    S("delete-shared-image", "owner deletes the shared image", "DELETE", img, own)
    S("members-of-deleted-shared-admin", "admin lists members of the deleted image", "GET", mem, adm,
      accept="application/json")
    S("member-heads-deleted", "B HEADs the deleted image", "HEAD", img, b)
    S("shared-images-after-delete", "B's shared images after the delete", "GET", "/v1/shared-images/" + B, b)
    S("detail-owner-final", "owner detail at the end", "GET", "/v1/images/detail", own)


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
