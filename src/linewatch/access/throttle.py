"""Login throttling by client address: a sliding window of failed sign-ins, kept in memory per
process. Per-account lockout (accounts.py) stops guessing one password; this stops one client
trying many accounts."""

from __future__ import annotations

import threading
import time
from collections import deque


class LoginThrottle:
    def __init__(self, max_failures: int = 20, window_seconds: float = 600.0):
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _prune(self, key: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] <= now - self.window_seconds:
            failures.popleft()
        return failures

    def retry_after(self, client: str, now: float | None = None) -> int:
        """Seconds until the client may try again; 0 when it may try now."""
        now = time.monotonic() if now is None else now
        with self._lock:
            failures = self._prune(client, now)
            if len(failures) < self.max_failures:
                return 0
            return max(1, int(failures[0] + self.window_seconds - now) + 1)

    def failed(self, client: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._prune(client, now).append(now)
            if len(self._failures) > 100_000:  # bounded memory under a flood of addresses
                self._failures = {k: v for k, v in self._failures.items() if v}

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)
