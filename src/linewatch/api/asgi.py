"""The app for uvicorn's factory mode (``uvicorn linewatch.api.asgi:app --factory``), configured
from the environment (LINEWATCH_DATA_DIR, LINEWATCH_DATABASE_URL, LINEWATCH_SECURE_COOKIES)."""

from __future__ import annotations

import os

from fastapi import FastAPI

from linewatch.api.app import create_app
from linewatch.api.services.screening import screening_indicators
from linewatch.settings import load_settings


def app() -> FastAPI:
    return create_app(
        load_settings(),
        indicator_source=screening_indicators,
        secure_cookies=os.environ.get("LINEWATCH_SECURE_COOKIES") == "1",
    )
