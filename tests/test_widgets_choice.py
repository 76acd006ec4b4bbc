"""widgets.choice / widgets.relabel: a keyed choice whose option labels change between runs (the
language switch) sends its value again with the new label. The browser keeps the chosen option's
label, not the option: without the value sent again it showed the old language's label and sent it
back, and a later run reset the choice (the browser check is in tests/test_browser_peta.py)."""
from streamlit.testing.v1 import AppTest


def _script():
    import streamlit as st

    from jabodash.ui import widgets
    lang = st.session_state.get("lang", "id")
    names = {"geo": {"id": "Geografis", "en": "Geographic"}, "tiles": {"id": "Kisi petak", "en": "Tile grid"}}
    picked = widgets.choice(st.selectbox, "map", list(names), key="k", format_func=lambda o: names[o][lang])
    chips = widgets.choice(st.multiselect, "many", list(names), key="m", default=["geo"],
                           format_func=lambda o: names[o][lang])
    st.write(f"{picked} {','.join(chips)}")


def test_a_changed_label_sends_the_value_again():
    at = AppTest.from_function(_script).run()
    at.selectbox(key="k").select("tiles").run()
    at.multiselect(key="m").select("tiles").run()
    box = at.selectbox(key="k")
    assert box.value == "tiles" and not box.proto.set_value     # same labels: nothing sent again
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    box, many = at.selectbox(key="k"), at.multiselect(key="m")
    assert box.value == "tiles" and box.proto.set_value and box.proto.raw_value == "Tile grid"
    assert list(many.proto.raw_values) == ["Geographic", "Tile grid"] and many.proto.set_value
    assert at.markdown[0].value == "tiles geo,tiles"
    at.run()   # the next run with the same labels sends nothing again
    assert not at.selectbox(key="k").proto.set_value and at.selectbox(key="k").value == "tiles"
