"""A stand-in for Keystone's identity v3 endpoint that refuses every lookup, as Keystone does.

python-openstackclient resolves the project named in `image add project`, `image remove
project` and `image set --accept/--reject/--pending --project` through Keystone
(identity_common.find_project_id_sdk): it asks GET /v3/projects/{name_or_id}, then
GET /v3/projects?name=..., and uses the given value as the project id when Keystone answers
403 — which is what a real Keystone answers a plain member asking about another project. With
admin_token auth and no Keystone, the CLI would send those lookups to the image endpoint, get a
404 and give up before talking to the image service. The e2e suite points only those commands
at this stub (OS_IDENTITY_ENDPOINT_OVERRIDE), which answers the version document on /v3 and
Keystone's 403 body on everything else: no project data is faked.

Standard library only.
"""

import http.server
import json
import socketserver
import threading

FORBIDDEN = {"error": {"code": 403, "title": "Forbidden",
                       "message": "You are not authorized to perform the requested action: "
                                  "identity:get_project."}}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if self.path.split("?")[0].rstrip("/") == "/v3":
            host = self.headers.get("Host", "127.0.0.1:%d" % self.server.server_address[1])
            status, doc = 200, {"version": {
                "id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
                "links": [{"rel": "self", "href": "http://%s/v3/" % host}],
                "media-types": [{"base": "application/json",
                                 "type": "application/vnd.openstack.identity-v3+json"}]}}
        else:
            status, doc = 403, FORBIDDEN
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _answer


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def serve():
    """Start the stub on a free loopback port in a daemon thread; returns the server."""
    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, name="identity-stub", daemon=True).start()
    return server
