"""Sign-in sessions of the web pages, kept in the server's memory: a random id in an
HttpOnly, SameSite=Strict cookie, a CSRF token per session, and an idle timeout. A
restart signs everyone out, which is acceptable for pages used in office hours and keeps
no session secret on disk."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import field

from domain.records import mutable_record

COOKIE = "jixiao_session"
LANGUAGE_COOKIE = "jixiao_lang"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"


@mutable_record
class WebSession:
    session_id: str
    user_id: str
    csrf: str
    last_seen: float


@mutable_record
class SessionStore:
    idle_s: float
    clock: Callable[[], float]
    _sessions: dict[str, WebSession] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def open(self, user_id: str) -> WebSession:
        session = WebSession(secrets.token_urlsafe(32), user_id, secrets.token_urlsafe(32),
                             self.clock())
        with self._lock:
            self._sessions[session.session_id] = session
        return session

    def find(self, session_id: str | None) -> WebSession | None:
        """The live session for this cookie, its idle clock restarted; None if unknown or
        idle too long (then it is forgotten)."""
        if not session_id:
            return None
        now = self.clock()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if now - session.last_seen > self.idle_s:
                del self._sessions[session_id]
                return None
            session.last_seen = now
            return session

    def close(self, session_id: str | None) -> None:
        with self._lock:
            self._sessions.pop(session_id or "", None)
