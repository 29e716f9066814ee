"""The scripted Images-v2 scenario against Glance 33 (secure RBAC): every request sent to both
servers, in order, in three sections.

  discovery  versions document, /v2/schemas/*, /v2/info/*
  images     create / show / list / PATCH / tags / upload / download / deactivate / delete
  members    the personas of v2-sharing §2.2 and §4, the list rules of §6.2

Only the sections in the enforced set fail the run on an unexpected difference; the others
are run and reported. DEFAULT_ENFORCED is the set `run.sh` enforces unless
GLINT_PEER_DIFF_V2_ENFORCE says otherwise (see README.md).
"""

from actors import (A, ADMIN, B, C, D, F, IMAGE_DATA, MISSING, OTHER_DATA, Chunked, v2, v2_admin,
                    v2_no_project)

SECTIONS = ("discovery", "images", "members")

# Sections whose unexpected differences fail the run by default. `images` joins once its
# remaining differences are fixed or allowlisted by a decision (README.md, "Turning sections on").
DEFAULT_ENFORCED = ("discovery", "images", "members")

PATCH = {"Content-Type": "application/openstack-images-v2.1-json-patch"}
OCTET = {"Content-Type": "application/octet-stream"}
FIXED_ID = "c0ffee00-0000-4000-8000-000000000001"


def follow_next(step):
    """A path that follows the `next` link a server answered at `step`."""

    def path(server):
        try:
            return server.raw[step].json()["next"]
        except Exception:
            return "/v2/images?no-next-link-at=" + step

    path.shown = "<next of %s>" % step
    return path


def scenario(x):
    discovery(x)
    images(x)
    members(x)


# ---------------------------------------------------------------------------------------
def discovery(x):
    S = x.send
    x.section("discovery")
    own = v2(A)
    S("v2-versions-root", "GET / (300 Multiple Choices)", "GET", "/", {})
    S("v2-versions-list", "GET /versions", "GET", "/versions", {})
    S("v2-slash", "GET /v2/ (no index)", "GET", "/v2/", own)

    for name in ("image", "images", "member", "members"):
        S("schema-" + name, "GET /v2/schemas/" + name, "GET", "/v2/schemas/" + name, own)
    S("schema-image-reader", "schema as a reader-only caller", "GET", "/v2/schemas/image", v2(A, "reader"))
    S("schema-image-admin", "schema as admin", "GET", "/v2/schemas/image", v2_admin())
    S("schema-image-no-project", "schema without a project", "GET", "/v2/schemas/image", v2_no_project())
    S("schema-image-anonymous", "schema without identity", "GET", "/v2/schemas/image", {})
    S("schema-image-json-accept", "schema, Accept application/json", "GET", "/v2/schemas/image", own,
      accept="application/json")
    for m in ("POST", "PUT", "DELETE", "PATCH", "HEAD"):
        S("schema-image-%s" % m.lower(), "%s /v2/schemas/image (405)" % m, m, "/v2/schemas/image", own)
    S("schema-members-post", "POST /v2/schemas/members (405)", "POST", "/v2/schemas/members", own)
    S("schema-image-with-body", "GET schema with a JSON body", "GET", "/v2/schemas/image", own, body={"a": 1})
    S("schema-member-with-bad-body", "GET schema with a non-JSON body", "GET", "/v2/schemas/member", own,
      body="{bad")
    S("schema-metadefs-namespace", "GET /v2/schemas/metadefs/namespace (glanceclient's cache)", "GET",
      "/v2/schemas/metadefs/namespace", own)
    S("schema-metadefs-resource-type", "GET /v2/schemas/metadefs/resource_type", "GET",
      "/v2/schemas/metadefs/resource_type", own)
    S("schema-unknown", "GET /v2/schemas/bogus", "GET", "/v2/schemas/bogus", own)

    S("info-import", "GET /v2/info/import", "GET", "/v2/info/import", own)
    S("info-stores", "GET /v2/info/stores", "GET", "/v2/info/stores", own)
    S("info-stores-json", "GET /v2/info/stores, Accept json", "GET", "/v2/info/stores", own,
      accept="application/json")
    S("info-stores-detail-admin", "GET /v2/info/stores/detail as admin", "GET", "/v2/info/stores/detail",
      v2_admin())
    S("info-usage", "GET /v2/info/usage", "GET", "/v2/info/usage", own)
    S("info-usage-no-project", "GET /v2/info/usage without a project", "GET", "/v2/info/usage",
      v2_no_project())
    S("info-import-post", "POST /v2/info/import (405)", "POST", "/v2/info/import", own)
    S("info-import-head", "HEAD /v2/info/import (405)", "HEAD", "/v2/info/import", own)
    S("info-stores-post", "POST /v2/info/stores (405)", "POST", "/v2/info/stores", own)
    S("info-usage-post", "POST /v2/info/usage (404: no route)", "POST", "/v2/info/usage", own)
    S("info-usage-head", "HEAD /v2/info/usage (404)", "HEAD", "/v2/info/usage", own)
    S("info-import-with-body", "GET /v2/info/import with a body", "GET", "/v2/info/import", own, body={"a": 1})
    S("info-usage-with-body", "GET /v2/info/usage with a body", "GET", "/v2/info/usage", own, body={"a": 1})
    S("info-index", "GET /v2/info", "GET", "/v2/info", own)
    S("info-import-anonymous", "GET /v2/info/import without identity", "GET", "/v2/info/import", {})


# ---------------------------------------------------------------------------------------
def images(x):
    S = x.send
    x.section("images")
    own, own_r, b, f, adm = v2(A), v2(A, "reader"), v2(B), v2(F), v2_admin()
    one, two, prot, pub = "/v2/images/{IMG1}", "/v2/images/{IMG2}", "/v2/images/{IMG3}", "/v2/images/{IMG4}"
    comm, hidden = "/v2/images/{IMG5}", "/v2/images/{IMG6}"

    # -- the v2 router ---------------------------------------------------------------------
    S("v2-bare", "GET /v2 (Glance redirects to /v2/)", "GET", "/v2", own)
    S("v2-unauthenticated", "GET /v2/images without identity", "GET", "/v2/images", {})
    S("v2-images-slash", "GET /v2/images/ (trailing slash)", "GET", "/v2/images/", own)
    S("v2-minor-version-prefix", "GET /v2.1/images (Glance's version negotiation)", "GET",
      "/v2.1/images?name=nothing", own)

    # -- create ---------------------------------------------------------------------------
    S("create-private-props-tags", "owner creates a private image with custom props and tags", "POST",
      "/v2/images", own, body={"name": "diff-one", "disk_format": "raw", "container_format": "bare",
                               "visibility": "private", "tags": ["t1", "t2"], "custom_prop": "v1",
                               "min_ram": 128}, create=True)  # IMG1
    S("create-default-visibility", "owner creates with defaults (shared)", "POST", "/v2/images", own,
      body={"name": "diff-two", "disk_format": "raw", "container_format": "bare"}, create=True)  # IMG2
    S("create-protected", "owner creates a protected image", "POST", "/v2/images", own,
      body={"name": "diff-protected", "disk_format": "raw", "container_format": "bare", "protected": True,
            "min_disk": 1}, create=True)  # IMG3
    S("create-public-admin", "admin creates a public image owned by A", "POST", "/v2/images", adm,
      body={"name": "diff-public", "disk_format": "raw", "container_format": "bare", "visibility": "public",
            "owner": A}, create=True)  # IMG4
    S("create-community", "owner creates a community image", "POST", "/v2/images", own,
      body={"name": "diff-community", "disk_format": "raw", "container_format": "ovf",
            "visibility": "community"}, create=True)  # IMG5
    S("create-hidden", "owner creates an os_hidden image", "POST", "/v2/images", own,
      body={"name": "diff-hidden", "disk_format": "raw", "container_format": "bare", "os_hidden": True},
      create=True)  # IMG6
    S("create-compressed", "container_format compressed (a Glance 33 default)", "POST", "/v2/images", own,
      body={"name": "diff-compressed", "disk_format": "raw", "container_format": "compressed"},
      create=True)  # IMG7
    S("create-fixed-id", "create with a caller-chosen id", "POST", "/v2/images", own,
      body={"id": FIXED_ID, "name": "diff-fixed"}, create=True)  # IMG8
    S("create-by-b", "B creates a private image", "POST", "/v2/images", b,
      body={"name": "diff-bee", "visibility": "private"}, create=True)  # IMG9
    S("create-minimal", "create with an empty object", "POST", "/v2/images", own, body={},
      create=True)  # IMG10
    S("create-qcow2", "owner creates a qcow2 image", "POST", "/v2/images", own,
      body={"name": "diff-qcow2", "disk_format": "qcow2", "container_format": "bare"}, create=True)  # IMG11
    # D10 clarification: a caller without a project may not create (Glance: 201, owner null).
    # The admin removes Glance's image at once so that later lists compare like with like.
    S("create-no-project", "a caller without a project creates", "POST", "/v2/images", v2_no_project(),
      body={"name": "diff-no-project"}, create=True)  # IMG12 (Glance only)
    S("resync-no-project-image", "admin deletes the no-project image", "DELETE", "/v2/images/{IMG12}", adm)

    def E(key, title, caller, **kw):
        """A create that should fail; an image a server creates anyway is deleted after the block."""
        S(key, title, "POST", "/v2/images", caller, stray=True, **kw)

    E("create-duplicate-id", "the same id again (409)", own,
      body={"id": FIXED_ID, "name": "diff-fixed-again"})
    E("create-bad-json", "malformed JSON", own, body="{bad")
    E("create-bad-json-json", "malformed JSON, Accept json", own, body="{bad",
      accept="application/json")
    E("create-array-body", "a JSON array body", own, body=[{"name": "x"}])
    E("create-scalar-body", "a JSON scalar body", own, body="5")
    E("create-no-body", "no body at all", own)
    E("create-bad-disk-format", "unknown disk_format", own,
      body={"name": "x", "disk_format": "floppy"})
    E("create-bad-container-format", "unknown container_format", own,
      body={"name": "x", "container_format": "crate"})
    E("create-bad-visibility", "unknown visibility", own,
      body={"name": "x", "visibility": "bogus"})
    E("create-public-by-member", "a member-role caller creates a public image (403)",
      own, body={"name": "x", "visibility": "public"})
    E("create-read-only-status", "status in the create body (403)", own,
      body={"name": "x", "status": "active"})
    E("create-read-only-checksum", "checksum in the create body", own,
      body={"name": "x", "checksum": "0" * 32})
    E("create-read-only-size", "size in the create body", own,
      body={"name": "x", "size": 5})
    E("create-owner-other", "owner naming another project", own,
      body={"name": "x", "owner": B})
    E("create-name-too-long", "name of 256 characters", own, body={"name": "n" * 256})
    E("create-tags-not-list", "tags a string", own, body={"name": "x", "tags": "t1"})
    E("create-prop-not-string", "custom property with a number value", own,
      body={"name": "x", "custom": 5})
    E("create-reserved-prop", "os_glance_* property (reserved)", own,
      body={"name": "x", "os_glance_foo": "bar"})
    E("create-min-ram-negative", "min_ram -1", own, body={"name": "x", "min_ram": -1})
    E("create-min-ram-string", "min_ram \"big\"", own, body={"name": "x", "min_ram": "big"})
    E("create-bad-id", "id that is not a UUID", own, body={"id": "not-a-uuid"})
    E("create-by-reader", "a reader-only caller creates (403)", own_r,
      body={"name": "x"})
    E("create-anonymous", "no identity (401)", {}, body={"name": "x"})

    x.clear_strays(adm)

    # -- show -----------------------------------------------------------------------------
    S("show-own", "owner shows IMG1", "GET", one, own)
    S("show-own-json", "owner shows IMG1, Accept json", "GET", one, own, accept="application/json")
    S("show-own-reader", "reader-only owner shows IMG1", "GET", one, own_r)
    S("show-outsider", "outsider shows a private image (404)", "GET", one, f)
    S("show-outsider-json", "same, Accept json", "GET", one, f, accept="application/json")
    S("show-unknown", "unknown id", "GET", "/v2/images/" + MISSING, own)
    S("show-not-uuid", "id that is not a UUID (openstacksdk's find by name)", "GET", "/v2/images/diff-one", own)
    S("show-public-outsider", "outsider shows the public image", "GET", pub, f)
    S("show-community-outsider", "outsider shows the community image", "GET", comm, f)
    S("show-shared-no-members-outsider", "outsider shows IMG2 (shared, no members)", "GET", two, f)
    S("show-admin", "admin shows IMG1", "GET", one, adm)
    S("show-with-body", "show with a body", "GET", one, own, body={"a": 1})
    S("show-compressed", "owner shows IMG7", "GET", "/v2/images/{IMG7}", own)
    S("delete-compressed", "owner deletes IMG7 (keeps lists comparable)", "DELETE", "/v2/images/{IMG7}", own)
    S("show-fixed-id", "owner shows the fixed-id image", "GET", "/v2/images/" + FIXED_ID, own)
    S("show-minimal", "owner shows IMG10", "GET", "/v2/images/{IMG10}", own)
    S("images-put-405", "PUT /v2/images (405)", "PUT", "/v2/images", own)
    S("image-post-405", "POST /v2/images/{id} (405)", "POST", one, own)

    # -- upload / download ----------------------------------------------------------------
    S("upload", "owner uploads IMG1", "PUT", one + "/file", own, headers=OCTET, body=IMAGE_DATA)
    S("show-after-upload", "IMG1 active with checksum and multihash", "GET", one, own)
    S("upload-again", "upload to an active image (409)", "PUT", one + "/file", own, headers=OCTET,
      body=IMAGE_DATA)
    S("upload-chunked", "owner uploads IMG2 chunked", "PUT", two + "/file", own, headers=OCTET,
      body=Chunked(OTHER_DATA))
    S("show-after-chunked", "IMG2 after the chunked upload", "GET", two, own)
    S("upload-public-admin", "admin uploads the public image", "PUT", pub + "/file", adm, headers=OCTET,
      body=OTHER_DATA)
    S("create-qcow2-mismatch", "owner creates a qcow2 image for raw bytes", "POST", "/v2/images", own,
      body={"name": "diff-mismatch", "disk_format": "qcow2", "container_format": "bare"}, create=True)  # IMG13
    S("upload-format-mismatch", "raw bytes into a qcow2 image (Glance 33 inspects the data)", "PUT",
      "/v2/images/{IMG13}/file", own, headers=OCTET, body=IMAGE_DATA)
    S("show-after-format-mismatch", "IMG13 after the upload", "GET", "/v2/images/{IMG13}", own)
    S("delete-format-mismatch", "owner deletes IMG13 (keeps lists comparable)", "DELETE", "/v2/images/{IMG13}",
      own)
    S("upload-bad-content-type", "upload with Content-Type application/json", "PUT", prot + "/file", own,
      headers={"Content-Type": "application/json"}, body=IMAGE_DATA)
    S("upload-outsider", "outsider uploads to IMG3", "PUT", prot + "/file", f, headers=OCTET, body=IMAGE_DATA)
    S("upload-reader", "reader-only owner uploads to IMG3", "PUT", prot + "/file", own_r, headers=OCTET,
      body=IMAGE_DATA)
    S("upload-unknown", "upload to an unknown image", "PUT", "/v2/images/%s/file" % MISSING, own,
      headers=OCTET, body=IMAGE_DATA)
    S("download", "owner downloads IMG1", "GET", one + "/file", own)
    S("download-range-start", "Range bytes=0-9", "GET", one + "/file", own, headers={"Range": "bytes=0-9"})
    S("download-range-open", "Range bytes=4000-", "GET", one + "/file", own, headers={"Range": "bytes=4000-"})
    S("download-range-suffix", "Range bytes=-10", "GET", one + "/file", own, headers={"Range": "bytes=-10"})
    S("download-range-past-end", "Range bytes=5000- (416)", "GET", one + "/file", own,
      headers={"Range": "bytes=5000-"})
    S("download-range-multi", "two ranges (400)", "GET", one + "/file", own,
      headers={"Range": "bytes=0-1,5-6"})
    S("download-range-garbage", "Range: pages=1", "GET", one + "/file", own, headers={"Range": "pages=1"})
    S("download-queued", "download a queued image (204)", "GET", prot + "/file", own)
    S("download-outsider", "outsider downloads IMG1 (404)", "GET", one + "/file", f)
    S("download-public-outsider", "outsider downloads the public image", "GET", pub + "/file", f)
    S("download-reader", "reader-only owner downloads IMG1", "GET", one + "/file", own_r)
    S("download-unknown", "download an unknown image", "GET", "/v2/images/%s/file" % MISSING, own)
    S("file-post-405", "POST /file (405)", "POST", one + "/file", own)

    # -- list -----------------------------------------------------------------------------
    L = "/v2/images"
    S("list-owner", "owner's default list", "GET", L, own)
    S("list-admin", "admin's default list", "GET", L, adm)
    S("list-outsider", "outsider's default list", "GET", L, f)
    S("list-b", "B's default list (own private + public)", "GET", L, b)
    S("list-no-project", "list without a project", "GET", L, v2_no_project())
    S("list-reader", "reader-only owner's list", "GET", L, own_r)
    S("list-sort-name", "sort=name:asc", "GET", L + "?sort=name:asc", own)
    S("list-sort-multi", "sort=disk_format:desc,name:asc", "GET", L + "?sort=disk_format:desc,name:asc", own)
    S("list-sort-key-dir", "sort_key=name&sort_dir=asc", "GET", L + "?sort_key=name&sort_dir=asc", own)
    S("list-sort-two-keys", "sort_key=status&sort_key=name", "GET",
      L + "?sort_key=status&sort_key=name&sort_dir=asc&sort_dir=desc", own)
    S("list-page-1", "limit=3&sort=name:asc", "GET", L + "?limit=3&sort=name:asc", own)
    S("list-page-2", "follow next", "GET", follow_next("list-page-1"), own)
    S("list-page-3", "follow next again", "GET", follow_next("list-page-2"), own)
    S("list-marker", "marker=IMG1 with sort=name:asc", "GET", L + "?sort=name:asc&marker={IMG1}", own)
    S("list-marker-unknown", "unknown marker (400)", "GET", L + "?marker=" + MISSING, own)
    S("list-marker-invisible", "marker of an image the caller cannot see", "GET", L + "?marker={IMG9}", own)
    S("list-limit-zero", "limit=0", "GET", L + "?limit=0", own)
    S("list-limit-negative", "limit=-1 (400)", "GET", L + "?limit=-1", own)
    S("list-limit-not-int", "limit=abc (400)", "GET", L + "?limit=abc", own)
    S("list-sort-key-bad", "sort_key=bogus (400)", "GET", L + "?sort_key=bogus", own)
    S("list-sort-dir-bad", "sort_dir=sideways (400)", "GET", L + "?sort_dir=sideways", own)
    S("list-sort-bad-dir", "sort=name:sideways (400)", "GET", L + "?sort=name:sideways", own)
    S("list-sort-mixed", "sort with sort_key (400)", "GET", L + "?sort=name:asc&sort_key=name", own)
    S("list-name", "name=diff-one", "GET", L + "?name=diff-one", own)
    S("list-name-in", "name=in:diff-one,diff-two", "GET", L + "?name=in:diff-one,diff-two&sort=name:asc", own)
    S("list-status", "status=queued", "GET", L + "?status=queued&sort=name:asc", own)
    S("list-status-bad", "status=bogus", "GET", L + "?status=bogus", own)
    S("list-visibility-private", "visibility=private", "GET", L + "?visibility=private", own)
    S("list-visibility-shared", "visibility=shared", "GET", L + "?visibility=shared&sort=name:asc", own)
    S("list-visibility-public", "visibility=public", "GET", L + "?visibility=public", f)
    S("list-visibility-community-owner", "visibility=community (owner)", "GET", L + "?visibility=community", own)
    S("list-visibility-community-outsider", "visibility=community (outsider)", "GET",
      L + "?visibility=community", f)
    S("list-visibility-all", "visibility=all", "GET", L + "?visibility=all&sort=name:asc", own)
    S("list-visibility-bad", "visibility=bogus (400)", "GET", L + "?visibility=bogus", own)
    S("list-tag", "tag=t1", "GET", L + "?tag=t1", own)
    S("list-tags-both", "tag=t1&tag=t2", "GET", L + "?tag=t1&tag=t2", own)
    S("list-tag-none", "tag=nothing", "GET", L + "?tag=nothing", own)
    S("list-custom-prop", "custom_prop=v1", "GET", L + "?custom_prop=v1", own)
    S("list-disk-format", "disk_format=qcow2", "GET", L + "?disk_format=qcow2", own)
    S("list-container-format", "container_format=ovf", "GET", L + "?container_format=ovf", own)
    S("list-owner-filter", "owner=A as admin", "GET", L + "?owner=%s&sort=name:asc" % A, adm)
    S("list-protected", "protected=true", "GET", L + "?protected=true", own)
    S("list-protected-bad", "protected=maybe (400)", "GET", L + "?protected=maybe", own)
    S("list-hidden", "os_hidden=true", "GET", L + "?os_hidden=true", own)
    S("list-hidden-bad", "os_hidden=maybe (400)", "GET", L + "?os_hidden=maybe", own)
    S("list-size-min", "size_min=2000", "GET", L + "?size_min=2000&sort=name:asc", own)
    S("list-size-max", "size_max=2000", "GET", L + "?size_max=2000&sort=name:asc", own)
    S("list-size-bad", "size_min=big (400)", "GET", L + "?size_min=big", own)
    S("list-created-gt", "created_at=gt:2000-01-01T00:00:00Z", "GET",
      L + "?created_at=gt:2000-01-01T00:00:00Z&sort=name:asc", own)
    S("list-created-bad", "created_at=gt:yesterday (400)", "GET", L + "?created_at=gt:yesterday", own)
    S("list-updated-bad-op", "updated_at=between:x (400)", "GET", L + "?updated_at=between:2000-01-01T00:00:00Z",
      own)
    S("list-member-status-bad", "member_status=bogus (400)", "GET", L + "?member_status=bogus", own)
    S("list-with-body", "list with a body (400)", "GET", L, own, body={"a": 1})

    # -- PATCH ----------------------------------------------------------------------------
    def P(key, title, ops, caller=own, path=two, headers=PATCH, **kw):
        S(key, title, "PATCH", path, caller, headers=headers, body=ops, **kw)

    P("patch-replace-name", "replace /name", [{"op": "replace", "path": "/name", "value": "diff-two-renamed"}])
    P("patch-add-custom", "add /colour", [{"op": "add", "path": "/colour", "value": "blue"}])
    P("patch-replace-custom", "replace /colour", [{"op": "replace", "path": "/colour", "value": "red"}])
    P("patch-add-existing-custom", "add /colour again", [{"op": "add", "path": "/colour", "value": "green"}])
    P("patch-remove-custom", "remove /colour", [{"op": "remove", "path": "/colour"}])
    P("patch-remove-missing-custom", "remove /colour again", [{"op": "remove", "path": "/colour"}])
    P("patch-replace-missing-custom", "replace /shape (absent)", [{"op": "replace", "path": "/shape", "value": "x"}])
    P("patch-replace-min-ram", "replace /min_ram", [{"op": "replace", "path": "/min_ram", "value": 256}])
    P("patch-min-ram-string", "replace /min_ram with a string", [{"op": "replace", "path": "/min_ram", "value": "x"}])
    P("patch-remove-core", "remove /min_disk (core)", [{"op": "remove", "path": "/min_disk"}])
    P("patch-replace-tags", "replace /tags", [{"op": "replace", "path": "/tags", "value": ["a", "b"]}])
    P("patch-add-tag-dash", "add /tags/- (not supported by Glance)", [{"op": "add", "path": "/tags/-", "value": "c"}])
    P("patch-replace-protected", "replace /protected", [{"op": "replace", "path": "/protected", "value": True}])
    P("patch-unprotect", "replace /protected false", [{"op": "replace", "path": "/protected", "value": False}])
    P("patch-hidden", "replace /os_hidden", [{"op": "replace", "path": "/os_hidden", "value": True}])
    P("patch-unhide", "replace /os_hidden false", [{"op": "replace", "path": "/os_hidden", "value": False}])
    P("patch-name-null", "replace /name with null", [{"op": "replace", "path": "/name", "value": None}])
    P("patch-two-ops", "two ops in one document", [{"op": "add", "path": "/a1", "value": "1"},
                                                  {"op": "add", "path": "/a2", "value": "2"}])
    P("patch-atomic", "second op fails: nothing applied", [{"op": "add", "path": "/a3", "value": "3"},
                                                           {"op": "replace", "path": "/status", "value": "active"}])
    P("patch-empty", "empty document", [])
    P("patch-read-only-status", "replace /status (403)", [{"op": "replace", "path": "/status", "value": "active"}])
    P("patch-read-only-id", "replace /id", [{"op": "replace", "path": "/id", "value": MISSING}])
    P("patch-read-only-checksum", "replace /checksum", [{"op": "replace", "path": "/checksum", "value": "0" * 32}])
    P("patch-read-only-created", "replace /created_at", [{"op": "replace", "path": "/created_at", "value": "x"}])
    P("patch-reserved-prop", "add /os_glance_x", [{"op": "add", "path": "/os_glance_x", "value": "1"}])
    P("patch-bad-op", "op move", [{"op": "move", "from": "/name", "path": "/x"}])
    P("patch-no-value", "replace without value", [{"op": "replace", "path": "/name"}])
    P("patch-nested-path", "path /a/b", [{"op": "add", "path": "/a/b", "value": "x"}])
    P("patch-path-no-slash", "path name", [{"op": "replace", "path": "name", "value": "x"}])
    P("patch-not-list", "a JSON object instead of a list", {"op": "replace", "path": "/name", "value": "x"})
    P("patch-bad-json", "malformed JSON", "[{bad")
    P("patch-content-type-json", "Content-Type application/json (415)",
      [{"op": "replace", "path": "/name", "value": "x"}], headers={"Content-Type": "application/json"})
    P("patch-content-type-v2.0", "the older v2.0 patch media type",
      [{"op": "replace", "path": "/name", "value": "diff-two"}],
      headers={"Content-Type": "application/openstack-images-v2.0-json-patch"})
    P("patch-content-type-missing", "no Content-Type", "[]", headers={"Content-Type": None})
    P("patch-visibility-public", "member-role owner makes it public (403)",
      [{"op": "replace", "path": "/visibility", "value": "public"}])
    P("patch-visibility-community", "owner makes IMG2 community",
      [{"op": "replace", "path": "/visibility", "value": "community"}])
    P("patch-visibility-shared", "owner makes IMG2 shared again",
      [{"op": "replace", "path": "/visibility", "value": "shared"}])
    P("patch-visibility-bad", "visibility bogus", [{"op": "replace", "path": "/visibility", "value": "bogus"}])
    P("patch-owner", "member-role owner changes owner", [{"op": "replace", "path": "/owner", "value": B}])
    P("patch-outsider", "outsider patches IMG2", [{"op": "replace", "path": "/name", "value": "x"}], caller=f)
    P("patch-reader", "reader-only owner patches", [{"op": "replace", "path": "/name", "value": "x"}],
      caller=own_r)
    P("patch-unknown", "patch an unknown image", [{"op": "replace", "path": "/name", "value": "x"}],
      path="/v2/images/" + MISSING)
    P("patch-public-outsider", "outsider patches the public image", [{"op": "replace", "path": "/name",
                                                                      "value": "x"}], caller=f, path=pub)
    S("show-after-patches", "IMG2 after the patches", "GET", two, own)

    # -- tags -----------------------------------------------------------------------------
    S("tag-add", "PUT /tags/t3", "PUT", one + "/tags/t3", own)
    S("tag-add-again", "PUT /tags/t3 again", "PUT", one + "/tags/t3", own)
    S("tag-delete", "DELETE /tags/t1", "DELETE", one + "/tags/t1", own)
    S("tag-delete-missing", "DELETE /tags/t1 again (404)", "DELETE", one + "/tags/t1", own)
    S("tag-too-long", "PUT a tag of 256 characters", "PUT", one + "/tags/" + "t" * 256, own)
    S("tag-unknown-image", "PUT a tag on an unknown image", "PUT", "/v2/images/%s/tags/x" % MISSING, own)
    S("tag-outsider", "outsider tags IMG1", "PUT", one + "/tags/x", f)
    S("tag-reader", "reader-only owner tags IMG1", "PUT", one + "/tags/x", own_r)
    S("tag-get-405", "GET /tags/t3 (405)", "GET", one + "/tags/t3", own)
    S("show-after-tags", "IMG1 after the tag calls", "GET", one, own)

    # -- deactivate / reactivate ----------------------------------------------------------
    S("deactivate-owner", "owner deactivates IMG1", "POST", one + "/actions/deactivate", own)
    S("show-deactivated", "IMG1 deactivated", "GET", one, own)
    S("download-deactivated-owner", "owner downloads a deactivated image", "GET", one + "/file", own)
    S("download-deactivated-admin", "admin downloads a deactivated image", "GET", one + "/file", adm)
    S("deactivate-again", "deactivate again", "POST", one + "/actions/deactivate", own)
    S("reactivate-owner", "owner reactivates IMG1", "POST", one + "/actions/reactivate", own)
    S("reactivate-active", "reactivate an active image", "POST", one + "/actions/reactivate", own)
    S("deactivate-queued", "deactivate a queued image", "POST", prot + "/actions/deactivate", own)
    S("deactivate-outsider", "outsider deactivates IMG1", "POST", one + "/actions/deactivate", f)
    S("deactivate-reader", "reader-only owner deactivates", "POST", one + "/actions/deactivate", own_r)
    S("deactivate-unknown", "deactivate an unknown image", "POST", "/v2/images/%s/actions/deactivate" % MISSING,
      own)
    S("deactivate-admin-public", "admin deactivates the public image", "POST", pub + "/actions/deactivate", adm)
    S("reactivate-admin-public", "admin reactivates it", "POST", pub + "/actions/reactivate", adm)
    S("deactivate-get-405", "GET /actions/deactivate", "GET", one + "/actions/deactivate", own)
    S("action-unknown", "POST /actions/explode", "POST", one + "/actions/explode", own)

    # -- delete ---------------------------------------------------------------------------
    S("delete-protected", "delete a protected image (403)", "DELETE", prot, own)
    P("unprotect-3", "owner clears protected on IMG3", [{"op": "replace", "path": "/protected", "value": False}],
      path=prot)
    S("delete-outsider", "outsider deletes IMG3", "DELETE", prot, f)
    S("delete-reader", "reader-only owner deletes IMG3", "DELETE", prot, own_r)
    S("delete-with-body", "delete with a body", "DELETE", prot, own, body={"a": 1})
    S("delete", "owner deletes IMG3", "DELETE", prot, own)
    S("delete-again", "delete again (404)", "DELETE", prot, own)
    S("show-deleted", "show the deleted image", "GET", prot, own)
    S("show-deleted-admin", "admin shows the deleted image", "GET", prot, adm)
    S("download-deleted", "download the deleted image", "GET", prot + "/file", own)
    S("patch-deleted", "patch the deleted image", "PATCH", prot, own, headers=PATCH,
      body=[{"op": "replace", "path": "/name", "value": "x"}])
    S("delete-community", "owner deletes the community image", "DELETE", comm, own)
    S("delete-hidden", "owner deletes the hidden image", "DELETE", hidden, own)
    S("list-after-deletes", "owner's list after the deletes", "GET", L + "?sort=name:asc", own)


# ---------------------------------------------------------------------------------------
def members(x):
    S = x.send
    x.section("members")
    own, own_r, b, c_r, f, adm = v2(A), v2(A, "reader"), v2(B), v2(C, "reader"), v2(F), v2_admin()
    img = "/v2/images/{IMG1}"
    mem = img + "/members"
    L = "/v2/images"

    S("member-add-private", "add a member while IMG1 is private (403)", "POST", mem, own, body={"member": B})
    S("member-list-private", "list members of a private image (403)", "GET", mem, own)
    S("member-show-private", "show a member of a private image (404)", "GET", mem + "/" + B, own)
    S("share", "owner makes IMG1 shared", "PATCH", img, own, headers=PATCH,
      body=[{"op": "replace", "path": "/visibility", "value": "shared"}])
    S("member-add", "owner adds B", "POST", mem, own, body={"member": B})
    S("member-add-c", "owner adds C", "POST", mem, own, body={"member": C})
    S("member-add-duplicate", "owner adds B again (409)", "POST", mem, own, body={"member": B})
    S("member-add-no-body", "add without a body", "POST", mem, own)
    S("member-add-empty-object", "add with {}", "POST", mem, own, body={})
    S("member-add-empty-member", "add with {\"member\": \"\"}", "POST", mem, own, body={"member": ""})
    S("member-add-array", "add with an array", "POST", mem, own, body=[B])
    S("member-add-bad-json", "add with malformed JSON", "POST", mem, own, body="{bad")
    S("member-add-number", "member 5 (not a string)", "POST", mem, own, body={"member": 5})
    S("member-add-too-long", "member id of 256 characters", "POST", mem, own, body={"member": "m" * 256})
    # D19 / v2 Q6: Glance stores these; glint refuses them. Removing them again keeps the
    # member lists comparable.
    S("resync-member-number", "owner removes member 5", "DELETE", mem + "/5", own)
    S("resync-member-too-long", "owner removes the 256-character member", "DELETE", mem + "/" + "m" * 256, own)
    S("member-add-4byte", "member id with a 4-byte character", "POST", mem, own, body={"member": "m\U0001F600"})
    S("member-list-owner", "owner lists members", "GET", mem, own)
    S("member-show-owner", "owner shows B's membership", "GET", mem + "/" + B, own)
    S("member-show-unknown-member", "owner shows a non-member", "GET", mem + "/" + D, own)
    S("member-accept-by-owner", "owner accepts for B (403)", "PUT", mem + "/" + B, own, body={"status": "accepted"})
    S("member-bad-status-by-owner", "owner sends a bad status (403 first)", "PUT", mem + "/" + B, own,
      body={"status": "bogus"})

    # B (member role): anti-spam -- access at once, listed only once accepted
    S("b-list-pending", "B's default list (pending: not listed)", "GET", L, b)
    S("b-list-member-status-pending", "B: member_status=pending&visibility=shared", "GET",
      L + "?member_status=pending&visibility=shared", b)
    S("b-list-member-status-all", "B: member_status=all", "GET", L + "?member_status=all&sort=name:asc", b)
    S("b-list-visibility-shared", "B: visibility=shared (accepted by default)", "GET", L + "?visibility=shared", b)
    S("b-show-image-pending", "B shows IMG1 while pending", "GET", img, b)
    S("b-download-pending", "B downloads IMG1 while pending", "GET", img + "/file", b)
    S("b-show-own-membership", "B shows its membership", "GET", mem + "/" + B, b)
    S("b-list-members", "B lists members (own row only)", "GET", mem, b)
    S("b-show-other-membership", "B shows C's membership (404)", "GET", mem + "/" + C, b)
    S("b-update-other-membership", "B sets C's status (404)", "PUT", mem + "/" + C, b, body={"status": "accepted"})
    S("b-accept", "B accepts", "PUT", mem + "/" + B, b, body={"status": "accepted"})
    S("b-list-accepted", "B's default list (accepted: listed)", "GET", L, b)
    S("b-list-member-status-accepted", "B: visibility=shared", "GET", L + "?visibility=shared", b)
    S("b-reject", "B rejects", "PUT", mem + "/" + B, b, body={"status": "rejected"})
    S("b-list-rejected", "B's default list after rejecting", "GET", L, b)
    S("b-list-member-status-rejected", "B: member_status=rejected&visibility=shared", "GET",
      L + "?member_status=rejected&visibility=shared", b)
    S("b-show-image-rejected", "B still shows IMG1 after rejecting", "GET", img, b)
    S("b-reaccept", "B accepts again", "PUT", mem + "/" + B, b, body={"status": "accepted"})
    S("b-same-status", "B accepts once more (same value)", "PUT", mem + "/" + B, b, body={"status": "accepted"})
    S("b-bad-status", "B sends a bad status (400)", "PUT", mem + "/" + B, b, body={"status": "bogus"})
    S("b-status-case", "B sends \"Accepted\"", "PUT", mem + "/" + B, b, body={"status": "Accepted"})
    S("b-status-missing", "status missing", "PUT", mem + "/" + B, b, body={"state": "accepted"})
    S("b-status-array", "status body an array", "PUT", mem + "/" + B, b, body=["accepted"])
    S("b-status-no-body", "status without a body", "PUT", mem + "/" + B, b)
    S("b-status-number", "status 1", "PUT", mem + "/" + B, b, body={"status": 1})
    S("b-adds-member", "B adds D (403)", "POST", mem, b, body={"member": D})
    S("b-deletes-self", "B removes its own membership (403)", "DELETE", mem + "/" + B, b)
    S("b-deletes-other", "B removes C (404)", "DELETE", mem + "/" + C, b)
    S("b-patches-image", "B patches IMG1 (403)", "PATCH", img, b, headers=PATCH,
      body=[{"op": "replace", "path": "/name", "value": "hijack"}])
    S("b-deletes-image", "B deletes IMG1 (403)", "DELETE", img, b)
    S("b-tags-image", "B tags IMG1", "PUT", img + "/tags/b", b)
    S("b-deactivates-image", "B deactivates IMG1", "POST", img + "/actions/deactivate", b)

    # C: a member with the reader role only
    S("c-reader-list-members", "reader-only member lists members", "GET", mem, c_r)
    S("c-reader-show-membership", "reader-only member shows its membership", "GET", mem + "/" + C, c_r)
    S("c-reader-show-image", "reader-only member shows IMG1", "GET", img, c_r)
    S("c-reader-download", "reader-only member downloads IMG1", "GET", img + "/file", c_r)
    S("c-reader-accept", "reader-only member accepts (403)", "PUT", mem + "/" + C, c_r, body={"status": "accepted"})
    S("c-reader-adds", "reader-only member adds D (403)", "POST", mem, c_r, body={"member": D})
    S("c-reader-list-pending", "reader-only member: member_status=pending&visibility=shared", "GET",
      L + "?member_status=pending&visibility=shared", c_r)

    # A with the reader role only
    S("owner-reader-adds", "reader-only owner adds D (403)", "POST", mem, own_r, body={"member": D})
    S("owner-reader-lists", "reader-only owner lists members", "GET", mem, own_r)
    S("owner-reader-shows", "reader-only owner shows B's membership", "GET", mem + "/" + B, own_r)
    S("owner-reader-deletes", "reader-only owner removes B (403)", "DELETE", mem + "/" + B, own_r)
    S("owner-reader-updates", "reader-only owner sets B's status (403)", "PUT", mem + "/" + B, own_r,
      body={"status": "rejected"})

    # F: an outsider
    S("outsider-shows-image", "outsider shows IMG1 (404)", "GET", img, f)
    S("outsider-lists-members", "outsider lists members (404)", "GET", mem, f)
    S("outsider-lists-members-json", "same, Accept json", "GET", mem, f, accept="application/json")
    S("outsider-adds", "outsider adds itself (404)", "POST", mem, f, body={"member": F})
    S("outsider-shows-member", "outsider shows B's membership (404)", "GET", mem + "/" + B, f)
    S("outsider-updates-member", "outsider sets B's status (404)", "PUT", mem + "/" + B, f,
      body={"status": "rejected"})
    S("outsider-deletes-member", "outsider removes B (404)", "DELETE", mem + "/" + B, f)

    # admin
    S("admin-lists-members", "admin lists members", "GET", mem, adm)
    S("admin-adds", "admin adds D", "POST", mem, adm, body={"member": D})
    S("admin-sets-status", "admin accepts for D", "PUT", mem + "/" + D, adm, body={"status": "accepted"})
    S("admin-shows-member", "admin shows D's membership", "GET", mem + "/" + D, adm)
    S("admin-deletes", "admin removes D", "DELETE", mem + "/" + D, adm)

    # non-shared images, unknown images
    pub = "/v2/images/{IMG4}/members"
    S("public-add-admin", "admin adds a member to the public image (403)", "POST", pub, adm, body={"member": B})
    S("public-list-owner", "owner lists members of the public image (403)", "GET", pub, own)
    S("public-list-outsider", "outsider lists members of the public image", "GET", pub, f)
    S("public-show-member", "show a member of the public image (404)", "GET", pub + "/" + B, own)
    S("public-update-member", "set a status on the public image", "PUT", pub + "/" + B, own,
      body={"status": "accepted"})
    S("public-delete-member", "remove a member of the public image", "DELETE", pub + "/" + B, own)
    unk = "/v2/images/%s/members" % MISSING
    S("unknown-list-members", "members of an unknown image", "GET", unk, own)
    S("unknown-add-member", "add to an unknown image", "POST", unk, own, body={"member": B})
    S("unknown-show-member", "show on an unknown image", "GET", unk + "/" + B, own)

    # 405s and bodies where none is expected
    S("members-patch-405", "PATCH /members", "PATCH", mem, own)
    S("members-delete-405", "DELETE /members", "DELETE", mem, own)
    S("members-put-405", "PUT /members", "PUT", mem, own, body={"member": B})
    S("member-post-405", "POST /members/B", "POST", mem + "/" + B, own)
    S("member-patch-405", "PATCH /members/B", "PATCH", mem + "/" + B, own)
    S("members-list-with-body", "list members with a body", "GET", mem, own, body={"a": 1})
    S("member-show-with-body", "show a member with a body", "GET", mem + "/" + B, own, body={"a": 1})
    S("member-delete-with-body", "remove a member with a body", "DELETE", mem + "/" + B, own, body={"a": 1})

    # visibility changes keep the rows but cut access
    S("unshare", "owner makes IMG1 private", "PATCH", img, own, headers=PATCH,
      body=[{"op": "replace", "path": "/visibility", "value": "private"}])
    S("b-show-after-unshare", "B shows IMG1 (404)", "GET", img, b)
    S("b-list-after-unshare", "B's list", "GET", L, b)
    S("owner-lists-after-unshare", "owner lists members of the private image (403)", "GET", mem, own)
    S("reshare", "owner makes IMG1 shared again", "PATCH", img, own, headers=PATCH,
      body=[{"op": "replace", "path": "/visibility", "value": "shared"}])
    S("b-show-after-reshare", "B shows IMG1 again", "GET", img, b)
    S("member-list-after-reshare", "owner lists members (rows kept)", "GET", mem, own)

    # remove and re-add
    S("member-remove", "owner removes B", "DELETE", mem + "/" + B, own)
    S("member-remove-again", "owner removes B again (404)", "DELETE", mem + "/" + B, own)
    S("b-show-after-remove", "former member shows IMG1 (404)", "GET", img, b)
    S("b-list-after-remove", "former member's list", "GET", L + "?member_status=all", b)
    S("member-readd", "owner re-adds B (pending again)", "POST", mem, own, body={"member": B})
    S("member-list-after-readd", "owner lists members", "GET", mem, own)
    S("admin-list-final", "admin's list at the end", "GET", L + "?sort=name:asc", adm)

    # the member quota (image_member_quota = 128 on both): 413 comes before 409 (v2-sharing Q1,
    # DECISIONS D8 clarification)
    S("quota-create", "owner creates a shared image for the quota", "POST", L, own,
      body={"name": "diff-quota", "visibility": "shared"}, create=True)  # IMG14
    quota = "/v2/images/{IMG14}/members"
    x.bulk("quota-fill: 128 members added to IMG14", "POST", quota, own,
           [{"member": "q%03d" % i} for i in range(128)])
    S("quota-list", "128 members listed", "GET", quota, own)
    S("quota-add-over", "a 129th member (413)", "POST", quota, own, body={"member": B})
    S("quota-add-over-json", "same, Accept json", "POST", quota, own, body={"member": B},
      accept="application/json")
    S("quota-readd-existing", "re-add an existing member at the quota (413, not 409)", "POST", quota, own,
      body={"member": "q000"})
    S("quota-remove-one", "owner removes one member", "DELETE", quota + "/q000", own)
    S("quota-add-after-remove", "a new member fits again", "POST", quota, own, body={"member": B})
    S("quota-delete-image", "owner deletes IMG14", "DELETE", "/v2/images/{IMG14}", own)

    # the image goes away
    S("delete-shared", "owner deletes IMG1", "DELETE", img, own)
    S("members-of-deleted-admin", "admin lists members of the deleted image", "GET", mem, adm)
    S("members-of-deleted-owner", "owner adds a member to the deleted image", "POST", mem, own,
      body={"member": D})
    S("b-show-deleted", "B shows the deleted image", "GET", img, b)
