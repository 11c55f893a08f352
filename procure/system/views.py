"""/healthz and /readyz for load balancers and orchestrators: no log-in, no session,
small JSON answers, 503 when not ready."""

from flask import Blueprint, jsonify

from procure.system.health import readiness

bp = Blueprint("system", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    checks = readiness()
    ready = all(ok for ok, _detail in checks.values())
    body = {
        "status": "ready" if ready else "not ready",
        "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()},
    }
    response = jsonify(body)
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response
