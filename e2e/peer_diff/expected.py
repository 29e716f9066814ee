"""The allowlist of expected glint/Glance differences, each tied to a DECISIONS entry."""

from actors import B, C, D, E

# ---------------------------------------------------------------------------------------
# Expected differences. Each: tag (DECISIONS number or other documented reason), the
# step keys it covers, why, and a predicate on (peer, glint) that must hold.


def st(p, g, ps, gs):
    return p.status == ps and g.status == gs


def members_of(r):
    return r.json.get("members") if isinstance(r.json, dict) else None


def versions_of(r, major):
    """The entries of a versions document for one major version, in order."""
    if not isinstance(r.json, dict):
        return None
    return [v for v in r.json.get("versions", []) if v["id"].startswith(major + ".")]


# Glance 33's v2 entries, in its order (glance-v2-transcript #1), links normalized.
GLANCE_33_V2 = [
    {"id": i, "status": "CURRENT" if i == "v2.17" else "SUPPORTED",
     "links": [{"rel": "self", "href": "http://HOST/v2/"}]}
    for i in ("v2.15", "v2.9", "v2.17", "v2.7", "v2.6", "v2.5", "v2.4", "v2.3", "v2.2", "v2.1", "v2.0")
]


def is_400_text(g, needle=None):
    return g.status == 400 and (needle is None or needle in (g.text() or ""))


EXPECTED = [
    # GLANCE33-v2: glint's Images v2 is Glance 33's (issue #3: "Glance 2.16+ behaviour"), so its
    # version document lists Glance 33's v2 entries (v2.0 ... v2.17, CURRENT v2.17) where Glance
    # 15 listed v2.0 ... v2.5; the v1 entries (DEPRECATED, last) are Glance 15's.
    dict(tag="GLANCE33-v2", steps=["versions-root", "versions-list"],
         why="glint's v2 is Glance 33's: its version document lists Glance 33's v2 entries "
             "(v2.0 ... v2.17) instead of Glance 15's v2.0 ... v2.5; the v1 entries are identical",
         check=lambda p, g: p.status == g.status and g.headers == p.headers
         and versions_of(g, "v1") == versions_of(p, "v1") and versions_of(g, "v1")
         and [v["id"] for v in versions_of(p, "v2")] == ["v2.5", "v2.4", "v2.3", "v2.2", "v2.1", "v2.0"]
         and versions_of(g, "v2") == GLANCE_33_V2),
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
