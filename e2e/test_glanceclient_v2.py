"""python-glanceclient 4.13.0, Images API v2, against the server under test.

Python API: glanceclient.Client('2', endpoint=URL, token='user:project:roles').
CLI: glance --os-image-url URL --os-auth-token TOKEN ... (v2 is the CLI's default).
Expected behaviour is Glance 33's with secure-RBAC defaults (shared/spec/v2-sharing.md); every
test here also passes against the real Glance (GLINT_E2E_TARGET=peer, see README.md).
"""

import hashlib
import io

import pytest
from glanceclient import exc

from v2util import DATA, MD5, SHA512, parse_show, parse_table, table_column


# --------------------------------------------------------------------------- helpers

def create(client, name="e2e-v2", data=DATA, visibility="shared", **kwargs):
    image = client.images.create(name=name, disk_format="raw", container_format="bare",
                                 visibility=visibility, **kwargs)
    if data is not None:
        client.images.upload(image.id, io.BytesIO(data))
    return image.id


def ids(client, **filters):
    return {i.id for i in client.images.list(filters=filters)}


def download(client, image_id):
    # images.data() checks the bytes against os_hash_value (sha512) as they stream in and
    # raises IOError on a mismatch; the md5 is compared here as well.
    return b"".join(client.images.data(image_id))


def members(client, image_id):
    return {m.member_id: m.status for m in client.image_members.list(image_id)}


@pytest.fixture
def shared(tenants, v2_client):
    """An active shared image of tenants.owner with tenants.member as a pending member."""
    owner = v2_client(tenants.owner)
    image_id = create(owner)
    owner.image_members.create(image_id, tenants.member)
    return image_id


# --------------------------------------------------------------------------- Python API

def test_create_upload_show(tenants, v2_client):
    owner = v2_client(tenants.owner)
    image = owner.images.create(name="e2e-v2", disk_format="raw", container_format="bare",
                                visibility="shared", tags=["t1"], min_ram=64, e2e_key="value")
    assert image.status == "queued"
    assert image.owner == tenants.owner
    assert image.visibility == "shared"
    assert image.size is None
    assert image.tags == ["t1"]
    assert image.e2e_key == "value"
    owner.images.upload(image.id, io.BytesIO(DATA))

    shown = owner.images.get(image.id)
    assert shown.status == "active"
    assert shown.size == len(DATA)
    assert shown.checksum == MD5
    assert shown.os_hash_algo == "sha512"
    assert shown.os_hash_value == SHA512
    assert shown.min_ram == 64
    assert shown["file"] == "/v2/images/%s/file" % image.id
    assert shown["schema"] == "/v2/schemas/image"
    assert image.id in ids(owner, owner=tenants.owner)
    assert download(owner, image.id) == DATA


def test_pending_member_sees_image_only_when_asking_for_pending(tenants, v2_client, shared):
    member = v2_client(tenants.member)
    assert member.images.get(shared).id == shared  # any member status may read by id
    assert shared not in ids(member)
    assert shared not in ids(member, visibility="shared")
    assert shared in ids(member, member_status="pending")
    assert shared in ids(member, member_status="pending", visibility="shared")
    assert shared in ids(member, member_status="all")
    assert shared not in ids(member, member_status="accepted")
    assert shared not in ids(member, member_status="rejected", visibility="shared")


def test_member_accepts_then_rejects(tenants, v2_client, shared):
    member = v2_client(tenants.member)
    accepted = member.image_members.update(shared, tenants.member, "accepted")
    assert (accepted.image_id, accepted.member_id, accepted.status) == (
        shared, tenants.member, "accepted")
    assert shared in ids(member)
    assert shared in ids(member, visibility="shared")
    assert shared not in ids(member, member_status="pending")

    rejected = member.image_members.update(shared, tenants.member, "rejected")
    assert rejected.status == "rejected"
    assert shared not in ids(member)
    assert shared in ids(member, member_status="rejected")
    assert members(v2_client(tenants.owner), shared) == {tenants.member: "rejected"}

    # back to pending is allowed too
    assert member.image_members.update(shared, tenants.member, "pending").status == "pending"
    assert shared in ids(member, member_status="pending")


def test_member_downloads_with_checksum(tenants, v2_client, shared):
    member = v2_client(tenants.member)
    data = download(member, shared)  # still pending: members of any status may download
    assert hashlib.md5(data).hexdigest() == MD5
    member.image_members.update(shared, tenants.member, "accepted")
    assert download(member, shared) == DATA


def test_member_lists_and_gets_only_its_own_membership(tenants, v2_client, shared):
    owner, member = v2_client(tenants.owner), v2_client(tenants.member)
    owner.image_members.create(shared, tenants.other)
    assert members(owner, shared) == {tenants.member: "pending", tenants.other: "pending"}
    assert members(member, shared) == {tenants.member: "pending"}
    got = member.image_members.get(shared, tenants.member)
    assert (got.member_id, got.status) == (tenants.member, "pending")
    with pytest.raises(exc.HTTPNotFound):
        member.image_members.get(shared, tenants.other)
    assert owner.image_members.get(shared, tenants.other).status == "pending"


def test_who_may_change_what(tenants, v2_client, shared):
    owner, member = v2_client(tenants.owner), v2_client(tenants.member)
    outsider = v2_client(tenants.other)
    with pytest.raises(exc.HTTPForbidden):
        owner.image_members.update(shared, tenants.member, "accepted")  # only the member
    with pytest.raises(exc.HTTPForbidden):
        member.image_members.create(shared, tenants.other)  # only the owner shares
    with pytest.raises(exc.HTTPForbidden):
        member.image_members.delete(shared, tenants.member)
    with pytest.raises(exc.HTTPNotFound):
        outsider.images.get(shared)
    with pytest.raises(exc.HTTPNotFound):
        outsider.image_members.create(shared, tenants.other)
    with pytest.raises(exc.HTTPConflict):
        owner.image_members.create(shared, tenants.member)
    assert members(owner, shared) == {tenants.member: "pending"}


def test_owner_removes_member(tenants, v2_client, shared):
    owner, member = v2_client(tenants.owner), v2_client(tenants.member)
    member.image_members.update(shared, tenants.member, "accepted")
    owner.image_members.delete(shared, tenants.member)
    assert members(owner, shared) == {}
    with pytest.raises(exc.HTTPNotFound):
        member.images.get(shared)
    with pytest.raises(exc.HTTPNotFound):
        download(member, shared)
    assert shared not in ids(member, member_status="all")
    # and may add it again: pending once more
    assert owner.image_members.create(shared, tenants.member).status == "pending"
    assert shared in ids(member, member_status="pending")


def test_admin_sees_members_and_may_set_status(tenants, v2_client, shared):
    admin = v2_client(tenants.admin, roles="admin")
    assert members(admin, shared) == {tenants.member: "pending"}
    assert admin.image_members.update(shared, tenants.member, "accepted").status == "accepted"
    assert shared in ids(v2_client(tenants.member))


def test_only_shared_images_have_members(tenants, v2_client):
    owner = v2_client(tenants.owner)
    image_id = create(owner, visibility="private")
    with pytest.raises(exc.HTTPForbidden):
        owner.image_members.create(image_id, tenants.member)
    with pytest.raises(exc.HTTPForbidden):
        list(owner.image_members.list(image_id))
    owner.images.update(image_id, visibility="shared")
    owner.image_members.create(image_id, tenants.member)
    assert members(owner, image_id) == {tenants.member: "pending"}


def test_visibility_changes_hide_and_show_a_shared_image(tenants, v2_client, shared):
    owner, member = v2_client(tenants.owner), v2_client(tenants.member)
    member.image_members.update(shared, tenants.member, "accepted")
    owner.images.update(shared, visibility="private")
    with pytest.raises(exc.HTTPNotFound):
        member.images.get(shared)  # membership kept but ignored while private
    assert shared not in ids(member, member_status="all")
    owner.images.update(shared, visibility="shared")
    assert shared in ids(member)  # the accepted membership applies again
    owner.images.update(shared, visibility="community")
    assert member.images.get(shared).visibility == "community"
    assert shared not in ids(member)
    assert shared in ids(member, visibility="community")


def test_tags(tenants, v2_client):
    owner = v2_client(tenants.owner)
    image_id = create(owner, data=None, tags=["one"])
    owner.image_tags.update(image_id, "two")
    owner.image_tags.update(image_id, "two")  # idempotent
    assert sorted(owner.images.get(image_id).tags) == ["one", "two"]
    assert image_id in ids(owner, tag=["two"])
    owner.image_tags.delete(image_id, "one")
    assert owner.images.get(image_id).tags == ["two"]
    assert image_id not in ids(owner, tag=["one"])
    with pytest.raises(exc.HTTPNotFound):
        owner.image_tags.delete(image_id, "one")


def test_properties_set_and_unset(tenants, v2_client):
    owner = v2_client(tenants.owner)
    image_id = create(owner, data=None, e2e_a="1", e2e_b="2")
    updated = owner.images.update(image_id, remove_props=["e2e_a"], e2e_b="changed",
                                  e2e_c="new", name="renamed", min_disk=2, protected=True)
    assert "e2e_a" not in updated
    assert (updated.e2e_b, updated.e2e_c) == ("changed", "new")
    assert (updated.name, updated.min_disk, updated.protected) == ("renamed", 2, True)
    shown = owner.images.get(image_id)
    assert "e2e_a" not in shown and shown.e2e_c == "new"
    with pytest.raises(exc.HTTPForbidden):
        owner.images.delete(image_id)  # protected
    owner.images.update(image_id, protected=False)
    owner.images.delete(image_id)


def test_member_cannot_modify_shared_image(tenants, v2_client, shared):
    member = v2_client(tenants.member)
    member.image_members.update(shared, tenants.member, "accepted")
    with pytest.raises(exc.HTTPForbidden):
        member.images.update(shared, name="hijacked")
    with pytest.raises(exc.HTTPForbidden):
        member.images.delete(shared)
    assert v2_client(tenants.owner).images.get(shared).name == "e2e-v2"


def test_hidden_images(tenants, v2_client):
    owner = v2_client(tenants.owner)
    image_id = create(owner, data=None, os_hidden=True)
    assert image_id not in ids(owner, owner=tenants.owner)
    assert image_id in ids(owner, owner=tenants.owner, os_hidden=True)
    owner.images.update(image_id, os_hidden=False)
    assert image_id in ids(owner, owner=tenants.owner)


def test_deactivate_and_reactivate(tenants, v2_client, shared):
    owner, member = v2_client(tenants.owner), v2_client(tenants.member)
    owner.images.deactivate(shared)
    assert owner.images.get(shared).status == "deactivated"
    with pytest.raises(exc.HTTPForbidden):
        download(owner, shared)
    with pytest.raises(exc.HTTPForbidden):
        download(member, shared)
    owner.images.reactivate(shared)
    assert owner.images.get(shared).status == "active"
    assert download(member, shared) == DATA


def test_delete(tenants, v2_client, shared):
    owner, member = v2_client(tenants.owner), v2_client(tenants.member)
    owner.images.delete(shared)
    for client in (owner, member):
        with pytest.raises(exc.HTTPNotFound):
            client.images.get(shared)
    assert shared not in ids(owner, owner=tenants.owner)
    with pytest.raises(exc.HTTPNotFound):
        owner.images.delete(shared)


def test_list_follows_next_links(tenants, v2_client):
    owner = v2_client(tenants.owner)
    created = [create(owner, name="page-%d" % i, data=None) for i in range(5)]
    listed = [i.id for i in owner.images.list(filters={"owner": tenants.owner}, page_size=2,
                                              sort_key="name", sort_dir="asc")]
    assert listed == created
    assert [i.id for i in owner.images.list(filters={"owner": tenants.owner}, limit=3,
                                            page_size=2, sort="name:desc")] == created[:1:-1]


# --------------------------------------------------------------------------- glance CLI

@pytest.fixture
def image_file(tmp_path):
    path = tmp_path / "image.raw"
    path.write_bytes(DATA)
    return path


def cli_create(glance_v2_cli, project, image_file, *extra):
    out = glance_v2_cli(project, "image-create", "--name", "cli-v2", "--disk-format", "raw",
                        "--container-format", "bare", "--visibility", "shared",
                        "--file", str(image_file), *extra)
    return parse_show(out.stdout)


def test_cli_create_show_list(tenants, glance_v2_cli, image_file):
    shown = cli_create(glance_v2_cli, tenants.owner, image_file, "--property", "e2e_key=v",
                       "--tags", "t1")
    assert shown["status"] == "active"
    assert shown["size"] == str(len(DATA))
    assert shown["checksum"] == MD5
    assert shown["owner"] == tenants.owner
    assert shown["visibility"] == "shared"
    assert shown["e2e_key"] == "v"
    again = parse_show(glance_v2_cli(tenants.owner, "image-show", "--max-column-width", "200",
                                     shown["id"]).stdout)
    assert again["os_hash_value"] == SHA512
    listed = glance_v2_cli(tenants.owner, "image-list", "--owner", tenants.owner).stdout
    assert table_column(listed, "ID") == [shown["id"]]


def test_cli_record_then_upload(tenants, glance_v2_cli, image_file):
    created = parse_show(glance_v2_cli(
        tenants.owner, "image-create", "--name", "record", "--disk-format", "raw",
        "--container-format", "bare").stdout)  # closed stdin: no data
    assert created["status"] == "queued"
    glance_v2_cli(tenants.owner, "image-upload", "--file", str(image_file), created["id"])
    shown = parse_show(glance_v2_cli(tenants.owner, "image-show", created["id"]).stdout)
    assert (shown["status"], shown["checksum"]) == ("active", MD5)


def test_cli_create_with_data_from_stdin(tenants, glance_v2_cli):
    # size unknown to the client: a chunked upload
    shown = parse_show(glance_v2_cli(
        tenants.owner, "image-create", "--name", "stdin", "--disk-format", "raw",
        "--container-format", "bare", stdin=DATA).stdout)
    assert (shown["status"], shown["size"], shown["checksum"]) == (
        "active", str(len(DATA)), MD5)


def test_cli_sharing_workflow(tenants, glance_v2_cli, image_file, tmp_path):
    image_id = cli_create(glance_v2_cli, tenants.owner, image_file)["id"]
    added = parse_table(glance_v2_cli(tenants.owner, "member-create", image_id,
                                      tenants.member).stdout)
    assert added[1] == [image_id, tenants.member, "pending"]

    def member_list(*args):
        out = glance_v2_cli(tenants.member, "image-list", *args).stdout
        return table_column(out, "ID")

    assert image_id not in member_list()
    assert member_list("--member-status", "pending", "--visibility", "shared") == [image_id]

    glance_v2_cli(tenants.member, "member-update", image_id, tenants.member, "accepted")
    assert image_id in member_list()
    assert member_list("--visibility", "shared") == [image_id]

    glance_v2_cli(tenants.member, "member-update", image_id, tenants.member, "rejected")
    assert image_id not in member_list()
    assert member_list("--member-status", "rejected", "--visibility", "shared") == [image_id]
    got = parse_show(glance_v2_cli(tenants.owner, "member-get", image_id, tenants.member).stdout)
    assert got["status"] == "rejected"

    target = tmp_path / "downloaded.raw"
    glance_v2_cli(tenants.member, "image-download", "--file", str(target), image_id)
    assert target.read_bytes() == DATA

    table = glance_v2_cli(tenants.owner, "member-list", "--image-id", image_id).stdout
    assert parse_table(table)[1:] == [[image_id, tenants.member, "rejected"]]
    glance_v2_cli(tenants.owner, "member-delete", image_id, tenants.member)
    table = glance_v2_cli(tenants.owner, "member-list", "--image-id", image_id).stdout
    assert parse_table(table)[1:] == []
    gone = glance_v2_cli(tenants.member, "image-show", image_id, check=False)
    assert gone.returncode != 0 and "404" in gone.stderr, gone.describe()


def test_cli_member_cannot_share_or_accept_for_owner(tenants, glance_v2_cli, image_file):
    image_id = cli_create(glance_v2_cli, tenants.owner, image_file)["id"]
    glance_v2_cli(tenants.owner, "member-create", image_id, tenants.member)
    refused = glance_v2_cli(tenants.member, "member-create", image_id, tenants.other,
                            check=False)
    assert refused.returncode != 0 and "403" in refused.stderr, refused.describe()
    refused = glance_v2_cli(tenants.owner, "member-update", image_id, tenants.member,
                            "accepted", check=False)
    assert refused.returncode != 0 and "403" in refused.stderr, refused.describe()


def test_cli_tags_properties_deactivate_delete(tenants, glance_v2_cli, image_file, tmp_path):
    image_id = cli_create(glance_v2_cli, tenants.owner, image_file, "--property", "e2e_a=1",
                          "--property", "e2e_b=2")["id"]
    glance_v2_cli(tenants.owner, "image-tag-update", image_id, "cli-tag")
    updated = parse_show(glance_v2_cli(
        tenants.owner, "image-update", "--name", "renamed", "--property", "e2e_b=changed",
        "--remove-property", "e2e_a", "--visibility", "private", image_id).stdout)
    assert updated["name"] == "renamed"
    assert updated["e2e_b"] == "changed"
    assert "e2e_a" not in updated
    assert updated["visibility"] == "private"
    assert updated["tags"] == '["cli-tag"]'
    glance_v2_cli(tenants.owner, "image-tag-delete", image_id, "cli-tag")
    shown = parse_show(glance_v2_cli(tenants.owner, "image-show", image_id).stdout)
    assert shown["tags"] == "[]"

    glance_v2_cli(tenants.owner, "image-deactivate", image_id)
    refused = glance_v2_cli(tenants.owner, "image-download", "--file",
                            str(tmp_path / "no.raw"), image_id, check=False)
    assert refused.returncode != 0 and "403" in refused.stdout + refused.stderr, \
        refused.describe()
    glance_v2_cli(tenants.owner, "image-reactivate", image_id)
    shown = parse_show(glance_v2_cli(tenants.owner, "image-show", image_id).stdout)
    assert shown["status"] == "active"

    glance_v2_cli(tenants.owner, "image-delete", image_id)
    gone = glance_v2_cli(tenants.owner, "image-show", image_id, check=False)
    assert gone.returncode != 0 and "404" in gone.stderr, gone.describe()
