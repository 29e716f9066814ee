"""openstacksdk's image proxy (conn.image, Images API v2) against the server under test.

Connection(auth_type="admin_token", auth={"endpoint": URL + "/v2", "token": "user:project:roles"}):
a fixed endpoint and token, no Keystone. Expected behaviour is Glance 33's with secure-RBAC
defaults; every test here also passes against the real Glance (GLINT_E2E_TARGET=peer).
"""

import hashlib
import uuid

import pytest
from openstack import exceptions as sdk_exc

from v2util import DATA, MD5, SHA512


def unique(prefix="sdk"):
    # create_image looks for an image of the same name first (allow_duplicates=False)
    return "%s-%s" % (prefix, uuid.uuid4().hex[:12])


@pytest.fixture
def image_file(tmp_path):
    path = tmp_path / "image.raw"
    path.write_bytes(DATA)
    return str(path)


def create(conn, image_file=None, visibility="shared", **kwargs):
    if image_file is None:
        kwargs.setdefault("wait", False)
    return conn.image.create_image(unique(), filename=image_file, disk_format="raw",
                                   container_format="bare", visibility=visibility, **kwargs)


def ids(conn, **query):
    return {i.id for i in conn.image.images(**query)}


def members(conn, image_id):
    return {m.member_id: m.status for m in conn.image.members(image_id)}


@pytest.fixture
def shared(tenants, sdk_conn, image_file):
    """An active shared image of tenants.owner with tenants.member as a pending member."""
    owner = sdk_conn(tenants.owner)
    image = create(owner, image_file)
    owner.image.add_member(image, member_id=tenants.member)
    return image.id


def test_create_with_file_and_show(tenants, sdk_conn, image_file):
    owner = sdk_conn(tenants.owner)
    name = unique()
    created = owner.image.create_image(
        name, filename=image_file, disk_format="raw", container_format="bare",
        visibility="shared", tags=["t1"], e2e_key="value", validate_checksum=True)
    image = owner.image.get_image(created.id)
    assert (image.name, image.status, image.visibility) == (name, "active", "shared")
    assert image.owner_id == tenants.owner
    assert image.size == len(DATA)
    assert image.checksum == MD5
    assert (image.hash_algo, image.hash_value) == ("sha512", SHA512)
    assert image.tags == ["t1"]
    # the SDK records what it uploaded as properties of its own
    assert image.properties["e2e_key"] == "value"
    assert image.properties["owner_specified.openstack.md5"] == MD5
    assert image.properties["owner_specified.openstack.sha256"] == \
        hashlib.sha256(DATA).hexdigest()
    assert image.id in ids(owner, owner=tenants.owner)
    assert owner.image.find_image(name).id == image.id


def test_sharing_pending_accept_reject(tenants, sdk_conn, shared):
    owner, member = sdk_conn(tenants.owner), sdk_conn(tenants.member)
    assert members(owner, shared) == {tenants.member: "pending"}
    assert member.image.get_image(shared).id == shared
    assert shared not in ids(member)
    assert shared in ids(member, member_status="pending", visibility="shared")

    updated = member.image.update_member(tenants.member, shared, status="accepted")
    assert updated.status == "accepted"
    assert shared in ids(member)
    assert shared not in ids(member, member_status="pending")
    got = owner.image.get_member(tenants.member, shared)
    assert (got.member_id, got.image_id, got.status) == (tenants.member, shared, "accepted")

    member.image.update_member(tenants.member, shared, status="rejected")
    assert shared not in ids(member)
    assert shared in ids(member, member_status="rejected", visibility="shared")
    assert members(member, shared) == {tenants.member: "rejected"}


def test_member_downloads_with_checksum(tenants, sdk_conn, shared, tmp_path):
    member = sdk_conn(tenants.member)
    # download_image fetches the image first and checks the bytes against os_hash_value
    response = member.image.download_image(shared)
    assert response.content == DATA
    target = tmp_path / "downloaded.raw"
    member.image.download_image(shared, output=str(target))
    assert hashlib.md5(target.read_bytes()).hexdigest() == MD5


def test_owner_removes_member(tenants, sdk_conn, shared):
    owner, member = sdk_conn(tenants.owner), sdk_conn(tenants.member)
    member.image.update_member(tenants.member, shared, status="accepted")
    owner.image.remove_member(tenants.member, shared)
    assert members(owner, shared) == {}
    with pytest.raises(sdk_exc.NotFoundException):
        member.image.get_image(shared)
    assert member.image.find_image(shared) is None
    assert shared not in ids(member, member_status="all")
    with pytest.raises(sdk_exc.NotFoundException):
        owner.image.remove_member(tenants.member, shared, ignore_missing=False)


def test_forbidden_member_operations(tenants, sdk_conn, shared):
    owner, member = sdk_conn(tenants.owner), sdk_conn(tenants.member)
    with pytest.raises(sdk_exc.ForbiddenException):
        member.image.add_member(shared, member_id=tenants.other)
    with pytest.raises(sdk_exc.ForbiddenException):
        owner.image.update_member(tenants.member, shared, status="accepted")
    with pytest.raises(sdk_exc.ForbiddenException):
        member.image.update_image(member.image.get_image(shared), name="hijacked")
    with pytest.raises(sdk_exc.NotFoundException):
        sdk_conn(tenants.other).image.get_image(shared)
    with pytest.raises(sdk_exc.ConflictException):
        owner.image.add_member(shared, member_id=tenants.member)


def test_tags(tenants, sdk_conn):
    owner = sdk_conn(tenants.owner)
    image = create(owner, tags=["one"])
    owner.image.add_tag(image, "two")
    assert sorted(owner.image.get_image(image).tags) == ["one", "two"]
    assert image.id in ids(owner, tag="two")
    owner.image.remove_tag(image, "one")
    assert owner.image.get_image(image).tags == ["two"]
    assert image.id not in ids(owner, tag="one")


def test_properties_set_and_unset(tenants, sdk_conn):
    owner = sdk_conn(tenants.owner)
    image = create(owner, e2e_a="1", e2e_b="2")
    assert owner.image.update_image_properties(image, e2e_b="changed", e2e_c="new")
    image = owner.image.get_image(image)
    assert {k: image.properties.get(k) for k in ("e2e_a", "e2e_b", "e2e_c")} == {
        "e2e_a": "1", "e2e_b": "changed", "e2e_c": "new"}
    props = dict(image.properties)
    del props["e2e_a"]
    owner.image.update_image(image, properties=props, name="renamed", min_ram=128,
                             is_protected=True)
    image = owner.image.get_image(image)
    assert "e2e_a" not in image.properties
    assert image.properties["e2e_c"] == "new"
    assert (image.name, image.min_ram, image.is_protected) == ("renamed", 128, True)
    with pytest.raises(sdk_exc.ForbiddenException):
        owner.image.delete_image(image, ignore_missing=False)
    owner.image.update_image(image, is_protected=False)
    owner.image.delete_image(image, ignore_missing=False)


def test_visibility_and_hidden(tenants, sdk_conn, shared):
    owner, member = sdk_conn(tenants.owner), sdk_conn(tenants.member)
    member.image.update_member(tenants.member, shared, status="accepted")
    owner.image.update_image(shared, visibility="private")
    with pytest.raises(sdk_exc.NotFoundException):
        member.image.get_image(shared)
    owner.image.update_image(shared, visibility="shared")
    assert shared in ids(member)
    owner.image.update_image(shared, is_hidden=True)
    assert owner.image.get_image(shared).is_hidden is True
    assert shared not in ids(member)
    assert shared in ids(member, is_hidden=True)


def test_deactivate_and_reactivate(tenants, sdk_conn, shared):
    owner, member = sdk_conn(tenants.owner), sdk_conn(tenants.member)
    # deactivate_image/reactivate_image do not look at the answer: check the outcome instead
    member.image.deactivate_image(shared)  # 403
    assert owner.image.get_image(shared).status == "active"
    owner.image.deactivate_image(shared)
    assert owner.image.get_image(shared).status == "deactivated"
    # download_image does not raise on an HTTP error (without stream it reports a checksum
    # mismatch of the error body), so look at the response itself
    for conn in (owner, member):
        response = conn.image.download_image(shared, stream=True)
        assert response.status_code == 403
        response.close()
    member.image.reactivate_image(shared)  # 403
    assert owner.image.get_image(shared).status == "deactivated"
    owner.image.reactivate_image(shared)
    assert owner.image.get_image(shared).status == "active"
    assert member.image.download_image(shared).content == DATA


def test_delete(tenants, sdk_conn, shared):
    owner, member = sdk_conn(tenants.owner), sdk_conn(tenants.member)
    owner.image.delete_image(shared, ignore_missing=False)
    for conn in (owner, member):
        with pytest.raises(sdk_exc.NotFoundException):
            conn.image.get_image(shared)
    with pytest.raises(sdk_exc.NotFoundException):
        owner.image.delete_image(shared, ignore_missing=False)
    assert owner.image.delete_image(shared) is None  # ignore_missing defaults to True


def test_pagination_and_sort(tenants, sdk_conn):
    owner = sdk_conn(tenants.owner)
    made = [owner.image.create_image("page-%d-%s" % (i, tenants.owner), disk_format="raw",
                                     container_format="bare").id for i in range(5)]
    # limit is the page size; the SDK follows the `next` links
    listed = [i.id for i in owner.image.images(owner=tenants.owner, limit=2,
                                               sort_key="name", sort_dir="asc")]
    assert listed == made
    listed = [i.id for i in owner.image.images(owner=tenants.owner, sort="name:desc")]
    assert listed == made[::-1]


def test_schemas(sdk_conn, tenants):
    conn = sdk_conn(tenants.owner)
    image = conn.image.get_image_schema()
    assert {"id", "name", "visibility", "os_hidden", "tags"} <= set(image.properties)
    assert "images" in conn.image.get_images_schema().properties
    assert "status" in conn.image.get_member_schema().properties
    assert "members" in conn.image.get_members_schema().properties
