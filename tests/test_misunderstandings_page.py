"""The misunderstandings page through AppTest: one tab per claim, each with its
misunderstanding, its charts and the sentence its run writes; controls change the run and
the link; the repeat of the validation-vs-test experiment waits for its button."""

from __future__ import annotations

from conftest import open_page, problems

from core.misunderstandings import CLAIMS
from core.misunderstandings import linear_layers as L
from core.misunderstandings import selection as S
from ui import results

PAGE = "pages/misunderstandings.py"
#: Charts each tab draws (the validation-vs-test tab: one until its repeat has run).
CHARTS = (2, 2, 1, 3, 1, 1)


def _infos(at) -> str:
    return " ".join(i.value for i in at.info)


def test_every_tab_states_its_claim_and_writes_its_sentence():
    at = open_page(PAGE, timeout=600)
    assert not problems(at)
    assert [t.label for t in at.tabs] == [c.tab for c in CLAIMS]
    assert dict(at.query_params) == {}
    for claim, charts in zip(CLAIMS, CHARTS):
        at.session_state["misunderstandings.tab"] = claim.tab
        at.run(timeout=600)
        assert not problems(at), claim.key
        text = " ".join(m.value for m in at.markdown)
        assert claim.misunderstanding in text, claim.key
        assert len(at.get("plotly_chart")) == charts, claim.key
        assert at.info, claim.key  # the run's sentence
    # The default runs' sentences are the ones the page shows.
    at.session_state["misunderstandings.tab"] = CLAIMS[0].tab
    at.run(timeout=600)
    assert L.answer(results.layer_runs(L.LayerParams())) in _infos(at)


def test_a_control_changes_the_run_and_the_link():
    at = open_page(PAGE, {"activation": "sigmoid"}, timeout=600)
    assert not problems(at)
    assert "does no better" in _infos(at)
    at.selectbox(key="misunderstandings.activation").set_value("tanh").run(timeout=600)
    assert "activation" not in at.query_params
    assert "lets the layers bend the boundary" in _infos(at)


def test_the_repeat_waits_for_its_button_and_then_stays():
    at = open_page(PAGE, {"tab": "3", "splits": "10"}, timeout=600)
    assert not problems(at)
    assert len(at.get("plotly_chart")) == 1
    button = next(b for b in at.button if "Repeat on 10 splits" in b.label)
    button.click().run(timeout=900)
    assert not problems(at)
    assert len(at.get("plotly_chart")) == 2 and "Over 10 splits" in _infos(at)
    p = S.SelectionParams(splits=10)
    assert results.selection_repeats.get(p) is not None  # cached for everyone
    at.run(timeout=600)  # a rerun shows it without another click
    assert len(at.get("plotly_chart")) == 2 and not any("Repeat on" in b.label
                                                         for b in at.button)


def _clear() -> None:
    for cache in (results.layer_runs, results.existence_runs, results.selection_splits,
                  results.retrainings, results.simple_fit_runs, results.data_size_runs,
                  results.selection_repeats):
        cache.clear()


def _trainings(monkeypatch) -> list[str]:
    from core import engine

    calls: list[str] = []
    real = engine.train
    monkeypatch.setattr(engine, "train", lambda *a, **k: calls.append("train") or real(*a, **k))
    return calls


def test_the_warm_up_fills_every_tabs_default_view(monkeypatch):
    _clear()
    results.warm_misunderstandings()
    calls = _trainings(monkeypatch)
    at = open_page(PAGE, timeout=600)
    for claim in CLAIMS:
        at.session_state["misunderstandings.tab"] = claim.tab
        at.run(timeout=600)
        assert not problems(at) and at.get("plotly_chart"), claim.key
    assert calls == []  # every tab answered from the warm-up's cache


def test_without_the_warm_up_a_tab_trains(monkeypatch):
    _clear()
    calls = _trainings(monkeypatch)
    at = open_page(PAGE, {"tab": "6"}, timeout=600)
    assert not problems(at) and calls
