"""Where the protections go into Streamlit: its server (``streamlit.web.server.starlette.
starlette_server.UvicornServer.start``) builds the ASGI application with the module-level name
``create_starlette_app`` and hands it to uvicorn. :func:`install` replaces that name with a function
that wraps the application in :class:`~jabodash.server.middleware.Protection`, so the middleware sees
every request before any of Streamlit's routes and middleware.

If a Streamlit upgrade moves this, :func:`install` raises instead of starting an unprotected server
(and tests/test_server_hook.py fails)."""
from __future__ import annotations

from jabodash.server.hosts import allowed_hosts
from jabodash.server.middleware import Protection, metrics_enabled

_MARK = "_jabodash_protected"


class HookMissing(RuntimeError):
    """The pinned Streamlit no longer builds its server the way :func:`install` expects."""


def _server_module():
    try:
        from streamlit.web.server.starlette import starlette_server
    except ImportError as exc:
        raise HookMissing("streamlit.web.server.starlette.starlette_server is gone") from exc
    start = getattr(getattr(starlette_server, "UvicornServer", None), "start", None)
    if not hasattr(starlette_server, "create_starlette_app") or start is None:
        raise HookMissing("starlette_server.create_starlette_app or UvicornServer.start is gone")
    if "create_starlette_app" not in start.__code__.co_names:
        raise HookMissing("UvicornServer.start no longer calls create_starlette_app")
    return starlette_server


def protect(app, warmup=None):
    """Streamlit's ASGI app wrapped in the protections, configured from Streamlit's parsed config
    (server.address, server.baseUrlPath) and the environment; ``warmup``: run before the health
    route answers ok (:mod:`jabodash.server.warmup`)."""
    from streamlit import config
    return Protection(app, allowed_hosts(config.get_option("server.address")),
                      base_url=config.get_option("server.baseUrlPath") or "", metrics=metrics_enabled(),
                      warmup=warmup)


def install(warmup_factory=None) -> None:
    """Make every Streamlit server started in this process protected (idempotent); with
    ``warmup_factory``, each server warms up (a new Warmup from the factory) before it is healthy."""
    module = _server_module()
    original = module.create_starlette_app
    if getattr(original, _MARK, False):
        return

    def create_protected_app(runtime):
        return protect(original(runtime), warmup_factory() if warmup_factory else None)

    setattr(create_protected_app, _MARK, True)
    module.create_starlette_app = create_protected_app
