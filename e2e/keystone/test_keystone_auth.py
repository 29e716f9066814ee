"""glint in keystone mode against a real Keystone 30 (issue #5).

Accounts (bootstrap.py): projects alpha, beta, gamma; alice is member of alpha and beta, rita is
reader of alpha, bob is member of beta, ada is admin of alpha, nobody has no role; admin is the
bootstrap admin.
"""

import time
import uuid

POLL_LIMIT = 60.0  # seconds a condition may take to become true before the test fails


def assert_keystone_401(resp, keystone_url):
    """401 with keystonemiddleware's challenge: WWW-Authenticate: Keystone uri="..."."""
    assert resp.status_code == 401, (resp.status_code, resp.text)
    challenge = resp.headers.get("WWW-Authenticate", "")
    assert challenge.startswith('Keystone uri="%s' % keystone_url), challenge
    assert challenge.endswith('"'), challenge


def poll_status(glint, token, wanted, path="/v2/images"):
    """GET path until it answers `wanted` (bounded); returns the last response."""
    deadline = time.monotonic() + POLL_LIMIT
    while True:
        resp = glint.request("GET", path, token)
        if resp.status_code == wanted or time.monotonic() > deadline:
            return resp
        time.sleep(0.2)


def private_image(glint, token, name=None):
    return glint.create_image(token, name=name or "img-" + uuid.uuid4().hex[:8],
                              visibility="private")


# ---------------------------------------------------------------- valid / invalid tokens

def test_valid_token_sees_its_projects_images(glint, keystone):
    alice_alpha = keystone.token("alice", "alpha")
    bob_beta = keystone.token("bob", "beta")
    mine = private_image(glint, alice_alpha)
    theirs = private_image(glint, bob_beta)
    assert mine["owner"] == keystone.project_id("alpha")
    assert theirs["owner"] == keystone.project_id("beta")

    resp = glint.request("GET", "/v2/images", alice_alpha)
    assert resp.status_code == 200
    ids = {img["id"] for img in resp.json()["images"]}
    assert mine["id"] in ids
    assert theirs["id"] not in ids
    assert glint.request("GET", "/v2/images/" + theirs["id"], alice_alpha).status_code == 404
    # v1 sees the same caller.
    resp = glint.request("GET", "/v1/images/detail", alice_alpha)
    assert resp.status_code == 200
    assert mine["id"] in {img["id"] for img in resp.json()["images"]}


def test_missing_and_bogus_tokens_are_401_with_keystone_challenge(glint, proxy):
    assert_keystone_401(glint.request("GET", "/v2/images"), proxy.url)
    assert_keystone_401(glint.request("GET", "/v2/images", "not-a-token-" + uuid.uuid4().hex),
                        proxy.url)
    assert_keystone_401(glint.request("GET", "/v1/images", "gAAAAAB" + "x" * 180), proxy.url)


def test_expired_token_is_401(glint, keystone, short_lived_keystone, proxy):
    # Issued by a Keystone process whose tokens live 6 s; the main Keystone (same keys and
    # database) validates it, and glint must not cache it past its expiry.
    token = short_lived_keystone.token("alice", "alpha")
    first = glint.request("GET", "/v2/images", token)
    if keystone.validate(token) == 200:
        # Still valid after glint's answer, so it was valid when glint asked: accepted.
        assert first.status_code == 200, first.text
    deadline = time.monotonic() + POLL_LIMIT
    while keystone.validate(token) != 404:
        assert time.monotonic() < deadline, "Keystone still accepts the token"
        time.sleep(0.5)
    assert_keystone_401(glint.request("GET", "/v2/images", token), proxy.url)


def test_revoked_token_is_401_after_the_cache_ttl(glint_short_ttl, keystone):
    token = keystone.token("alice", "alpha")
    assert glint_short_ttl.request("GET", "/v2/images", token).status_code == 200
    keystone.revoke(token)
    assert keystone.validate(token) == 404
    # The cache trusts a validated token for cache_ttl_secs (1 s here), as keystonemiddleware
    # does with token_cache_time; afterwards glint asks Keystone again and learns it is revoked.
    assert_keystone_401(poll_status(glint_short_ttl, token, 401), keystone.url)


def test_revoked_token_is_honoured_while_cached(glint, keystone, proxy):
    """The TTL semantics: within cache_ttl_secs (300 s) a cached token is not re-checked."""
    token = keystone.token("alice", "alpha")
    assert glint.request("GET", "/v2/images", token).status_code == 200
    assert proxy.validations(token) == 1
    keystone.revoke(token)
    assert keystone.validate(token) == 404
    assert glint.request("GET", "/v2/images", token).status_code == 200
    assert proxy.validations(token) == 1


# ---------------------------------------------------------------- scope

def test_token_scoped_to_another_project_cannot_see_private_image(glint, keystone):
    alice_alpha = keystone.token("alice", "alpha")
    alice_beta = keystone.token("alice", "beta")  # the same user, the other project
    img = private_image(glint, alice_alpha)
    assert glint.request("GET", "/v2/images/" + img["id"], alice_alpha).status_code == 200
    assert glint.request("GET", "/v2/images/" + img["id"], alice_beta).status_code == 404
    assert img["id"] not in glint.image_ids(alice_beta)
    assert glint.request("DELETE", "/v2/images/" + img["id"], alice_beta).status_code == 404
    assert glint.request("HEAD", "/v1/images/" + img["id"], alice_beta).status_code == 404


def test_unscoped_token_gets_no_project_access(glint, keystone):
    alice_alpha = keystone.token("alice", "alpha")
    unscoped = keystone.token("alice")
    img = private_image(glint, alice_alpha)
    # Keystone vouches for the user, but an unscoped token carries no project and no roles:
    # Glance's secure-RBAC rules (reader/member of the project) refuse everything.
    listing = glint.request("GET", "/v2/images", unscoped)
    assert listing.status_code in (401, 403), (listing.status_code, listing.text)
    show = glint.request("GET", "/v2/images/" + img["id"], unscoped)
    assert show.status_code in (401, 403, 404), (show.status_code, show.text)
    create = glint.request("POST", "/v2/images", unscoped,
                           json={"name": "x", "disk_format": "raw", "container_format": "bare"})
    assert create.status_code in (401, 403), (create.status_code, create.text)


# ---------------------------------------------------------------- roles

def test_reader_lists_but_cannot_write(glint, keystone):
    alice = keystone.token("alice", "alpha")
    rita = keystone.token("rita", "alpha")
    img = private_image(glint, alice)

    assert img["id"] in glint.image_ids(rita)
    assert glint.request("GET", "/v2/images/" + img["id"], rita).status_code == 200
    create = glint.request("POST", "/v2/images", rita,
                           json={"name": "r", "disk_format": "raw", "container_format": "bare"})
    assert create.status_code == 403, create.text
    upload = glint.request("PUT", "/v2/images/%s/file" % img["id"], rita, data=b"x" * 10,
                           headers={"Content-Type": "application/octet-stream"})
    assert upload.status_code == 403, upload.text

    shared = glint.create_image(alice, name="to-share", visibility="shared")
    add = glint.request("POST", "/v2/images/%s/members" % shared["id"], rita,
                        json={"member": keystone.project_id("gamma")})
    assert add.status_code == 403, add.text


def test_member_creates_uploads_and_shares(glint, keystone):
    alice = keystone.token("alice", "alpha")
    img = glint.create_image(alice, name="member-img", visibility="shared")
    upload = glint.request("PUT", "/v2/images/%s/file" % img["id"], alice, data=b"y" * 1024,
                           headers={"Content-Type": "application/octet-stream"})
    assert upload.status_code == 204, upload.text
    add = glint.request("POST", "/v2/images/%s/members" % img["id"], alice,
                        json={"member": keystone.project_id("beta")})
    assert add.status_code == 200, add.text
    assert add.json()["status"] == "pending"
    # bob (member of beta) sees it once he accepts.
    bob = keystone.token("bob", "beta")
    assert img["id"] in glint.image_ids(bob, member_status="pending", visibility="shared")
    accept = glint.request("PUT", "/v2/images/%s/members/%s" % (img["id"],
                                                               keystone.project_id("beta")),
                           bob, json={"status": "accepted"})
    assert accept.status_code == 200, accept.text
    assert img["id"] in glint.image_ids(bob)
    got = glint.request("GET", "/v2/images/%s/file" % img["id"], bob)
    assert got.status_code == 200 and got.content == b"y" * 1024


def test_admin_sees_all_projects_images(glint, keystone):
    bob = keystone.token("bob", "beta")
    ada = keystone.token("ada", "alpha")  # admin role on alpha: an admin everywhere in Glance
    img = private_image(glint, bob)
    assert img["id"] in glint.image_ids(ada)
    assert glint.request("GET", "/v2/images/" + img["id"], ada).status_code == 200
    # and a member of alpha does not
    assert img["id"] not in glint.image_ids(keystone.token("alice", "alpha"))


# ---------------------------------------------------------------- Keystone down

def test_keystone_down_is_503_and_recovers(glint_bin, keystone, keystone_b):
    from conftest import Glint

    g = Glint(glint_bin, keystone_b.url, keystone.acc["users"]["glint"]["password"],
              cache_ttl=300)
    try:
        cached = keystone.token("alice", "alpha")
        assert g.request("GET", "/v2/images", cached).status_code == 200
        keystone_b.stop()
        fresh = keystone.token("alice", "alpha")  # issued by the main Keystone, still up
        down = g.request("GET", "/v2/images", fresh)
        assert down.status_code == 503, (down.status_code, down.text)
        assert "WWW-Authenticate" not in down.headers
        # A token validated before the outage is still served from the cache.
        assert g.request("GET", "/v2/images", cached).status_code == 200
        keystone_b.start()
        assert g.request("GET", "/v2/images", fresh).status_code == 200
    finally:
        g.stop()


# ---------------------------------------------------------------- cache

def test_cache_hit_does_not_call_keystone(glint, keystone, proxy):
    token = keystone.token("alice", "alpha")
    assert proxy.validations(token) == 0
    for path in ("/v2/images", "/v2/images?limit=1", "/v1/images", "/v2/schemas/image"):
        assert glint.request("GET", path, token).status_code == 200, path
    assert proxy.validations(token) == 1
    other = keystone.token("alice", "alpha")
    assert glint.request("GET", "/v2/images", other).status_code == 200
    assert proxy.validations(other) == 1
    assert proxy.validations(token) == 1
