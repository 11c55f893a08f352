"""Idempotency-Key for every API write, as the realisation endpoint introduced it: the
same key from the same user counts once. The write and its stored answer commit in one
transaction, so a retry either finds the answer or runs the write for the first time."""

import functools
import hashlib

from flask import Response, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from procure.api.models import IdempotentRequest
from procure.core.errors import Conflict, ValidationFailed
from procure.core.operations import unit_of_work
from procure.extensions import db

HEADER = "Idempotency-Key"
MAX_KEY = 100


def request_key() -> str | None:
    """The request's key, stripped; None without one. Refuses an unusable key."""
    raw = request.headers.get(HEADER)
    if raw is None or (raw and not raw.strip()):
        return None
    key = raw.strip()
    if not key or len(key) > MAX_KEY or not all(" " <= char <= "~" for char in key):
        raise ValidationFailed(
            _l("Idempotency-Key: hoogstens 100 leesbare ASCII-tekens."), field="Idempotency-Key"
        )
    return key


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.query_string):
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    if request.mimetype == "multipart/form-data":
        _multipart_fingerprint(digest)
    else:
        digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _multipart_fingerprint(digest) -> None:
    """Fields and file contents, not the raw body: every client picks a new boundary, so
    the same upload repeated differs byte for byte."""
    for name, value in request.form.items(multi=True):
        digest.update(f"{name}={value}".encode() + b"\0")
    for name, storage in request.files.items(multi=True):
        digest.update(f"{name}:{storage.filename}:".encode())
        digest.update(hashlib.sha256(storage.stream.read()).digest())
        storage.stream.seek(0)


def _stored(key: str) -> IdempotentRequest | None:
    return db.session.execute(
        select(IdempotentRequest).where(
            IdempotentRequest.user_id == current_user.id, IdempotentRequest.key == key
        )
    ).scalar()


def _replay(row: IdempotentRequest, fingerprint: str) -> Response:
    if row.fingerprint != fingerprint:
        raise Conflict(
            _l("Deze Idempotency-Key is al gebruikt voor een ander verzoek."),
            field="Idempotency-Key",
        )
    response = Response(row.body, status=row.status_code, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def idempotent(view):
    """Wrap a write view: replay a stored answer, or run it and store its 2xx answer."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        key = request_key()
        if key is None:
            return view(*args, **kwargs)
        fingerprint = _fingerprint()
        row = _stored(key)
        if row is not None:
            return _replay(row, fingerprint)
        try:
            with unit_of_work():
                response = view(*args, **kwargs)
                if not isinstance(response, Response):
                    from flask import make_response

                    response = make_response(response)
                if 200 <= response.status_code < 300 and response.mimetype == "application/json":
                    db.session.add(
                        IdempotentRequest(
                            user_id=current_user.id,
                            key=key,
                            fingerprint=fingerprint,
                            status_code=response.status_code,
                            body=response.get_data(as_text=True),
                        )
                    )
        except IntegrityError:
            # A concurrent retry with the same key committed first: answer with its result.
            db.session.rollback()
            row = _stored(key)
            if row is None:
                raise
            return _replay(row, fingerprint)
        return response

    return wrapper
