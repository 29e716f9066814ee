"""The allowlist of expected glint/Glance 33 differences in the v2 run, each tied to a
DECISIONS entry or to a named glint decision (README.md of this directory, "Expected
differences (v2)")."""

from actors import B

# ---------------------------------------------------------------------------------------
# Predicates


def st(p, g, ps, gs):
    return p.status == ps and g.status == gs


def same_but_headers(p, g, *names):
    """Identical status and body; among the compared headers only `names` differ."""
    if p.status != g.status or p.kind != g.kind or p.norm_body != g.norm_body:
        return False
    keys = (set(p.headers) | set(g.headers)) - set(names)
    return all(p.headers.get(k) == g.headers.get(k) for k in keys) and any(
        p.headers.get(k) != g.headers.get(k) for k in names)


def members_of(r):
    return r.json.get("members") if isinstance(r.json, dict) else None


def body_has(r, needle):
    return needle in (r.text() or "")


def versions_of(r, major):
    if not isinstance(r.json, dict):
        return None
    return [v for v in r.json.get("versions", []) if v["id"].startswith(major + ".")]


GLINT_V1_ENTRIES = [
    {"id": i, "status": "DEPRECATED", "links": [{"rel": "self", "href": "http://HOST/v1/"}]}
    for i in ("v1.1", "v1.0")
]

# Every create the scenario expects to succeed on both servers (201).
CREATES = ["create-private-props-tags", "create-default-visibility", "create-protected",
           "create-public-admin", "create-community", "create-hidden", "create-compressed",
           "create-fixed-id", "create-by-b", "create-minimal", "create-qcow2", "create-qcow2-mismatch",
           "quota-create"]

IMPORT_HEADER = "openstack-image-import-methods"


def schema_reason_matches(p, g):
    """Both 400 with the same first line; Glance adds Python jsonschema's `Failed validating
    ... On instance ...` dump after it."""
    if not (p.status == g.status == 400):
        return False
    first = (g.text() or "").split("<br /><br />")[0]
    return "Provided object does not match schema" in first and (
        first + "\n\nFailed validating") in (p.text() or "")


UPLOAD_HASHES = ("checksum", "os_hash_algo", "os_hash_value")


def refused_upload_leaves_no_hashes(p, g):
    """Same queued image, except that Glance keeps the checksums of the refused data."""
    if not (p.status == g.status == 200 and isinstance(p.json, dict) and isinstance(g.json, dict)):
        return False
    rest = lambda j: {k: v for k, v in j.items() if k not in UPLOAD_HASHES}
    return (rest(p.json) == rest(g.json) and g.json.get("status") == "queued"
            and all(g.json.get(k) is None for k in UPLOAD_HASHES)
            and all(p.json.get(k) is not None for k in UPLOAD_HASHES))


EXPECTED = [
    # -- discovery -----------------------------------------------------------------------
    dict(tag="glint-serves-v1", steps=["v2-versions-root", "v2-versions-list"],
         why="glint also serves Images v1, so its version document is Glance 33's followed by "
             "v1.1 and v1.0 DEPRECATED, as Glance 15 listed them beside v2",
         check=lambda p, g: p.status == g.status and g.headers == p.headers
         and versions_of(p, "v1") == [] and versions_of(g, "v2") == versions_of(p, "v2")
         and versions_of(g, "v1") == GLINT_V1_ENTRIES
         and g.json["versions"][-2:] == GLINT_V1_ENTRIES),
    dict(tag="glint-no-metadefs", steps=["schema-metadefs-namespace", "schema-metadefs-resource-type"],
         why="glint has no metadata-definitions API, so it serves no metadefs schemas (404); "
             "python-glanceclient's CLI asks for them when it fills its schema cache and goes on "
             "without them",
         check=lambda p, g: st(p, g, 200, 404) and isinstance(p.json, dict)
         and body_has(g, "The resource could not be found.")),
    dict(tag="glint-no-import", steps=["info-import"],
         why="glint implements direct upload only (no glance-direct / web-download / copy-image), "
             "so /v2/info/import lists no import methods, as Glance does with "
             "enabled_import_methods = []",
         check=lambda p, g: p.status == g.status == 200 and g.json == {"import-methods": {
             "description": "Import methods available.", "type": "array", "value": []}}
         and p.json["import-methods"]["value"] == ["glance-direct", "web-download", "copy-image"]),
    dict(tag="D9", steps=["info-usage-with-body"],
         why="GET /v2/info/usage with a body: Glance 500 (TypeError), glint 400 like the other "
             "body_reject routes",
         check=lambda p, g: st(p, g, 500, 400) and body_has(g, "A body is not expected with this request.")),

    # -- images --------------------------------------------------------------------------
    dict(tag="glint-no-import", steps=CREATES,
         why="no OpenStack-image-import-methods header on create: glint offers no interoperable "
             "import method (Glance omits the header when enabled_import_methods is empty)",
         check=lambda p, g: same_but_headers(p, g, IMPORT_HEADER) and IMPORT_HEADER not in g.headers),
    dict(tag="D9", steps=["create-array-body"],
         why="a JSON array as create body: Glance 500, glint 400 naming the problem",
         check=lambda p, g: st(p, g, 500, 400)),
    dict(tag="D10", steps=["create-no-project"],
         why="a caller without a project may not create images (D10 clarification); Glance creates "
             "one owned by nobody, which every project can then see",
         check=lambda p, g: st(p, g, 201, 403)),
    dict(tag="D10", steps=["resync-no-project-image"],
         why="consequence of D10: the image only Glance created is deleted there; glint has none",
         check=lambda p, g: st(p, g, 204, 404)),

    dict(tag="glint-schema-messages",
         steps=["create-bad-disk-format", "create-bad-container-format", "create-bad-visibility",
                "create-name-too-long", "create-tags-not-list", "create-prop-not-string",
                "create-min-ram-string", "create-bad-id", "patch-min-ram-string",
                "patch-visibility-bad", "tag-too-long"],
         why="schema errors: the same 400 and first line (`Provided object does not match schema "
             "'image': <reason>`); glint leaves out the Python jsonschema dump that follows it "
             "(README, Differences from Glance)",
         check=schema_reason_matches),
    dict(tag="glint-refused-upload-no-hashes", steps=["show-after-format-mismatch"],
         why="after data refused for not being qcow2 both images are queued without size; Glance "
             "keeps the refused data's checksum and sha512 on the record, glint keeps nothing of "
             "a refused upload (README, Differences from Glance)",
         check=refused_upload_leaves_no_hashes),

    # -- members -------------------------------------------------------------------------
    dict(tag="D19", steps=["member-add-number", "member-add-too-long"],
         why="member ids must be strings of 1-255 characters: glint 400; Glance stores a number or a "
             "256-character id (v2 Q6)",
         check=lambda p, g: st(p, g, 200, 400)),
    dict(tag="D19", steps=["resync-member-number"],
         why="consequence of D19: the member only Glance added is removed there; glint has no such "
             "member",
         check=lambda p, g: st(p, g, 204, 404)),
    dict(tag="glint-readd-listed-last", steps=["member-list-after-readd"],
         why="a member removed and added again is listed last in glint; Glance revives its old row "
             "in place (README, Differences from Glance); same members, same fields",
         check=lambda p, g: p.status == g.status == 200 and members_of(p) != members_of(g)
         and sorted(members_of(p), key=lambda m: m["member_id"]) == sorted(members_of(g), key=lambda m: m["member_id"])
         and members_of(g)[-1]["member_id"] == B and members_of(p)[0]["member_id"] == B),
    dict(tag="D19", steps=["resync-member-too-long"],
         why="consequence of D19: removing the 256-character member; glint refuses the id itself",
         check=lambda p, g: p.status == 204 and g.status in (400, 404)),
]
