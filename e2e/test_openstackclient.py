"""`openstack image ...` (python-openstackclient, Images API v2) against the server under test.

Every command runs as
    openstack --os-auth-type admin_token --os-token user:project:roles --os-endpoint URL/v2 ...
i.e. a fixed token and a fixed image endpoint, no Keystone. The commands that name a project
(image add project, image remove project, image set --accept/--reject --project) first look the
project up in Keystone; for those alone OS_IDENTITY_ENDPOINT_OVERRIDE points at identity_stub,
which answers 403 as Keystone does, so the CLI uses the given id (see identity_stub.py).
`image set --accept` without --project needs the project of the token, which admin_token auth
does not know, so --project is always given.

Expected behaviour is Glance 33's with secure-RBAC defaults; every test here also passes against
the real Glance (GLINT_E2E_TARGET=peer). Each invocation costs about a second of Python start-up,
so the workflows are few and long.
"""

import pytest

from v2util import DATA, MD5, SHA512, load_json


@pytest.fixture
def image_file(tmp_path):
    path = tmp_path / "image.raw"
    path.write_bytes(DATA)
    return str(path)


def create(osc, project, image_file, *extra, name="osc-e2e"):
    return load_json(osc(project, "image", "create", "--disk-format", "raw",
                         "--container-format", "bare", "--file", image_file, *extra, name,
                         "-f", "json"))


def listed(osc, project, *args):
    return [row["ID"] for row in load_json(osc(project, "image", "list", *args, "-f", "json"))]


def test_create_show_list(tenants, osc, image_file):
    name = "osc-" + tenants.owner
    created = create(osc, tenants.owner, image_file, "--shared", "--property", "e2e_key=v",
                     "--tag", "t1", "--min-ram", "64", name=name)
    assert created["status"] == "active"
    assert created["size"] == len(DATA)
    assert created["checksum"] == MD5
    assert created["owner"] == tenants.owner
    assert created["visibility"] == "shared"
    assert created["min_ram"] == 64
    assert created["tags"] == ["t1"]
    assert created["properties"]["e2e_key"] == "v"

    shown = load_json(osc(tenants.owner, "image", "show", created["id"], "-f", "json"))
    assert shown["id"] == created["id"]
    assert shown["properties"]["os_hash_algo"] == "sha512"
    assert shown["properties"]["os_hash_value"] == SHA512

    rows = load_json(osc(tenants.owner, "image", "list", "--name", name, "--long", "-f", "json"))
    assert [(r["ID"], r["Status"], r["Visibility"], r["Checksum"]) for r in rows] == [
        (created["id"], "active", "shared", MD5)]


def test_create_without_data(tenants, osc):
    created = load_json(osc(tenants.owner, "image", "create", "--disk-format", "raw",
                            "--container-format", "bare", "osc-record", "-f", "json"))
    assert created["status"] == "queued"
    assert created.get("size") is None  # OSC leaves out fields that are null


def test_sharing_workflow(tenants, osc, image_file, tmp_path):
    image_id = create(osc, tenants.owner, image_file, "--shared")["id"]
    added = load_json(osc(tenants.owner, "image", "add", "project", image_id, tenants.member,
                          "-f", "json", identity=True))
    assert (added["image_id"], added["member_id"], added["status"]) == (
        image_id, tenants.member, "pending")

    assert image_id not in listed(osc, tenants.member)
    assert listed(osc, tenants.member, "--shared", "--member-status", "pending") == [image_id]

    osc(tenants.member, "image", "set", "--accept", "--project", tenants.member, image_id,
        identity=True)
    assert image_id in listed(osc, tenants.member)

    osc(tenants.member, "image", "set", "--reject", "--project", tenants.member, image_id,
        identity=True)
    assert image_id not in listed(osc, tenants.member)
    assert listed(osc, tenants.member, "--shared", "--member-status", "rejected") == [image_id]

    target = tmp_path / "saved.raw"
    osc(tenants.member, "image", "save", "--file", str(target), image_id)
    assert target.read_bytes() == DATA

    members = load_json(osc(tenants.owner, "image", "member", "list", image_id, "-f", "json"))
    assert members == [{"Image ID": image_id, "Member ID": tenants.member,
                        "Status": "rejected"}]
    osc(tenants.owner, "image", "remove", "project", image_id, tenants.member, identity=True)
    assert load_json(osc(tenants.owner, "image", "member", "list", image_id, "-f", "json")) == []
    gone = osc(tenants.member, "image", "show", image_id, check=False)
    assert gone.returncode != 0 and "No Image found" in gone.stderr, gone.describe()


def test_member_cannot_share_and_owner_cannot_accept(tenants, osc, image_file):
    image_id = create(osc, tenants.owner, image_file, "--shared")["id"]
    osc(tenants.owner, "image", "add", "project", image_id, tenants.member, identity=True)
    refused = osc(tenants.member, "image", "add", "project", image_id, tenants.other,
                  identity=True, check=False)
    assert refused.returncode != 0 and "403" in refused.stderr, refused.describe()
    refused = osc(tenants.owner, "image", "set", "--accept", "--project", tenants.member,
                  image_id, identity=True, check=False)
    assert refused.returncode != 0 and "403" in refused.stderr, refused.describe()
    member = load_json(osc(tenants.member, "image", "member", "get", image_id, tenants.member,
                           "-f", "json"))
    assert member["status"] == "pending"


def test_properties_tags_visibility(tenants, osc, image_file):
    image_id = create(osc, tenants.owner, image_file, "--property", "e2e_a=1",
                      "--property", "e2e_b=2", "--tag", "one")["id"]
    osc(tenants.owner, "image", "set", "--name", "renamed", "--property", "e2e_b=changed",
        "--tag", "two", "--community", "--protected", "--os-distro", "debian", image_id)
    osc(tenants.owner, "image", "unset", "--property", "e2e_a", "--tag", "one", image_id)
    shown = load_json(osc(tenants.owner, "image", "show", image_id, "-f", "json"))
    assert shown["name"] == "renamed"
    assert shown["visibility"] == "community"  # --public needs an admin
    assert shown["protected"] is True
    assert shown["tags"] == ["two"]
    props = shown["properties"]
    assert "e2e_a" not in props
    assert (props["e2e_b"], props["os_distro"]) == ("changed", "debian")

    refused = osc(tenants.owner, "image", "delete", image_id, check=False)
    assert refused.returncode != 0 and "403" in refused.stderr, refused.describe()
    osc(tenants.owner, "image", "set", "--unprotected", "--private", image_id)
    osc(tenants.owner, "image", "delete", image_id)


def test_deactivate_activate_delete(tenants, osc, image_file, tmp_path):
    image_id = create(osc, tenants.owner, image_file)["id"]
    osc(tenants.owner, "image", "set", "--deactivate", image_id)
    shown = load_json(osc(tenants.owner, "image", "show", image_id, "-f", "json"))
    assert shown["status"] == "deactivated"
    osc(tenants.owner, "image", "set", "--activate", image_id)
    target = tmp_path / "saved.raw"
    osc(tenants.owner, "image", "save", "--file", str(target), image_id)
    assert target.read_bytes() == DATA
    osc(tenants.owner, "image", "delete", image_id)
    gone = osc(tenants.owner, "image", "show", image_id, check=False)
    assert gone.returncode != 0 and "No Image found" in gone.stderr, gone.describe()
