"""The nginx example of ``deploy/`` in front of a stand-in application, with a real nginx.

Only what an operator would change is rewritten (addresses, ports, certificate paths);
the rules under test (TLS, redirect to https, CORS on ``/oparl/`` only, the request size
limit, health checks only from the own network) are the file's own.
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
import trustme

EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "deliberation.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed")


class _Application(BaseHTTPRequestHandler):
    """Answers every request with 200 and the path it got (the web application's place)."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = f"{self.command} {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_HEAD = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise AssertionError(f"nginx ended with {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError("nginx did not start listening")


class Proxy:
    def __init__(self, https_port: int, http_port: int, ca: trustme.CA, folder: Path) -> None:
        self.base = f"https://localhost:{https_port}"
        self.plain = f"http://localhost:{http_port}"
        self.ca_file = folder / "ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_file))

    def client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.base, verify=ssl.create_default_context(cafile=str(self.ca_file))
        )


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[Proxy]:
    application = ThreadingHTTPServer(("127.0.0.1", 0), _Application)
    threading.Thread(target=application.serve_forever, daemon=True).start()
    ca = trustme.CA()
    certificate = ca.issue_cert("localhost")
    certificate.cert_chain_pems[0].write_to_path(str(tmp_path / "cert.pem"))
    certificate.private_key_pem.write_to_path(str(tmp_path / "key.pem"))
    https_port, http_port = _free_port(), _free_port()
    site = (
        EXAMPLE.read_text(encoding="utf-8")
        .replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{application.server_port};")
        .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
        .replace("listen 80;", f"listen 127.0.0.1:{http_port};")
        .replace("server_name beteiligung.landkreis-peine.de;", "server_name localhost;")
        .replace("/etc/ssl/certs/beteiligung.landkreis-peine.de.pem", str(tmp_path / "cert.pem"))
        .replace("/etc/ssl/private/beteiligung.landkreis-peine.de.key", str(tmp_path / "key.pem"))
    )
    site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    temp = {name: tmp_path / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    main = "\n".join(
        [
            "user root;" if os.geteuid() == 0 else "",
            "worker_processes 1;",
            f"pid {tmp_path / 'nginx.pid'};",
            f"error_log {tmp_path / 'error.log'};",
            "events {}",
            "http {",
            f"  client_body_temp_path {temp['body']};",
            f"  proxy_temp_path {temp['proxy']};",
            f"  fastcgi_temp_path {temp['fastcgi']};",
            f"  uwsgi_temp_path {temp['uwsgi']};",
            f"  scgi_temp_path {temp['scgi']};",
            f"  include {tmp_path / 'site.conf'};",
            "}",
        ]
    )
    (tmp_path / "nginx.conf").write_text(main, encoding="utf-8")
    assert NGINX is not None
    command = [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([*command, "-g", "daemon off;"])
    try:
        _wait_for(https_port, process)
        yield Proxy(https_port, http_port, ca, tmp_path)
    finally:
        process.terminate()
        process.wait(timeout=10)
        application.shutdown()
        application.server_close()


def test_plain_http_is_sent_to_https(proxy: Proxy) -> None:
    answer = httpx.get(f"{proxy.plain}/cycles/3")
    assert answer.status_code == 301
    assert answer.headers["location"] == "https://localhost/cycles/3"


def test_the_application_is_served_over_tls_without_cors(proxy: Proxy) -> None:
    with proxy.client() as client:
        answer = client.get("/cycles/3")
    assert (answer.status_code, answer.text) == (200, "GET /cycles/3")
    assert "access-control-allow-origin" not in answer.headers
    assert answer.headers["strict-transport-security"].startswith("max-age=")


def test_oparl_allows_every_origin_and_only_reading(proxy: Proxy) -> None:
    with proxy.client() as client:
        read = client.get("/oparl/v1/system", headers={"Origin": "https://ris.example"})
        preflight = client.options("/oparl/v1/system")
        write = client.post("/oparl/v1/system", content=b"x")
    assert (read.status_code, read.text) == (200, "GET /oparl/v1/system")
    assert read.headers["access-control-allow-origin"] == "*"
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert write.status_code == 403


def test_a_request_over_the_size_limit_is_refused_before_the_application(proxy: Proxy) -> None:
    with proxy.client() as client:
        small = client.post("/participants/import", content=b"x" * 1_000_000)
        large = client.post("/participants/import", content=b"x" * 11 * 1024 * 1024)
    assert small.status_code == 200
    assert large.status_code == 413


def test_health_checks_pass_through_from_the_own_network(proxy: Proxy) -> None:
    with proxy.client() as client:
        answer = client.get("/readyz")
    assert (answer.status_code, answer.text) == (200, "GET /readyz")
