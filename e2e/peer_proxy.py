"""A reverse proxy that gives the real Glance glint's `fake-token` authentication.

The OpenStack clients send only `X-Auth-Token`. glint in `--auth fake-token` mode reads it as
`user:project:role[,role]` (percent-decoded first; project `none` = no project). The reference
Glance (../shared/peer/start-glance.sh) trusts the headers keystonemiddleware would set instead.
This proxy turns the one into the others, so the e2e suite can run unchanged against Glance:

    X-Auth-Token: u:p:member   ->   X-Identity-Status: Confirmed, X-User-Id: u,
                                    X-Tenant-Id: p, X-Project-Id: p, X-Roles: member,reader

Roles are expanded as Keystone's default implied roles (admin -> member -> reader), which is
what glint does in every auth mode (DECISIONS D16). A request without a token, or with one that
is not of that form, goes on with no identity headers (Glance answers 401, as glint does).

Standard library only. Request bodies are streamed through (chunked stays chunked), responses
are streamed back; every response closes the connection (as the uWSGI peer does).

    python3 e2e/peer_proxy.py LISTEN_PORT UPSTREAM_URL      # e.g. 19300 http://127.0.0.1:19292
"""

import http.client
import http.server
import socketserver
import sys
import threading
import urllib.parse

# Hop-by-hop headers (RFC 9110 7.6.1) are never forwarded; Host is kept so that the links Glance
# builds (versions document, `next`, `self`) name the proxy.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer",
              "transfer-encoding", "upgrade", "proxy-authenticate", "proxy-authorization"}
IDENTITY_HEADERS = {"x-identity-status", "x-user-id", "x-tenant-id", "x-project-id", "x-roles",
                    "x-service-catalog", "x-auth-token"}
IMPLIED = {"admin": ["member", "reader"], "member": ["reader"]}
CHUNK = 64 * 1024


def identity_headers(token):
    """The trusted headers for a fake token, or None when it is not `user:project:roles`."""
    if token is None:
        return None
    parts = urllib.parse.unquote(token.strip()).split(":")
    if len(parts) != 3 or not parts[0]:
        return None
    user, project, roles = parts
    expanded = []
    for role in (r.strip() for r in roles.split(",")):
        for r in [role] + IMPLIED.get(role.lower(), []):
            if r and r not in expanded:
                expanded.append(r)
    headers = {"X-Identity-Status": "Confirmed", "X-User-Id": user,
               "X-Roles": ",".join(expanded)}
    if project and project != "none":
        headers["X-Tenant-Id"] = project
        headers["X-Project-Id"] = project
    return headers


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream = None  # (host, port), set by serve()

    def log_message(self, fmt, *args):  # quiet; the peer has its own log
        pass

    def _body(self):
        """An iterable over the request body (de-chunked), and whether it was chunked."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            def chunks():
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass  # trailers
                        return
                    data = self.rfile.read(size)
                    self.rfile.readline()
                    yield data
            return chunks(), True
        length = int(self.headers.get("Content-Length") or 0)
        if length == 0:
            return None, False

        def fixed():
            left = length
            while left > 0:
                data = self.rfile.read(min(CHUNK, left))
                if not data:
                    return
                left -= len(data)
                yield data
        return fixed(), False

    def _proxy(self):
        body, chunked = self._body()
        headers = {}
        for name, value in self.headers.items():
            lname = name.lower()
            if lname in HOP_BY_HOP or lname in IDENTITY_HEADERS:
                continue
            headers[name] = value
        headers.update(identity_headers(self.headers.get("X-Auth-Token")) or {})
        if chunked:
            headers["Transfer-Encoding"] = "chunked"
        conn = http.client.HTTPConnection(*self.upstream, timeout=300)
        try:
            conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in headers.items():
                conn.putheader(name, value)
            conn.endheaders()
            if body is not None:
                for data in body:
                    if chunked:
                        conn.send(b"%x\r\n%s\r\n" % (len(data), data))
                    else:
                        conn.send(data)
                if chunked:
                    conn.send(b"0\r\n\r\n")
            resp = conn.getresponse()
            self.send_response_only(resp.status, resp.reason)
            for name, value in resp.getheaders():
                if name.lower() not in HOP_BY_HOP:
                    self.send_header(name, value)
            has_length = resp.getheader("Content-Length") is not None
            no_body = self.command == "HEAD" or resp.status in (204, 304) or resp.status < 200
            if not has_length and not no_body:
                self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            if not no_body:
                while True:
                    data = resp.read1(CHUNK) if hasattr(resp, "read1") else resp.read(CHUNK)
                    if not data:
                        break
                    if has_length:
                        self.wfile.write(data)
                    else:
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                if not has_length:
                    self.wfile.write(b"0\r\n\r\n")
        except (OSError, http.client.HTTPException) as e:
            try:
                msg = ("peer_proxy: upstream failed: %s\n" % e).encode()
                self.send_response_only(502)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(msg)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(msg)
            except OSError:
                pass
        finally:
            conn.close()
            self.close_connection = True

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _proxy


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(listen_port, upstream_url):
    """Start the proxy in a daemon thread on 127.0.0.1:listen_port (0 = any free port).

    Returns the server; `server.server_address[1]` is the port, `server.shutdown()` stops it.
    """
    parsed = urllib.parse.urlsplit(upstream_url)
    handler = type("BoundHandler", (Handler,), {"upstream": (parsed.hostname, parsed.port)})
    server = Server(("127.0.0.1", listen_port), handler)
    threading.Thread(target=server.serve_forever, name="peer-proxy", daemon=True).start()
    return server


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: peer_proxy.py LISTEN_PORT UPSTREAM_URL")
    srv = serve(int(sys.argv[1]), sys.argv[2])
    print("peer_proxy: http://127.0.0.1:%d -> %s" % (srv.server_address[1], sys.argv[2]),
          flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        srv.shutdown()
