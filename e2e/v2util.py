"""Small helpers shared by the Images v2 end-to-end suites."""

import hashlib
import json
import os

DATA = os.urandom(96 * 1024 + 77)  # not a multiple of any client's chunk size
MD5 = hashlib.md5(DATA).hexdigest()
SHA512 = hashlib.sha512(DATA).hexdigest()


def digests(data):
    return hashlib.md5(data).hexdigest(), hashlib.sha512(data).hexdigest()


def parse_table(text):
    """Rows of a prettytable printed by a CLI (header row first)."""
    rows = []
    for line in text.splitlines():
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def parse_show(text):
    """A Property/Value table (glance image-show, member-get ...) as a dict."""
    return {row[0]: row[1] for row in parse_table(text)[1:]}


def table_column(text, name):
    """The values of column `name` of a printed table."""
    rows = parse_table(text)
    if not rows:
        return []
    i = rows[0].index(name)
    return [row[i] for row in rows[1:]]


def load_json(result):
    """stdout of an `openstack ... -f json` run, parsed."""
    try:
        return json.loads(result.stdout)
    except ValueError:
        raise AssertionError("not JSON on stdout:\n" + result.describe())
