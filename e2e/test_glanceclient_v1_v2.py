"""python-glanceclient 4.13.0 speaking v1 and v2 to the same glint (shared/spec/v2-sharing.md §8).

glint only: the Glance 33 peer has no v1 (these tests are skipped with GLINT_E2E_TARGET=peer).
"""

import hashlib
import io

from v2util import DATA, MD5


def v2_ids(client, **filters):
    return {i.id for i in client.images.list(filters=filters)}


def test_v1_member_is_pending_in_v2(tenants, make_client, v2_client):
    owner_v1 = make_client(tenants.owner)
    image = owner_v1.images.create(name="v1-made", disk_format="raw", container_format="bare",
                                   data=io.BytesIO(DATA), is_public=False)
    owner_v1.image_members.create(image, tenants.member, can_share=False)

    owner_v2, member_v2 = v2_client(tenants.owner), v2_client(tenants.member)
    shown = owner_v2.images.get(image.id)
    assert (shown.visibility, shown.status, shown.checksum) == ("shared", "active", MD5)
    assert {m.member_id: m.status for m in owner_v2.image_members.list(image.id)} == {
        tenants.member: "pending"}
    assert image.id not in v2_ids(member_v2)
    assert image.id in v2_ids(member_v2, member_status="pending", visibility="shared")
    member_v2.image_members.update(image.id, tenants.member, "accepted")
    assert image.id in v2_ids(member_v2)
    assert hashlib.md5(b"".join(member_v2.images.data(image.id))).hexdigest() == MD5

    # v1 ignores the status: the member is an ordinary member there
    members_v1 = owner_v1.image_members.list(image=image.id)
    assert [(m.member_id, m.can_share) for m in members_v1] == [(tenants.member, False)]


def test_v2_member_in_v1_and_v1_privatising_makes_shared(tenants, make_client, v2_client):
    owner_v2 = v2_client(tenants.owner)
    image = owner_v2.images.create(name="v2-made", disk_format="raw", container_format="bare",
                                   visibility="shared")
    owner_v2.images.upload(image.id, io.BytesIO(DATA))
    owner_v2.image_members.create(image.id, tenants.member)

    owner_v1, member_v1 = make_client(tenants.owner), make_client(tenants.member)
    assert [(m.member_id, m.can_share)
            for m in owner_v1.image_members.list(image=image.id)] == [(tenants.member, False)]
    # a pending v2 member is a member for v1: it may read and download the image
    assert hashlib.md5(b"".join(member_v1.images.data(image.id))).hexdigest() == MD5

    private = owner_v2.images.create(name="v2-private", disk_format="raw",
                                     container_format="bare", visibility="private")
    owner_v1.images.update(private.id, is_public=False)
    assert owner_v2.images.get(private.id).visibility == "shared"
