"""Running a coroutine from a test: on a thread of its own, because the session's Playwright browser
keeps an event loop running on the main thread (asyncio.run there fails in a full run)."""
import asyncio
from concurrent.futures import ThreadPoolExecutor


def run_coroutine(coroutine):
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
