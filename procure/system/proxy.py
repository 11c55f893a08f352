"""Behind a reverse proxy (nginx, a load balancer): trust its X-Forwarded-For/-Proto/-Host
for PROXY_HOPS hops, so request.is_secure, remote_addr (log-in throttling) and external
URLs are the client's, not the proxy's."""

from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app) -> None:
    hops = int(app.config["PROXY_HOPS"] or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
