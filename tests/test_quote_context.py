"""The words around a quote, which the audit shows beside it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from forecast.inputs.quotes import fold, surrounding

words = st.lists(
    st.sampled_from(["red", "sea", "map", "Kyiv", "oil", "talks"]), min_size=3, max_size=8
)
sentences = st.lists(words.map(lambda w: " ".join(w).capitalize() + "."), min_size=1, max_size=6)


@given(sentences=sentences, data=st.data())
def test_a_whole_sentence_shows_its_neighbours(sentences: list[str], data: st.DataObject) -> None:
    numbered = [s[:-1] + f" n{i}." for i, s in enumerate(sentences)]  # each one unique
    text = "  \n".join(numbered)
    i = data.draw(st.integers(0, len(numbered) - 1))
    before, after = surrounding(text, numbered[i])
    assert before == (numbered[i - 1] if i > 0 else "")
    assert after == (numbered[i + 1] if i + 1 < len(numbered) else "")


def test_a_quote_cut_short_shows_what_it_left_out() -> None:
    text = "Putin is toxic to Beijing. Despite this, Beijing keeps him. The end."
    before, after = surrounding(text, "Putin is toxic")
    assert before == ""
    assert after == "to Beijing. Despite this, Beijing keeps him."
    before, after = surrounding(text, "Beijing keeps him.")
    assert before == "Putin is toxic to Beijing. Despite this,"
    assert after == "The end."


def test_quotes_match_across_typography_and_unknown_quotes_show_nothing() -> None:
    text = "He said \u201cno limits\u201d \u2013 twice. Then he left."
    before, after = surrounding(text, 'said "no limits" - twice.')
    assert (before, after) == ("He", "Then he left.")
    assert surrounding(text, "not in the text") == ("", "")
    assert fold(text).startswith("He said")
