"""AppTest reruns of one fragment, as the server runs them after a change inside a fragment.

AppTest's ``run()`` always reruns the whole page. The server, after a change of a widget drawn
by an ``st.fragment``, runs that fragment alone (``RerunData.fragment_id_queue``); the helper
does the same. The tree it leaves holds what the fragment drew (the fragment's elements and
what it wrote into outside containers such as the sidebar); ``at.query_params`` is the URL
after the fragment run.
"""
from unittest import mock

from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest, local_script_runner

from support.apptest import run_page


def open_page(slug: str, timeout: float = 90, **params) -> AppTest:
    """``pages/<slug>.py`` after a full run with these URL parameters (no exception): the fragments
    it registered can be rerun alone."""
    return run_page(f"pages/{slug}.py", timeout=timeout, **params)


def fragment_ids(at: AppTest) -> list[str]:
    """The fragments the last full run registered (in the order they were registered)."""
    storage = at._fragment_storage
    return sorted(storage._fragments, key=lambda fid: storage._registration_sequence_by_id.get(fid, 0))


def rerun_fragment(at: AppTest, fragment_id: str | None = None, timeout: float = 90) -> AppTest:
    """Run only ``fragment_id`` (default: the page's first fragment, the one its pickers are in:
    Peta's map explorer, before the region profile's) with the widget values set on ``at``
    (e.g. ``at.selectbox(key="w_year").set_value(2020)``)."""
    if fragment_id is None:
        ids = fragment_ids(at)
        assert ids, "the page has no fragment"
        fragment_id = ids[0]
    original = local_script_runner.RerunData

    def fragment_rerun(**kwargs):
        return original(fragment_id_queue=[fragment_id], **kwargs)

    # The browser sends the state of every widget on the page, not only the fragment's: the
    # widgets of the last full run, with the values set since.
    if getattr(at, "_fragment_tree", None) is not at._tree:
        at._full_tree = at._tree
    states = {w.id: w for w in at._full_tree.get_widget_states().widgets}
    states.update((w.id, w) for w in at._tree.get_widget_states().widgets)
    merged = WidgetStates()
    merged.widgets.extend(states.values())
    with mock.patch.object(local_script_runner, "RerunData", fragment_rerun):
        at._run(merged, timeout=timeout)
    at._fragment_tree = at._tree
    return at
