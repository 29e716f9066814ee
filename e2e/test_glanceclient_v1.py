"""python-glanceclient 4.13.0 (Images API v1) against a real glint server.

Python API: glanceclient.Client('1', endpoint=..., token='user:project:role').
CLI: glance --os-image-api-version 1 --os-image-url URL --os-auth-token TOKEN ...
Expected behaviour is Glance's (shared/spec/v1-sharing.md, v1-images.md).
"""

import hashlib
import io
import os

import pytest
from glanceclient import exc

DATA = os.urandom(64 * 1024 + 123)  # not a multiple of any chunk size
MD5 = hashlib.md5(DATA).hexdigest()


# --------------------------------------------------------------------------- helpers

def create_image(client, name="e2e", data=DATA, **kwargs):
    return client.images.create(name=name, disk_format="raw", container_format="bare",
                                data=io.BytesIO(data), **kwargs)


def members_of(client, image):
    """{member_id: can_share} from GET /v1/images/{id}/members."""
    return {m.member_id: m.can_share for m in client.image_members.list(image=image)}


def shared_with(client, member):
    """{image_id: can_share} from GET /v1/shared-images/{member}."""
    out = {}
    for m in client.image_members.list(member=member):
        assert m.member_id == member
        out[m.image_id] = m.can_share
    return out


def download_md5(client, image_id):
    return hashlib.md5(b"".join(client.images.data(image_id))).hexdigest()


def listed_ids(client, **kwargs):
    return {i.id for i in client.images.list(**kwargs)}


def parse_table(text):
    """Rows of the prettytable printed by the CLI (header row first)."""
    rows = []
    for line in text.splitlines():
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def parse_show(text):
    """The Property/Value table of image-create / image-show as a dict."""
    return {row[0]: row[1] for row in parse_table(text)[1:]}


def parse_members(text):
    """member-list table as a list of (image_id, member_id, can_share) tuples."""
    rows = parse_table(text)
    if not rows:
        return []
    assert rows[0] == ["Image ID", "Member ID", "Can Share"], rows[0]
    return [tuple(r) for r in rows[1:]]


@pytest.fixture
def shared_image(tenants, make_client):
    """An active image of tenants.owner shared with tenants.member (can_share false)."""
    owner = make_client(tenants.owner)
    image = create_image(owner)
    owner.image_members.create(image, tenants.member, False)
    return image


# --------------------------------------------------------------------------- Python API

def test_owner_creates_image_with_data(tenants, make_client):
    owner = make_client(tenants.owner)
    image = create_image(owner, name="e2e-create", properties={"distro": "cirros"})
    assert image.checksum == MD5
    assert image.size == len(DATA)
    assert image.status == "active"
    assert image.owner == tenants.owner
    assert image.is_public is False
    again = owner.images.get(image.id)  # HEAD /v1/images/{id}: x-image-meta-* headers
    assert (again.checksum, again.size, again.status, again.name) == (
        MD5, len(DATA), "active", "e2e-create")
    assert again.properties == {"distro": "cirros"}
    assert download_md5(owner, image.id) == MD5


def test_owner_shares_with_can_share_both_ways(tenants, make_client):
    owner = make_client(tenants.owner)
    image = create_image(owner)
    owner.image_members.create(image, tenants.member, can_share=True)
    owner.image_members.create(image, tenants.other, can_share=False)
    assert members_of(owner, image) == {tenants.member: True, tenants.other: False}
    # Adding an existing member again updates its can_share, in both directions.
    owner.image_members.create(image, tenants.member, can_share=False)
    owner.image_members.create(image, tenants.other, can_share=True)
    assert members_of(owner, image) == {tenants.member: False, tenants.other: True}


def test_owner_lists_members(tenants, make_client):
    owner = make_client(tenants.owner)
    image = create_image(owner)
    assert owner.image_members.list(image=image) == []
    owner.image_members.create(image, tenants.member, True)
    owner.image_members.create(image, tenants.other)
    members = owner.image_members.list(image=image)
    assert [m.member_id for m in members] == [tenants.member, tenants.other]  # insertion order
    assert [m.can_share for m in members] == [True, False]
    assert {m.image_id for m in members} == {image.id}


def test_member_sees_only_its_own_membership(tenants, make_client, shared_image):
    make_client(tenants.owner).image_members.create(shared_image, tenants.other)
    member = make_client(tenants.member)
    assert members_of(member, shared_image) == {tenants.member: False}


def test_shared_images_of_member(tenants, make_client):
    owner = make_client(tenants.owner)
    first = create_image(owner, name="first")
    second = create_image(owner, name="second")
    owner.image_members.create(first, tenants.member, True)
    owner.image_members.create(second, tenants.member, False)
    expected = {first.id: True, second.id: False}
    assert shared_with(make_client(tenants.member), tenants.member) == expected
    assert shared_with(owner, tenants.member) == expected  # memberships on own images
    assert shared_with(make_client(tenants.other), tenants.member) == {}
    assert shared_with(make_client(tenants.member), tenants.other) == {}


def test_member_downloads_image(tenants, make_client, shared_image):
    member = make_client(tenants.member)
    meta = member.images.get(shared_image.id)
    assert meta.checksum == MD5
    assert meta.owner == tenants.owner
    assert download_md5(member, shared_image.id) == MD5


def test_member_sees_image_in_its_list(tenants, make_client, shared_image):
    assert shared_image.id in listed_ids(make_client(tenants.member))
    assert shared_image.id in listed_ids(make_client(tenants.owner))
    assert shared_image.id not in listed_ids(make_client(tenants.other))


def test_plain_member_cannot_add_or_remove_members(tenants, make_client, shared_image):
    member = make_client(tenants.member)
    # Glance answers 404 (registry "No permission to share that image"), not 403.
    with pytest.raises(exc.HTTPNotFound, match="No permission to share that image"):
        member.image_members.create(shared_image, tenants.other, False)
    with pytest.raises(exc.HTTPNotFound, match="No permission to share that image"):
        member.image_members.replace(shared_image, [{"member_id": tenants.other}])
    with pytest.raises(exc.HTTPNotFound, match="No permission to share that image"):
        member.image_members.delete(shared_image.id, tenants.member)
    owner = make_client(tenants.owner)
    assert members_of(owner, shared_image) == {tenants.member: False}


def test_member_with_can_share_may_add_members(tenants, make_client):
    owner = make_client(tenants.owner)
    image = create_image(owner)
    owner.image_members.create(image, tenants.member, True)
    make_client(tenants.member).image_members.create(image, tenants.other, False)
    assert members_of(owner, image) == {tenants.member: True, tenants.other: False}
    assert download_md5(make_client(tenants.other), image.id) == MD5


def test_owner_removes_member(tenants, make_client, shared_image):
    owner = make_client(tenants.owner)
    member = make_client(tenants.member)
    owner.image_members.delete(shared_image.id, tenants.member)
    assert members_of(owner, shared_image) == {}
    with pytest.raises(exc.HTTPNotFound):
        member.images.get(shared_image.id)
    with pytest.raises(exc.HTTPNotFound):
        member.images.data(shared_image.id)
    with pytest.raises(exc.HTTPNotFound):
        member.image_members.list(image=shared_image)
    assert shared_image.id not in listed_ids(member)
    assert shared_with(member, tenants.member) == {}
    with pytest.raises(exc.HTTPNotFound, match="Membership could not be found"):
        owner.image_members.delete(shared_image.id, tenants.member)


def test_owner_replaces_member_list(tenants, make_client):
    owner = make_client(tenants.owner)
    image = create_image(owner)
    owner.image_members.create(image, tenants.member, True)
    owner.image_members.create(image, tenants.other, False)
    owner.image_members.replace(image, [
        {"member_id": tenants.other, "can_share": True},
        {"member_id": tenants.fourth},  # a new member without can_share gets false
    ])
    assert members_of(owner, image) == {tenants.other: True, tenants.fourth: False}
    with pytest.raises(exc.HTTPNotFound):
        make_client(tenants.member).images.get(image.id)
    assert download_md5(make_client(tenants.fourth), image.id) == MD5
    # Replacing with the ImageMember objects of a listing (the client reads attributes).
    current = owner.image_members.list(image=image)
    owner.image_members.replace(image, current[1:])
    assert members_of(owner, image) == {tenants.fourth: False}
    owner.image_members.replace(image, [])
    assert members_of(owner, image) == {}
    with pytest.raises(exc.HTTPNotFound):
        make_client(tenants.fourth).images.get(image.id)


def test_get_single_member_is_not_supported(tenants, make_client, shared_image):
    owner = make_client(tenants.owner)
    # GET /v1/images/{id}/members/{m} is 405 in Glance; list(image, member) swallows it.
    with pytest.raises(exc.HTTPMethodNotAllowed):
        owner.image_members.get(shared_image, tenants.member)
    assert owner.image_members.list(image=shared_image, member=tenants.member) == []


def test_admin_view(tenants, make_client, shared_image):
    # Two roles: glanceclient sends the token percent-encoded ("%3A", "%2C").
    admin = make_client(tenants.admin, roles="member,admin")
    assert admin.images.get(shared_image.id).owner == tenants.owner
    assert download_md5(admin, shared_image.id) == MD5
    # The default list treats an admin as a regular user; is_public=None lists all.
    assert shared_image.id not in listed_ids(admin)
    assert shared_image.id in listed_ids(admin, is_public=None)
    assert members_of(admin, shared_image) == {tenants.member: False}
    assert shared_with(admin, tenants.member) == {shared_image.id: False}
    admin.image_members.create(shared_image, tenants.other, True)
    admin.image_members.delete(shared_image.id, tenants.member)
    owner = make_client(tenants.owner)
    assert members_of(owner, shared_image) == {tenants.other: True}


def test_unrelated_tenant_view(tenants, make_client, shared_image):
    other = make_client(tenants.other)
    with pytest.raises(exc.HTTPNotFound):
        other.images.get(shared_image.id)
    with pytest.raises(exc.HTTPNotFound):
        other.images.data(shared_image.id)
    with pytest.raises(exc.HTTPNotFound, match="Image with identifier %s not found"
                       % shared_image.id):
        other.image_members.list(image=shared_image)
    with pytest.raises(exc.HTTPNotFound):
        other.image_members.create(shared_image, tenants.other, True)
    with pytest.raises(exc.HTTPNotFound):
        other.image_members.delete(shared_image.id, tenants.member)
    with pytest.raises(exc.HTTPNotFound):
        other.images.delete(shared_image.id)
    assert shared_image.id not in listed_ids(other)
    assert shared_with(other, tenants.member) == {}
    assert shared_with(other, tenants.other) == {}
    owner = make_client(tenants.owner)
    assert members_of(owner, shared_image) == {tenants.member: False}
    assert download_md5(make_client(tenants.member), shared_image.id) == MD5


def test_caller_without_project(tenants, make_client, shared_image):
    nobody = make_client("none")  # fake-token project "none" = no project
    with pytest.raises(exc.HTTPUnauthorized, match="No authenticated user"):
        nobody.image_members.create(shared_image, tenants.other)
    assert shared_with(nobody, tenants.member) == {}
    assert shared_image.id not in listed_ids(nobody)


def test_owner_deletes_shared_image(tenants, make_client, shared_image):
    owner = make_client(tenants.owner)
    owner.images.delete(shared_image.id)
    with pytest.raises(exc.HTTPNotFound):
        owner.images.get(shared_image.id)
    member = make_client(tenants.member)
    with pytest.raises(exc.HTTPNotFound):
        member.images.get(shared_image.id)
    assert shared_with(member, tenants.member) == {}


# --------------------------------------------------------------------------- CLI

@pytest.fixture
def image_file(tmp_path):
    path = tmp_path / "image.raw"
    path.write_bytes(DATA)
    return path


@pytest.fixture
def cli_image(tenants, glance_cli, image_file):
    """Id of an image created by tenants.owner with `glance image-create --file`."""
    out = glance_cli(tenants.owner, "image-create", "--name", "cli-e2e", "--disk-format",
                     "raw", "--container-format", "bare", "--file", str(image_file))
    return parse_show(out.stdout)["id"]


def test_cli_image_create(tenants, glance_cli, image_file):
    out = glance_cli(tenants.owner, "image-create", "--name", "cli-create", "--disk-format",
                     "raw", "--container-format", "bare", "--property", "distro=cirros",
                     "--file", str(image_file))
    shown = parse_show(out.stdout)
    assert shown["checksum"] == MD5, out.describe()
    assert shown["size"] == str(len(DATA))
    assert shown["status"] == "active"
    assert shown["owner"] == tenants.owner
    assert shown["Property 'distro'"] == "cirros"
    again = parse_show(glance_cli(tenants.owner, "image-show", shown["id"]).stdout)
    assert again["checksum"] == MD5


def test_cli_member_create_and_list_by_image(tenants, glance_cli, cli_image):
    glance_cli(tenants.owner, "member-create", "--can-share", cli_image, tenants.member)
    glance_cli(tenants.owner, "member-create", "cli-e2e", tenants.other)  # image by name
    out = glance_cli(tenants.owner, "member-list", "--image-id", cli_image)
    # print_list shows True as "True" and False as an empty cell.
    assert parse_members(out.stdout) == [
        (cli_image, tenants.member, "True"), (cli_image, tenants.other, "")], out.describe()


def test_cli_member_list_by_tenant(tenants, glance_cli, cli_image):
    glance_cli(tenants.owner, "member-create", cli_image, tenants.member)
    out = glance_cli(tenants.member, "member-list", "--tenant-id", tenants.member)
    assert parse_members(out.stdout) == [(cli_image, tenants.member, "")], out.describe()
    out = glance_cli(tenants.other, "member-list", "--tenant-id", tenants.member)
    assert parse_members(out.stdout) == [], out.describe()
    listing = glance_cli(tenants.member, "image-list")
    assert cli_image in {row[0] for row in parse_table(listing.stdout)[1:]}


def test_cli_plain_member_cannot_add_members(tenants, glance_cli, cli_image):
    glance_cli(tenants.owner, "member-create", cli_image, tenants.member)
    out = glance_cli(tenants.member, "member-create", cli_image, tenants.other, check=False)
    assert out.returncode != 0, out.describe()
    assert "404" in out.stderr, out.describe()


def test_cli_image_download(tenants, glance_cli, cli_image, tmp_path):
    glance_cli(tenants.owner, "member-create", cli_image, tenants.member)
    target = tmp_path / "downloaded.raw"
    glance_cli(tenants.member, "image-download", "--file", str(target), cli_image)
    assert hashlib.md5(target.read_bytes()).hexdigest() == MD5


def test_cli_member_delete(tenants, glance_cli, cli_image, tmp_path):
    glance_cli(tenants.owner, "member-create", cli_image, tenants.member)
    glance_cli(tenants.owner, "member-delete", cli_image, tenants.member)
    out = glance_cli(tenants.owner, "member-list", "--image-id", cli_image)
    assert parse_members(out.stdout) == [], out.describe()
    target = tmp_path / "denied.raw"
    out = glance_cli(tenants.member, "image-download", "--file", str(target), cli_image,
                     check=False)
    assert out.returncode != 0, out.describe()
    assert "No image with a name or ID" in out.stderr, out.describe()
    out = glance_cli(tenants.owner, "member-delete", cli_image, tenants.member, check=False)
    assert out.returncode != 0, out.describe()


def test_cli_image_delete(tenants, glance_cli, cli_image):
    glance_cli(tenants.owner, "member-create", cli_image, tenants.member)
    out = glance_cli(tenants.owner, "image-delete", cli_image)
    # image-delete prints HTTP errors instead of failing, so check its output too.
    assert "Unable to delete image" not in out.stdout, out.describe()
    out = glance_cli(tenants.owner, "image-show", cli_image, check=False)
    assert out.returncode != 0, out.describe()
    out = glance_cli(tenants.member, "member-list", "--tenant-id", tenants.member)
    assert parse_members(out.stdout) == [], out.describe()
    out = glance_cli(tenants.owner, "image-delete", cli_image, check=False)
    assert out.returncode != 0, out.describe()
