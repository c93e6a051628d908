"""Staff passwords hashed with argon2id (the ``PasswordHasher`` port, via argon2-cffi).

Production uses argon2-cffi's defaults (RFC 9106's low-memory profile); tests
pass cheaper parameters, the algorithm stays the same.
"""

from __future__ import annotations

from functools import cached_property

from argon2 import PasswordHasher as Argon2
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2Passwords:
    def __init__(self, argon2: Argon2 | None = None) -> None:
        self._argon2 = argon2 or Argon2()

    @cached_property
    def _dummy(self) -> str:
        return self._argon2.hash("no account has this password")

    def hash(self, password: str) -> str:
        return self._argon2.hash(password)

    def verify(self, hashed: str, password: str) -> bool:
        try:
            return self._argon2.verify(hashed, password)
        except (VerificationError, InvalidHashError):
            return False

    def verify_nothing(self, password: str) -> None:
        self.verify(self._dummy, password)

    def needs_rehash(self, hashed: str) -> bool:
        return self._argon2.check_needs_rehash(hashed)
