"""Save the README's screenshot: lesson 5's first step at 80x24, as the app itself renders it.

Run with ``.venv/bin/python docs/make_screenshot.py``; it writes docs/screenshot.svg.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

from tui.app import TensorTutorApp
from tui.engine_status import EngineStatus

OUT = Path(__file__).with_name("screenshot.svg")


async def main() -> None:
    os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp()  # a fresh start, not the saved place
    app = TensorTutorApp()
    async with app.run_test(size=(80, 24)) as pilot:
        while app.engine_status is not EngineStatus.READY:
            await pilot.pause(0.1)
        await pilot.press("escape", "5", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        for editor in app.query("Input"):
            editor.cursor_blink = False
        await pilot.pause(0.3)
        app.save_screenshot(str(OUT))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    asyncio.run(main())
