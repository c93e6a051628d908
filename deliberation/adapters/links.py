"""Signed, expiring links in emails (the ``Links`` port), with itsdangerous.

A link is ``<base_url>/<purpose>/<token>``. The token carries its payload
(participant id and address, meeting id) and when it was signed; the purpose
is the salt, so a confirmation token cannot be used to unsubscribe and the
other way round. The secret comes from the environment or from a file that
is created with a random secret on first use.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from deliberation.domain.errors import ConfigError, LinkInvalid

Payload = Sequence[int | str]


class SignedLinks:
    def __init__(
        self, base_url: str, secret: Callable[[], str], clock: Callable[[], datetime]
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._secret = secret
        self._signer = _signer_on(clock)
        self._serializers: dict[str, URLSafeTimedSerializer] = {}

    def _serializer(self, purpose: str) -> URLSafeTimedSerializer:
        if purpose not in self._serializers:
            self._serializers[purpose] = URLSafeTimedSerializer(
                self._secret(), salt=purpose, signer=self._signer
            )
        return self._serializers[purpose]

    def url(self, purpose: str, payload: Payload) -> str:
        return f"{self.base_url}/{purpose}/{self.token(purpose, payload)}"

    def token(self, purpose: str, payload: Payload) -> str:
        return str(self._serializer(purpose).dumps(list(payload)))

    def read(self, purpose: str, token: str, max_age: timedelta | None) -> list[int | str]:
        """The payload of ``token``; ``LinkInvalid`` (German) if altered or expired."""
        seconds = None if max_age is None else int(max_age.total_seconds())
        try:
            payload = self._serializer(purpose).loads(token, max_age=seconds)
        except SignatureExpired:
            raise LinkInvalid(
                "Der Link ist abgelaufen. Bitte fordern Sie beim Referat einen neuen an."
            ) from None
        except BadSignature:
            raise LinkInvalid(
                "Der Link ist ungültig. Bitte kopieren Sie ihn vollständig aus der E-Mail."
            ) from None
        if not isinstance(payload, list):
            raise LinkInvalid("Der Link ist ungültig.")
        return payload


def _signer_on(clock: Callable[[], datetime]) -> type[TimestampSigner]:
    """A signer that takes the time from the application's clock (simulated in tests)."""

    class ClockSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(clock().timestamp())

    return ClockSigner


def secret_from(env_name: str, file: Path) -> Callable[[], str]:
    """Read the secret from ``env_name``, else from ``file`` (created if missing)."""

    def load() -> str:
        value = os.environ.get(env_name, "").strip()
        if value:
            return value
        try:
            if not file.exists():
                file.parent.mkdir(parents=True, exist_ok=True)
                file.touch(mode=0o600)
                file.write_text(secrets.token_urlsafe(48), encoding="utf-8")
            value = file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(
                f"Der Schlüssel für signierte Links ({file.name}) lässt sich nicht lesen oder "
                f"anlegen: {exc.strerror}. Alternativ {env_name} setzen."
            ) from None
        if len(value) < 16:
            raise ConfigError(f"Der Schlüssel für signierte Links in {file.name} ist zu kurz.")
        return value

    return load
