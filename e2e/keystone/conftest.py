"""Fixtures for glint's tests against a real Keystone (run by e2e/keystone/run.sh).

run.sh starts Keystone (start-keystone.sh), registers the accounts (bootstrap.py) and exports:
  GLINT_BIN         the glint binary
  GLINT_KS_DIR      the Keystone's data dir (accounts.json in it)
The fixtures here start the glints the tests need, each in keystone mode on a free port with a
fresh data dir, and the extra Keystones (same database and keys, other settings) some tests need.
"""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

from counting_proxy import CountingProxy

HERE = Path(__file__).resolve().parent
STARTUP_TIMEOUT = 60.0


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Keystone:
    """A Keystone of start-keystone.sh and the accounts bootstrap.py made in it."""

    def __init__(self, url, accounts):
        self.url = url.rstrip("/")
        self.acc = accounts

    def project_id(self, name):
        return self.acc["projects"][name]

    def token(self, user, project=None, *, body=False):
        """A token for user, scoped to project (a name) or unscoped (project=None)."""
        u = self.acc["users"][user]
        auth = {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {"name": u["name"], "domain": {"id": "default"},
                             "password": u["password"]}
                },
            }
        }
        if project is not None:
            auth["scope"] = {"project": {"name": project, "domain": {"id": "default"}}}
        resp = requests.post(self.url + "/v3/auth/tokens", json={"auth": auth}, timeout=60)
        assert resp.status_code == 201, resp.text
        token = resp.headers["X-Subject-Token"]
        return (token, resp.json()["token"]) if body else token

    def revoke(self, token):
        """DELETE /v3/auth/tokens: the token revokes itself."""
        resp = requests.delete(self.url + "/v3/auth/tokens",
                               headers={"X-Auth-Token": token, "X-Subject-Token": token},
                               timeout=60)
        assert resp.status_code == 204, resp.text

    def validate(self, token):
        """Keystone's own verdict on a token: the HTTP status of GET /v3/auth/tokens."""
        admin = self.token("admin", "admin")
        return requests.get(self.url + "/v3/auth/tokens",
                            headers={"X-Auth-Token": admin, "X-Subject-Token": token},
                            timeout=60).status_code


class KeystoneProcess:
    """An extra Keystone on a free port sharing the main one's database and keys."""

    def __init__(self, state_dir, **env):
        self.dir = tempfile.mkdtemp(prefix="glint-ks-extra-")
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.env = dict(os.environ, KEYSTONE_SHARE_STATE_FROM=str(state_dir), **env)

    def start(self):
        subprocess.run(["bash", str(HERE / "start-keystone.sh"), str(self.port), self.dir],
                       env=self.env, check=True, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, timeout=300)

    def stop(self):
        subprocess.run(["bash", str(HERE / "stop-keystone.sh"), self.dir], check=True,
                       stdin=subprocess.DEVNULL, timeout=120)

    def remove(self):
        self.stop()
        if not os.environ.get("GLINT_KS_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)


class Glint:
    """glint serve in keystone mode on a free port, with its own data dir."""

    def __init__(self, binary, keystone_url, password, cache_ttl):
        self.tmp = tempfile.mkdtemp(prefix="glint-ks-")
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.log_path = Path(self.tmp) / "glint.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("GLINT_")}
        env.update({
            "GLINT_AUTH__MODE": "keystone",
            "GLINT_AUTH__KEYSTONE__URL": keystone_url,
            "GLINT_AUTH__KEYSTONE__USERNAME": "glint",
            "GLINT_AUTH__KEYSTONE__PASSWORD": password,
            "GLINT_AUTH__KEYSTONE__PROJECT_NAME": "service",
            "GLINT_AUTH__KEYSTONE__CACHE_TTL_SECS": str(cache_ttl),
            "GLINT_AUTH__KEYSTONE__TIMEOUT_SECS": "5",
        })
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(
                [binary, "serve", "--bind", "127.0.0.1:%d" % self.port,
                 "--data-dir", str(Path(self.tmp) / "data")],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("glint exited (%s):\n%s"
                                   % (self.proc.returncode, self.log_path.read_text()[-3000:]))
            try:
                requests.get(self.url + "/versions", timeout=2)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("glint did not answer within %ss" % STARTUP_TIMEOUT)
                time.sleep(0.1)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        if not os.environ.get("GLINT_KS_KEEP"):
            shutil.rmtree(self.tmp, ignore_errors=True)

    def request(self, method, path, token=None, **kw):
        headers = dict(kw.pop("headers", {}))
        if token is not None:
            headers["X-Auth-Token"] = token
        return requests.request(method, self.url + path, headers=headers, timeout=60, **kw)

    def create_image(self, token, **fields):
        body = {"name": "ks-test", "disk_format": "raw", "container_format": "bare"}
        body.update(fields)
        resp = self.request("POST", "/v2/images", token, json=body)
        assert resp.status_code == 201, resp.text
        return resp.json()

    def image_ids(self, token, **params):
        resp = self.request("GET", "/v2/images", token, params=params)
        assert resp.status_code == 200, resp.text
        return {img["id"] for img in resp.json()["images"]}


@pytest.fixture(scope="session")
def glint_bin():
    binary = os.environ.get("GLINT_BIN")
    if not binary or not os.access(binary, os.X_OK):
        pytest.exit("GLINT_BIN must name the glint binary (run e2e/keystone/run.sh)", returncode=2)
    return binary


@pytest.fixture(scope="session")
def ks_dir():
    d = os.environ.get("GLINT_KS_DIR")
    if not d or not (Path(d) / "accounts.json").is_file():
        pytest.exit("GLINT_KS_DIR must name a bootstrapped Keystone dir (run e2e/keystone/run.sh)",
                    returncode=2)
    return Path(d)


@pytest.fixture(scope="session")
def keystone(ks_dir):
    acc = json.loads((ks_dir / "accounts.json").read_text())
    return Keystone(acc["keystone"], acc)


@pytest.fixture(scope="session")
def proxy(keystone):
    """A counting reverse proxy in front of the main Keystone."""
    p = CountingProxy(keystone.url)
    yield p
    p.close()


@pytest.fixture(scope="session")
def glint(glint_bin, keystone, proxy):
    """The main glint: long cache TTL (300 s), validates through the counting proxy."""
    g = Glint(glint_bin, proxy.url, keystone.acc["users"]["glint"]["password"], cache_ttl=300)
    yield g
    g.stop()


@pytest.fixture(scope="session")
def glint_short_ttl(glint_bin, keystone):
    """A glint that trusts a validated token for one second only."""
    g = Glint(glint_bin, keystone.url, keystone.acc["users"]["glint"]["password"], cache_ttl=1)
    yield g
    g.stop()


@pytest.fixture()
def keystone_b(ks_dir):
    """A second Keystone process of the same identity service, for stopping and restarting."""
    k = KeystoneProcess(ks_dir)
    k.start()
    yield k
    k.remove()


@pytest.fixture(scope="session")
def short_lived_keystone(ks_dir, keystone):
    """A Keystone of the same service that issues tokens valid for 6 seconds."""
    k = KeystoneProcess(ks_dir, KEYSTONE_TOKEN_EXPIRATION="6")
    k.start()
    yield Keystone(k.url, keystone.acc)
    k.remove()
