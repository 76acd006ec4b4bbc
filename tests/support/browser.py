"""Waits and checks of the browser tests (Playwright pages)."""
import time


def wait_until(condition, timeout_s: float = 60.0) -> bool:
    """Poll ``condition`` until it is true or ``timeout_s`` passed; its last answer (a wait for a
    condition, not a timed assertion)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


def charts_drawn(page, at_least: int) -> None:
    page.locator(".js-plotly-plot").first.wait_for()
    # a function, not an expression: Playwright evals a bare expression in the page, which the CSP blocks
    page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= {at_least}")


def no_exceptions(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
