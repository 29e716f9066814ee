"""Who calls and with what: the tenants, the admin and the image data of the differential run."""

# Callers (keystonemiddleware headers)
A = "a" * 32  # owner
B = "b" * 32  # plain member
C = "c" * 32  # member with can_share (sharer)
D = "d" * 32
E = "e" * 32
F = "f" * 32  # outsider
ADMIN = "admin-project"

MISSING = "00000000-0000-0000-0000-000000000000"


def who(tenant, roles="member"):
    if tenant is None:  # unauthenticated
        return {}
    return {
        "X-Identity-Status": "Confirmed",
        "X-Tenant-Id": tenant,
        "X-Project-Id": tenant,
        "X-User-Id": "user-" + tenant,
        "X-Roles": roles,
    }


def admin():
    return who(ADMIN, "admin")


IMAGE_DATA = bytes(range(256)) * 16  # 4096 bytes
OTHER_DATA = b"glint-peer-diff\n" * 64  # 1024 bytes


# v2 (secure RBAC, DECISIONS D16): the roles a Keystone token would carry, implied roles
# included (admin implies member implies reader), as keystonemiddleware passes them on.
def v2(tenant, roles="reader,member"):
    return who(tenant, roles)


def v2_admin():
    return who(ADMIN, "admin,member,reader")


def v2_no_project():
    """Authenticated, but without a project (a domain- or system-scoped caller)."""
    return {"X-Identity-Status": "Confirmed", "X-User-Id": "user-without-project", "X-Roles": "reader,member"}


class Chunked:
    """A request body sent with Transfer-Encoding: chunked (as glanceclient and openstacksdk
    upload image data)."""

    def __init__(self, data):
        self.data = data

    def __len__(self):
        return len(self.data)
