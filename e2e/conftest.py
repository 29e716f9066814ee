"""Fixtures for the glint end-to-end suite.

Builds nothing: expects GLINT_BIN to point at a built `glint` binary (run.sh builds it).
One glint process per test session, on a free loopback port, with a fresh temporary data
directory and `--auth fake-token`; tests isolate themselves by using unique project ids.
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

STARTUP_TIMEOUT = 30.0  # seconds until GET /versions must answer
PORT_ATTEMPTS = 5  # a port picked in Python can be taken before glint binds it

# glanceclient logs every request and response (curl line + raw reply) at DEBUG on this
# logger; pytest captures it and prints it next to a failing test ("Captured log call").
logging.getLogger("glanceclient.common.http").setLevel(logging.DEBUG)


def pytest_configure(config):
    # glanceclient.Client('1', endpoint=...) is the documented v1 call; its warning about
    # the positional version is noise here.
    config.addinivalue_line(
        "filterwarnings", "ignore:`version` keyword is being deprecated:DeprecationWarning")


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
def glint_url(glint_bin):
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
    def __init__(self, args, proc):
        self.args = args
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr

    def describe(self):
        return ("$ glance %s\nexit status %s\n--- stdout ---\n%s\n--- stderr (--debug) ---\n%s"
                % (" ".join(self.args), self.returncode, self.stdout, self.stderr[-6000:]))


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
