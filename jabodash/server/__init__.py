"""The app's launcher: ``python -m jabodash.server [streamlit run flags...]`` runs ``app.py`` exactly like
``streamlit run app.py [flags]``, with protections Streamlit has no setting for, installed as one ASGI
middleware around Streamlit's Starlette application (:mod:`jabodash.server.hook`):

* only requests whose ``Host`` is an allowed host name reach the app, on every route and the websocket
  (:mod:`jabodash.server.hosts`: loopback names, the address the server binds to, and
  ``JABODASH_ALLOWED_HOSTS``); others get 403 and no app content, which stops DNS rebinding;
* every response carries a content security policy, ``X-Frame-Options: DENY``,
  ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy`` (:mod:`jabodash.server.headers`);
* ``/_stcore/metrics`` answers 404 unless ``JABODASH_METRICS=1``.
"""
