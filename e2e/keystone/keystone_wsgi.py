"""Keystone's public WSGI application for gunicorn (see start-keystone.sh).

Keystone parses ``sys.argv`` with oslo.config when the application is built, and gunicorn's own
options (``--bind`` ...) make that parse fail (the worker exits with code 2). The configuration
comes from ``OS_KEYSTONE_CONFIG_FILES`` instead, so the command line is hidden from it.
"""

import sys

sys.argv = sys.argv[:1]

from keystone.server import wsgi  # noqa: E402  (must follow the argv reset)

application = wsgi.initialize_public_application()
