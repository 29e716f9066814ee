"""Register glint and the test accounts in a Keystone started by start-keystone.sh.

    python bootstrap.py --keystone http://127.0.0.1:PORT --glint-url http://127.0.0.1:GPORT \
        --out DIR/accounts.json

What it creates (each step looks up before it creates, so running it twice is harmless; the
glint endpoints are updated to the given URL):

- project ``service`` with the user ``glint``, given the ``admin`` and ``service`` roles on it, as
  Glance's install guide does for the ``glance`` user (``service`` is what Keystone's default
  policy asks of a caller of ``GET /v3/auth/tokens`` that validates someone else's token);
- projects ``alpha``, ``beta`` and ``gamma`` and users: ``alice`` (member of alpha and of beta),
  ``rita`` (reader of alpha), ``bob`` (member of beta), ``ada`` (admin of alpha), ``nobody`` (no
  role anywhere). Keystone's bootstrap already made the roles and their implications
  (admin => manager => member => reader);
- the ``image`` service and its public/internal/admin endpoints in RegionOne at the glint URL.

The JSON written to --out names everything the tests need (ids, names, passwords).
"""

import argparse
import json
import sys

import requests

PASSWORD = "secret-pw"
GLINT_PASSWORD = "glint-service-pw"
REGION = "RegionOne"

PROJECTS = ["service", "alpha", "beta", "gamma"]
# user -> [(project, role), ...]
USERS = {
    "glint": [("service", "admin"), ("service", "service")],
    "alice": [("alpha", "member"), ("beta", "member")],
    "rita": [("alpha", "reader")],
    "bob": [("beta", "member")],
    "ada": [("alpha", "admin")],
    "nobody": [],
}


class Keystone:
    """The few Keystone v3 calls the bootstrap needs, as the bootstrap admin."""

    def __init__(self, url, admin_password):
        self.url = url.rstrip("/")
        self.session = requests.Session()
        token = issue_token(self.url, "admin", admin_password, "admin")
        self.session.headers["X-Auth-Token"] = token

    def call(self, method, path, ok=(200, 201, 204), **kw):
        resp = self.session.request(method, self.url + path, timeout=60, **kw)
        if resp.status_code not in ok:
            sys.exit(f"bootstrap: {method} {path} -> {resp.status_code}: {resp.text[:500]}")
        return resp.json() if resp.content else None

    def find(self, collection, **query):
        items = self.call("GET", f"/v3/{collection}", params=query)[collection]
        return items[0] if items else None

    def ensure(self, collection, key, body, **query):
        found = self.find(collection, **query)
        if found:
            return found
        return self.call("POST", f"/v3/{collection}", json={key: body})[key]


def issue_token(url, user, password, project, domain="default"):
    """A project-scoped token for user (POST /v3/auth/tokens)."""
    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {"name": user, "domain": {"id": domain}, "password": password}
                },
            },
            "scope": {"project": {"name": project, "domain": {"id": domain}}},
        }
    }
    resp = requests.post(url.rstrip("/") + "/v3/auth/tokens", json=body, timeout=60)
    if resp.status_code != 201:
        sys.exit(f"bootstrap: cannot authenticate {user}: {resp.status_code} {resp.text[:300]}")
    return resp.headers["X-Subject-Token"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keystone", required=True, help="http://127.0.0.1:PORT (no /v3)")
    ap.add_argument("--glint-url", required=True, help="glint's unversioned URL")
    ap.add_argument("--admin-password", default="admin-secret")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    ks = Keystone(args.keystone, args.admin_password)
    roles = {r["name"]: r["id"] for r in ks.call("GET", "/v3/roles")["roles"]}
    for needed in ("reader", "member", "admin", "service"):
        if needed not in roles:
            roles[needed] = ks.call("POST", "/v3/roles", json={"role": {"name": needed}})[
                "role"
            ]["id"]

    projects = {}
    for name in PROJECTS:
        projects[name] = ks.ensure(
            "projects",
            "project",
            {"name": name, "domain_id": "default", "description": "glint tests"},
            name=name,
            domain_id="default",
        )["id"]
    projects["admin"] = ks.find("projects", name="admin", domain_id="default")["id"]

    users = {}
    for name, grants in USERS.items():
        password = GLINT_PASSWORD if name == "glint" else PASSWORD
        user = ks.ensure(
            "users",
            "user",
            {"name": name, "domain_id": "default", "password": password},
            name=name,
            domain_id="default",
        )
        users[name] = {"id": user["id"], "name": name, "password": password}
        for project, role in grants:
            ks.call("PUT", f"/v3/projects/{projects[project]}/users/{user['id']}/roles/{roles[role]}")
    admin = ks.find("users", name="admin", domain_id="default")
    users["admin"] = {"id": admin["id"], "name": "admin", "password": args.admin_password}

    service = ks.ensure(
        "services",
        "service",
        {"type": "image", "name": "glint", "description": "OpenStack Image (glint)"},
        type="image",
    )
    region = ks.find("regions") and REGION
    endpoints = {}
    for interface in ("public", "internal", "admin"):
        existing = ks.find("endpoints", service_id=service["id"], interface=interface)
        body = {
            "service_id": service["id"],
            "interface": interface,
            "url": args.glint_url,
            "region_id": region,
        }
        if existing:
            ks.call("PATCH", f"/v3/endpoints/{existing['id']}", json={"endpoint": body})
            endpoints[interface] = existing["id"]
        else:
            endpoints[interface] = ks.call("POST", "/v3/endpoints", json={"endpoint": body})[
                "endpoint"
            ]["id"]

    out = {
        "keystone": args.keystone.rstrip("/"),
        "glint_url": args.glint_url,
        "region": REGION,
        "roles": roles,
        "projects": projects,
        "users": users,
        "grants": {u: [list(g) for g in gs] for u, gs in USERS.items()},
        "image_service_id": service["id"],
    }
    with open(args.out, "w") as f:
        json.dump(out, f, indent=2)
    print(f"bootstrap: glint at {args.glint_url} registered; accounts in {args.out}")


if __name__ == "__main__":
    main()
