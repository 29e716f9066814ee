"""Fixtures for the glint end-to-end suite.

Builds nothing: expects GLINT_BIN to point at a built `glint` binary (run.sh builds it).
One glint process per test session, on a free loopback port, with a fresh temporary data
directory and `--auth fake-token`; tests isolate themselves by using unique project ids.

GLINT_E2E_TARGET=peer runs the Images v2 suites against the real Glance 33 instead
(../shared/peer/start-glance.sh, secure-RBAC policy defaults) behind peer_proxy.py, which gives it
glint's fake-token authentication; the v1 suite is skipped there (Glance 33 has no v1). See
README.md in this directory.
"""

import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

import identity_stub
import peer_proxy

TARGET = os.environ.get("GLINT_E2E_TARGET", "glint")
if TARGET not in ("glint", "peer"):
    raise pytest.UsageError("GLINT_E2E_TARGET must be glint or peer, not %r" % TARGET)
HERE = Path(__file__).resolve().parent
PEER_START_TIMEOUT = 900  # the first start installs Glance into ~/.cache/glint-peer

STARTUP_TIMEOUT = 30.0  # seconds until GET /versions must answer
PORT_ATTEMPTS = 5  # a port picked in Python can be taken before glint binds it

# glanceclient logs every request and response (curl line + raw reply) at DEBUG on this
# logger; pytest captures it and prints it next to a failing test ("Captured log call").
logging.getLogger("glanceclient.common.http").setLevel(logging.DEBUG)
# openstacksdk / keystoneauth log requests and responses on this logger at DEBUG.
logging.getLogger("keystoneauth.session").setLevel(logging.DEBUG)


def pytest_configure(config):
    # glanceclient.Client('1', endpoint=...) is the documented v1 call; its warning about
    # the positional version is noise here.
    config.addinivalue_line(
        "filterwarnings", "ignore:`version` keyword is being deprecated:DeprecationWarning")
    # openstacksdk 4.x announces its own future API changes on every call; not ours to fix.
    config.addinivalue_line("filterwarnings",
                            "ignore::openstack.warnings.OpenStackDeprecationWarning")
    config.addinivalue_line("filterwarnings", "ignore::PendingDeprecationWarning")


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url):
    """True when the server answers an HTTP request at all (any status code)."""
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # e.g. Glance answers /versions with 300; any reply means "up"
    except (urllib.error.URLError, ConnectionError, socket.timeout, OSError):
        return False


def _read_log(path):
    try:
        return Path(path).read_text(errors="replace")
    except OSError:
        return ""


def _server_env():
    """The environment for glint, without GLINT_* variables.

    glint reads GLINT_* as configuration and refuses to start on an unknown key, so the
    suite's own GLINT_BIN / GLINT_E2E_* variables must not reach it.
    """
    return {k: v for k, v in os.environ.items() if not k.startswith("GLINT_")}


def _start(binary, data_dir, log_path):
    """Start glint on a free port; return (process, base_url). Retries on port clashes."""
    last_error = None
    for attempt in range(PORT_ATTEMPTS):
        port = _free_port()
        base_url = "http://127.0.0.1:%d" % port
        marker = "=== start attempt %d on port %d ===" % (attempt + 1, port)
        with open(log_path, "a") as log:
            log.write(marker + "\n")
            log.flush()
            proc = subprocess.Popen(
                [binary, "serve", "--bind", "127.0.0.1:%d" % port,
                 "--data-dir", str(data_dir), "--auth", "fake-token"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env=_server_env(),
            )
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                last_error = "glint exited with status %s" % proc.returncode
                output = _read_log(log_path).split(marker, 1)[-1]
                if "in use" in output:
                    break  # the port was taken in the meantime: try another one
                raise RuntimeError("glint failed to start (%s); log %s:\n%s"
                                   % (last_error, log_path, output[:3000]))
            if _answers(base_url + "/versions"):
                return proc, base_url
            time.sleep(0.05)
        else:
            _stop(proc)
            last_error = "GET /versions did not answer within %ss" % STARTUP_TIMEOUT
    raise RuntimeError("could not start glint (%s); log %s:\n%s"
                       % (last_error, log_path, _read_log(log_path)[-3000:]))


def _stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def glint_bin():
    binary = os.environ.get("GLINT_BIN")
    if not binary:
        pytest.exit("GLINT_BIN is not set (path to the glint binary; "
                    "`bash e2e/run.sh` builds it and sets it)", returncode=2)
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        pytest.exit("GLINT_BIN=%s is not an executable file" % binary, returncode=2)
    return os.path.abspath(binary)


@pytest.fixture(scope="session")
def _glint_process(glint_bin):
    """Base URL (http://127.0.0.1:PORT) of a glint server started for this session."""
    tmp = tempfile.mkdtemp(prefix="glint-e2e-")
    data_dir = Path(tmp) / "data"
    log_path = Path(tmp) / "glint.log"
    proc = None
    try:
        proc, base_url = _start(glint_bin, data_dir, log_path)
        yield base_url
    finally:
        if proc is not None:
            _stop(proc)
        if os.environ.get("GLINT_E2E_KEEP"):
            print("\nglint data and log kept in %s" % tmp, file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _peer_dir():
    default = HERE.parent.parent / "shared" / "peer"
    return Path(os.environ.get("GLINT_PEER_DIR") or default)


@pytest.fixture(scope="session")
def _peer_process():
    """The real Glance 33 behind peer_proxy; yields the proxy's base URL."""
    peer = _peer_dir()
    start, stop = peer / "start-glance.sh", peer / "stop-glance.sh"
    if not (start.is_file() and stop.is_file()):
        pytest.exit("GLINT_E2E_TARGET=peer: no start-glance.sh/stop-glance.sh in %s "
                    "(set GLINT_PEER_DIR)" % peer, returncode=2)
    tmp = tempfile.mkdtemp(prefix="glint-e2e-peer-")
    env = dict(os.environ)  # start-glance.sh reads GLINT_PEER_CACHE and GLANCE_*
    env.setdefault("GLANCE_POLICY_MODE", "srbac")
    started = False
    proxy = None
    try:
        last = None
        for _ in range(PORT_ATTEMPTS):
            port = _free_port()
            proc = subprocess.run(["bash", str(start), str(port), tmp], env=env,
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  timeout=PEER_START_TIMEOUT)
            if proc.returncode == 0:
                started = True
                break
            last = proc.stderr
            if "already listens" not in proc.stderr:
                break
        if not started:
            pytest.exit("could not start the Glance peer:\n%s" % (last or "")[-3000:],
                        returncode=2)
        proxy = peer_proxy.serve(0, "http://127.0.0.1:%d" % port)
        yield "http://127.0.0.1:%d" % proxy.server_address[1]
    finally:
        if proxy is not None:
            proxy.shutdown()
        if started:
            subprocess.run(["bash", str(stop), tmp], stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=60)
        if os.environ.get("GLINT_E2E_KEEP"):
            print("\nGlance peer data and logs kept in %s" % tmp, file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def glint_url(request):
    """glint's base URL, for the v1 suite (skipped against the peer: Glance 33 has no v1)."""
    if TARGET == "peer":
        pytest.skip("Images v1: the Glance 33 peer serves v2 only")
    return request.getfixturevalue("_glint_process")


@pytest.fixture(scope="session")
def server_url(request):
    """Base URL of the server under test: glint (default) or the Glance peer's proxy."""
    if TARGET == "peer":
        return request.getfixturevalue("_peer_process")
    return request.getfixturevalue("_glint_process")


@pytest.fixture(scope="session")
def identity_url():
    """A stand-in for Keystone's /v3 that refuses every lookup with 403 (see identity_stub)."""
    server = identity_stub.serve()
    try:
        yield "http://127.0.0.1:%d/v3" % server.server_address[1]
    finally:
        server.shutdown()


class Tenants:
    """Unique project ids for one test, so tests sharing the server never interfere."""

    def __init__(self):
        suffix = uuid.uuid4().hex[:10]
        self.owner = "owner-" + suffix
        self.member = "member-" + suffix
        self.other = "other-" + suffix
        self.fourth = "fourth-" + suffix
        self.admin = "admin-" + suffix


@pytest.fixture
def tenants():
    return Tenants()


@pytest.fixture
def make_client(glint_url):
    """make_client(project, roles='member', user=None) -> glanceclient v1 Client."""
    import glanceclient

    def make(project, roles="member", user=None):
        user = user or "user-" + project
        token = "%s:%s:%s" % (user, project, roles)
        return glanceclient.Client("1", endpoint=glint_url, token=token)

    return make


def _glance_executable():
    candidate = Path(sys.executable).parent / "glance"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("glance")
    if not found:
        pytest.fail("the `glance` CLI of python-glanceclient is not installed")
    return found


class CliResult:
    def __init__(self, args, proc, program="glance"):
        self.args = args
        self.program = program
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr

    def describe(self):
        return ("$ %s %s\nexit status %s\n--- stdout ---\n%s\n--- stderr (--debug) ---\n%s"
                % (self.program, " ".join(self.args), self.returncode, self.stdout,
                   self.stderr[-6000:]))


@pytest.fixture
def glance_cli(glint_url, tmp_path):
    """glance_cli(project, *args, roles='member', check=True) -> CliResult.

    Runs `glance --debug --os-image-api-version 1 --os-image-url URL --os-auth-token TOKEN
    args...`: an endpoint plus a token is what makes glanceclient 4.13.0 skip Keystone.
    --debug puts the HTTP exchange on stderr, which a failing assertion prints.
    """
    exe = _glance_executable()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env["HOME"] = str(tmp_path)  # keep ~/.glanceclient out of the real home directory

    def run(project, *args, roles="member", check=True):
        token = "cli-%s:%s:%s" % (project, project, roles)
        full = ["--debug", "--os-image-api-version", "1", "--os-image-url", glint_url,
                "--os-auth-token", token] + list(args)
        proc = subprocess.run([exe] + full, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, env=env, timeout=120)
        result = CliResult(full, proc)
        if check and result.returncode != 0:
            pytest.fail("glance CLI failed:\n" + result.describe())
        return result

    return run


# --------------------------------------------------------------------------- Images v2 clients

def fake_token(project, roles="member", user=None):
    """The `fake-token` X-Auth-Token: user:project:roles."""
    return "%s:%s:%s" % (user or "user-" + project, project, roles)


def _cli_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env["HOME"] = str(tmp_path)  # keep ~/.glanceclient and ~/.config/openstack out of $HOME
    return env


def _executable(name, package):
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        pytest.fail("the `%s` CLI of %s is not installed" % (name, package))
    return found


def _run_cli(exe, label, args, env, check, stdin_data):
    kwargs = dict(capture_output=True, env=env, timeout=120)
    if stdin_data is None:
        # The CLIs read image data from a stdin that is not a terminal; a closed stdin means
        # "no data" to both (as in a cron job), which is what a user at a terminal gets. The
        # shell closes it (no preexec_fn: this process has threads).
        argv = ["/bin/sh", "-c", 'exec "$0" "$@" <&-', exe] + args
        kwargs["stdin"] = subprocess.DEVNULL
    else:
        argv = [exe] + args
        kwargs["input"] = stdin_data
    proc = subprocess.run(argv, **kwargs)
    proc.stdout = proc.stdout.decode(errors="replace")
    proc.stderr = proc.stderr.decode(errors="replace")
    result = CliResult(args, proc, label)
    if check and result.returncode != 0:
        pytest.fail("%s CLI failed:\n%s" % (label, result.describe()))
    return result


@pytest.fixture
def v2_client(server_url):
    """v2_client(project, roles='member', user=None) -> glanceclient v2 Client."""
    import glanceclient

    def make(project, roles="member", user=None):
        return glanceclient.Client("2", endpoint=server_url,
                                   token=fake_token(project, roles, user))

    return make


@pytest.fixture
def glance_v2_cli(server_url, tmp_path):
    """glance_v2_cli(project, *args, roles='member', check=True, stdin=None) -> CliResult.

    `glance --debug --os-image-url URL --os-auth-token TOKEN args...` (API v2 is the default
    of glanceclient 4.13.0). stdin=None runs it with a closed standard input (no image data).
    """
    exe = _executable("glance", "python-glanceclient")
    env = _cli_env(tmp_path)

    def run(project, *args, roles="member", check=True, stdin=None):
        full = ["--debug", "--os-image-url", server_url,
                "--os-auth-token", fake_token(project, roles)] + list(args)
        result = _run_cli(exe, "glance", full, env, check, stdin)
        # Without --os-image-api-version the CLI tries v2 (GET /v2/schemas/image) and quietly
        # falls back to v1 when that fails; these tests are about v2.
        if "falling back to v1" in result.stderr:
            pytest.fail("glance CLI fell back to Images v1:\n" + result.describe())
        return result

    return run


@pytest.fixture
def sdk_conn(server_url):
    """sdk_conn(project, roles='member') -> openstack.connection.Connection.

    auth_type admin_token: a fixed token and a fixed endpoint, no Keystone. The endpoint is the
    versioned image endpoint (.../v2), as in a service catalog; with an unversioned one the SDK
    reads the versions document but then sends requests to the unversioned URL.
    """
    import openstack

    conns = []

    def make(project, roles="member", user=None):
        conn = openstack.connection.Connection(
            auth_type="admin_token",
            auth={"endpoint": server_url + "/v2", "token": fake_token(project, roles, user)},
        )
        conns.append(conn)
        return conn

    yield make
    for conn in conns:
        conn.close()


@pytest.fixture
def osc(server_url, identity_url, tmp_path):
    """osc(project, *args, roles='member', check=True, identity=False) -> CliResult.

    `openstack --debug --os-auth-type admin_token --os-token TOKEN --os-endpoint URL/v2 args...`.
    identity=True also sets OS_IDENTITY_ENDPOINT_OVERRIDE to identity_stub, for the commands
    that look a project up in Keystone first (image add/remove project, image set --accept ...).
    """
    exe = _executable("openstack", "python-openstackclient")
    env = _cli_env(tmp_path)
    env_identity = dict(env, OS_IDENTITY_ENDPOINT_OVERRIDE=identity_url)

    def run(project, *args, roles="member", check=True, identity=False, stdin=None):
        full = ["--debug", "--os-auth-type", "admin_token",
                "--os-token", fake_token(project, roles),
                "--os-endpoint", server_url + "/v2"] + list(args)
        return _run_cli(exe, "openstack", full, env_identity if identity else env, check, stdin)

    return run
