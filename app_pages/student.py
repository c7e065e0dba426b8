"""The student's page: a lesson's question, the quotes, six levers in plain words, a prediction
committed before the result, then the result in one sentence, the chart and the why."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.shared import scenarios, side
from sim.classroom import charts, printable, session, student
from sim.classroom import tables as classroom
from sim.classroom.whatif import WhatIf
from sim.model.world import compile
from sim.scenario import ledger

REPLICATIONS = 30  # seeds a side: the bands and the noise the verdict is measured against


def lessons() -> dict[str, object]:
    """The served what-ifs that carry a lesson, in the lesson pack's order."""
    found = [(loaded.scenario.lesson.number, f, loaded) for f, loaded in scenarios().items() if loaded.scenario.lesson]
    return {f: loaded for _, f, loaded in sorted(found, key=lambda x: x[:2])}


def quotes(ids) -> list[tuple[str, str, str]]:
    """(claim id, its verbatim quote, its source's title) of each claim."""
    claims, sources = ledger.claims(), ledger.sources()
    return [(c, claims[c].quote, sources[claims[c].source].title) for c in ids]


def lever_help(name: str) -> str:
    catalogue, claims = ledger.assumptions(), ledger.claims()
    lines = []
    for a in ledger.levers()[name].assumptions:
        quote = claims[catalogue[a].claims[0]].quote if catalogue[a].claims[0] in claims else ""
        lines.append(f"{a}: {catalogue[a].meaning} Source: \u201c{quote}\u201d ({', '.join(catalogue[a].claims)})")
    return "\n\n".join(lines)


def show() -> None:
    state = st.session_state
    found = lessons()
    st.title("Tightrope: the Pakistan-Russia thaw, what if?")
    st.caption(
        "A teaching model, not a forecast: every assumption rests on quotes from five articles. "
        "Scores run from -1 (hostile) to +1 (allied)."
    )
    files = list(found)
    if "lesson" not in state or state.lesson not in files:
        state.lesson = files[0]
    chosen = st.selectbox(
        "Lesson",
        files,
        key="lesson",
        format_func=lambda f: f"Lesson {found[f].scenario.lesson.number}. {found[f].scenario.name}",
    )
    loaded = found[chosen]
    lesson = loaded.scenario.lesson
    st.subheader(lesson.question)
    st.write(loaded.scenario.description)

    with st.expander("Read first: what the sources say", expanded=True):
        for cid, quote, title in quotes(lesson.quotes):
            st.markdown(f"> {quote}\n\n\u2014 *{title}* (`{cid}`)")

    with st.expander("Your assumptions (leave them as the sources suggest, or move them)"):
        choices = {
            name: st.select_slider(
                lever.question,
                options=list(student.SCALE),
                value=student.AS_SOURCES,
                key=f"lever_{name}",
                help=lever_help(name),
            )
            for name, lever in ledger.levers().items()
        }
    compared = session.compared_with(scenarios(), chosen)
    values = compile(scenarios()[chosen]).values
    overrides = student.overrides(choices, values)
    a, b = lesson.predict.pair
    predicted = st.radio(
        lesson.predict.prompt,
        student.DIRECTIONS,
        format_func=student.SAID.get,
        index=None,
        key=f"prediction@{chosen}",
        horizontal=True,
        disabled=chosen in state.get("revealed", {}),
    )
    revealed = state.setdefault("revealed", {})
    if chosen not in revealed:
        if st.button("Run the model", type="primary", disabled=predicted is None):
            revealed[chosen] = predicted
            st.rerun()
        st.caption("Commit your prediction first: the result is shown once you have.")
        return

    base_side = side(WhatIf(base=compared, name="base", assumptions=overrides).key(), REPLICATIONS)
    what_side = side(WhatIf(base=chosen, name=loaded.scenario.name, assumptions=overrides).key(), REPLICATIONS)
    verdict = student.verdict(base_side, what_side, (a, b), lesson.predict.at)
    step = what_side.world.step_of(verdict.at)
    drivers = student.gap_drivers(base_side, what_side, (a, b), 0, step)
    held, outcome = student.outcome(revealed[chosen], verdict, drivers)
    st.markdown(f"### {verdict.sentence}")
    (st.success if held else st.warning)(outcome)

    table = classroom.series(base_side, what_side, [(a, b)])
    marks = classroom.event_marks(base_side.scenario, what_side.scenario)
    st.vega_lite_chart(spec=charts.alignments(table, classroom.differences(table), marks))
    st.caption(f"Lines are the median of {REPLICATIONS} runs, bands their 10-90 % range.")

    why = st.expander("Why did it change?", key="why_open", on_change="rerun")
    with why:
        if why.open:
            rows = pd.DataFrame(
                {
                    "direction": f"{what_side.world.names[a]}-{what_side.world.names[b]}, what-if minus without",
                    "driver": d,
                    "contribution": v,
                    "assumptions": student.DRIVER_WORDS[d],
                }
                for d, v in drivers.items()
            )
            st.vega_lite_chart(spec=charts.drivers(rows, "Where the difference came from: each driver's share"))
    st.markdown("**Discuss**\n\n" + "\n".join(f"{k + 1}. {q}" for k, q in enumerate(lesson.discuss)))

    result = printable.Result(
        title=loaded.scenario.name,
        question=lesson.question,
        prompt=lesson.predict.prompt,
        predicted=revealed[chosen],
        held=held,
        verdict=verdict,
        outcome=outcome,
        levers={ledger.levers()[n].question: s for n, s in choices.items() if s != student.AS_SOURCES},
        quotes=quotes(lesson.quotes),
        discuss=list(lesson.discuss),
    )
    st.download_button(
        "Download my result (a page to print)",
        lambda: printable.page(result, printable.chart_png(base_side, what_side, (a, b))),
        file_name=f"{chosen.removesuffix('.yaml')}-result.html",
        mime="text/html",
        on_click="ignore",
    )
    if st.button("Try again with a new prediction"):
        revealed.pop(chosen)
        state.pop(f"prediction@{chosen}", None)
        st.rerun()
