"""gunicorn with the production configuration (gunicorn.conf.py, procure.wsgi) on a free
loopback port: a user logs in behind an https proxy and opens a page; the access log is
JSON with the request id."""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(database_url, tmp_path, port) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROCURE_")}
    env.update(
        PROCURE_ENV="production",
        PROCURE_SECRET_KEY="gunicorn-smoke-test-secret-0123456789abcdef",
        PROCURE_DATABASE_URL=database_url,
        PROCURE_BASE_URL="https://procure.regiowbojeugd.nl",
        PROCURE_UPLOAD_FOLDER=str(tmp_path / "uploads"),
        PROCURE_BIND=f"127.0.0.1:{port}",
        PROCURE_PROXY_HOPS="1",
        WEB_CONCURRENCY="2",
    )
    return env


@pytest.fixture
def gunicorn(app, database_url, tmp_path):
    port = free_port()
    log = open(tmp_path / "gunicorn.log", "w+")  # noqa: SIM115  (closed below)
    process = subprocess.Popen(  # noqa: S603
        [str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"), "procure.wsgi:app"],
        cwd=ROOT,
        env=production_env(database_url, tmp_path, port),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
            try:
                if request(port, "GET", "/healthz").status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not answer within 90 s"
            time.sleep(0.3)
        yield port, tmp_path / "gunicorn.log"
    finally:
        process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:  # a very loaded machine: do not leave it behind
            process.kill()
            process.wait()
        log.close()


class Response:
    def __init__(self, raw: http.client.HTTPResponse):
        self.status = raw.status
        self.headers = raw.headers
        self.body = raw.read().decode()


def request(port, method, path, *, body=None, headers=None) -> Response:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        return Response(conn.getresponse())
    finally:
        conn.close()


def session_cookie(response: Response) -> str:
    cookies = response.headers.get_all("Set-Cookie") or []
    cookie = next(c for c in cookies if c.startswith("session="))
    return cookie


def test_gunicorn_serves_a_log_in_and_a_page(gunicorn):
    port, log_path = gunicorn
    user = f.user("procurement", email="inkoper@regiowbojeugd.nl")
    https = {"X-Forwarded-Proto": "https", "Referer": f"https://127.0.0.1:{port}/inloggen"}

    form = request(port, "GET", "/inloggen", headers=https)
    assert form.status == 200
    token = re.search(r'name="csrf-token" content="([^"]+)"', form.body).group(1)
    cookie = session_cookie(form)
    assert "Secure" in cookie  # production mode, seen through the proxy as https

    from urllib.parse import urlencode

    login = request(
        port,
        "POST",
        "/inloggen",
        body=urlencode({"email": user.email, "password": f.PASSWORD, "csrf_token": token}),
        headers={
            **https,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie.split(";")[0],
            "X-Request-ID": "smoke-test-login-1",
        },
    )
    assert login.status == 302, login.body
    logged_in = session_cookie(login).split(";")[0]

    page = request(port, "GET", "/", headers={**https, "Cookie": logged_in})
    assert page.status == 200
    assert "Dashboard" in page.body and "Uitloggen" in page.body

    time.sleep(0.5)  # let the workers flush the access log
    lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("logger") == "gunicorn.access"]
    posted = next(line for line in access if line.get("request_id") == "smoke-test-login-1")
    assert posted["method"] == "POST" and posted["path"] == "/inloggen"
    assert posted["status"] == 302


def test_gunicorn_refuses_to_start_with_a_wrong_configuration(database_url, tmp_path):
    env = production_env(database_url, tmp_path, free_port())
    env.pop("PROCURE_SECRET_KEY")
    env["PROCURE_MAIL_PORT"] = "smtp"
    done = subprocess.run(  # noqa: S603
        [str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"), "procure.wsgi:app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert done.returncode != 0
    assert "PROCURE_SECRET_KEY is niet gezet" in done.stderr
    assert "PROCURE_MAIL_PORT='smtp' is geen poortnummer" in done.stderr
    assert "Traceback" not in done.stderr
