"""A real headless Chromium for the guest page's tests.

Debian's ``chromium`` (``scripts/system-deps chromium``) driven by Playwright
for Python through ``executable_path``: Playwright's own browser download is
never used. Each test gets a fresh browser context (no shared storage).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.helpers import need

#: Debian's binary; ROOMCAST_CHROMIUM names another one.
CHROMIUM = os.environ.get("ROOMCAST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = os.path.exists(CHROMIUM)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    need(HAVE_CHROMIUM, "chromium is not installed (scripts/system-deps chromium)")
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        need(False, "playwright is not installed (pip install -e '.[test]')")
        raise
    async with async_playwright() as pw:
        # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        chromium = await pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield chromium
        finally:
            await chromium.close()
