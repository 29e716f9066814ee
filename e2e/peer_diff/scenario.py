"""The scripted Images-v1 scenario: every request sent to both servers, in order."""

from actors import A, B, C, D, E, F, IMAGE_DATA, MISSING, OTHER_DATA, admin, who

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
