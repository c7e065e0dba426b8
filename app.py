"""Tightrope in the classroom: change the assumptions, watch the alignment scores move, see why.

Layout and widgets only. Every number, table and chart comes from ``sim/``
(``sim.classroom.tables`` and ``sim.classroom.charts``); the what-if itself is a ``sim.classroom.whatif.WhatIf``
built from the widgets, shared in the page's URL and shown as a scenario file.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from sim.classroom import charts, session, sources, whatif
from sim.classroom import tables as classroom
from sim.classroom.whatif import WhatIf
from sim.scenario import ledger, shipped
from sim.scenario.schema import EVENT_KINDS
from sim.scenario.yamlread import MAX_BYTES

# The folder of scenarios this server serves: the shipped ones, or a teacher's own folder.
SCENARIOS = Path(os.environ.get("TIGHTROPE_SCENARIOS") or shipped.scenarios())

st.set_page_config(page_title="Tightrope: the Pakistan-Russia thaw", layout="wide")
state = st.session_state


# --- cached, read-only: never mutate what these return --------------------------------
@st.cache_resource
def served(folder: str):
    """The scenarios this app serves (those that load), and the problems of any that do not."""
    return classroom.scenario_files(Path(folder))


def scenarios():
    return served(str(SCENARIOS))[0]


@st.cache_resource
def claims():
    return classroom.claims_table()


SCORECARD_SEEDS = 100


@st.cache_resource
def scorecard():
    """The claims scorecard, and the baseline's runs on the same seeds (read-only, shared by every session)."""
    from sim.engine import ensemble
    from sim.model import scorecard as card
    from sim.model.world import compile

    world = compile(scenarios()["baseline.yaml"])
    return card.score(range(SCORECARD_SEEDS)), world, ensemble.run(world, range(SCORECARD_SEEDS)).alignment


@st.cache_resource(max_entries=64)
def side(whatif_key: str, replications: int) -> classroom.Side:
    w = WhatIf.model_validate_json(whatif_key)
    return classroom.run_side(whatif.apply(scenarios()[w.base], w), replications)


session.start(state, scenarios(), st.query_params.to_dict())
loaded: WhatIf = state.loaded

# --- sidebar: the what-if -------------------------------------------------------------
with st.sidebar:
    st.header("Your what-if")
    if served(str(SCENARIOS))[1]:
        st.warning(
            "Some scenario files could not be loaded and are left out:\n\n"
            + "\n".join(f"- `{p}`" for p in served(str(SCENARIOS))[1][:10])
        )
    files = list(scenarios())
    base = st.selectbox(
        "Start from scenario",
        files,
        index=files.index(loaded.base),
        key=session.key(state, "base"),
        on_change=session.reset,
        args=(state,),
        format_func=lambda f: scenarios()[f].scenario.name,
        help="Every file in scenarios/",
    )
    st.caption(scenarios()[base].scenario.description)
    st.text_input("Name of your what-if", value=loaded.name, key=session.key(state, "name"), max_chars=80)
    left, right = st.columns(2)
    left.number_input(
        "Seed",
        min_value=0,
        max_value=2**32 - 1,
        step=1,
        key=session.key(state, "seed"),
        value=loaded.seed if loaded.seed is not None else scenarios()[base].scenario.seed,
        help="The same seed gives the same run, bit for bit",
    )
    right.number_input(
        "Replications",
        min_value=1,
        max_value=500,
        step=10,
        key="reps",
        help="More than 1 draws 10-90 % bands from that many seeds",
    )
    st.button("Reset to the scenario", on_click=session.reset, args=(state,), width="stretch")

    with st.expander("Assumptions", expanded=True):
        for name, a in ledger.assumptions().items():
            st.slider(
                f"{name} ({a.unit})",
                min_value=float(a.low),
                max_value=float(a.high),
                value=float(loaded.assumptions.get(name, session.base_value(scenarios(), base, name))),
                step=float((a.high - a.low) / 100),
                key=session.key(state, name),
                help=classroom.tooltip(name),
            )
    # Closed expanders draw nothing (opening one reruns the page): 40 fewer widgets a rerun.
    # Their labels stay fixed: a new label would be a new expander, closed again.
    events_list = st.expander("The scenario's events", key="events_open", on_change="rerun")
    with events_list:
        for e in scenarios()[base].scenario.events if events_list.open else ():
            if e.id:
                st.toggle(
                    f"{e.date} · {e.from_} → {', '.join(e.targets())} · {e.label or e.type}",
                    value=e.id not in state.dropped,
                    key=session.key(state, e.id),
                    on_change=session.flip,
                    args=(state, e.id),
                )
    add_form = st.expander("Add an event", key="add_open", on_change="rerun")
    with add_form:
        if add_form.open:
            codes = list(scenarios()[base].scenario.actors)
            st.selectbox(
                "Type",
                list(EVENT_KINDS),
                key="new_type",
                help="\n".join(f"- {k}: {v.meaning}" for k, v in EVENT_KINDS.items()),
            )
            st.selectbox("From", codes, key="new_from", index=codes.index("USA") if "USA" in codes else 0)
            st.selectbox("To", codes, key="new_to", index=codes.index("PAK") if "PAK" in codes else 1)
            st.text_input("Date (e.g. 2020Q1)", value="2020Q1", key="new_date")
            st.number_input("Magnitude", value=1.0, min_value=-10.0, max_value=10.0, step=0.1, key="new_size")
            st.text_input("Label", value="", key="new_label", max_chars=200)
            st.button("Add event", on_click=session.add_event, args=(state, scenarios()))
            if state.add_problem:
                st.error(state.add_problem)
            for k, e in enumerate(state.added):
                st.caption(f"{k + 1}. {e.date} · {e.from_} → {', '.join(e.targets())} · {e.type} {e.magnitude:g}")
            if state.added:
                st.button("Remove the added events", on_click=session.remove_events, args=(state,))
    changes = []
    if state.dropped:
        changes.append(f"{len(state.dropped)} of the scenario's events switched off")
    if state.added:
        changes.append(f"{len(state.added)} event(s) added")
    if changes:
        st.caption(" · ".join(changes))

# --- the runs -------------------------------------------------------------------------
w = session.current(state, scenarios())
# A what-if file is compared with the scenario it extends; a whole scenario with itself, unchanged.
compared = session.compared_with(scenarios(), w.base)
plain = WhatIf(base=compared, name=scenarios()[compared].scenario.name, seed=w.seed)
base_side, what_side = side(plain.key(), state.reps), side(w.key(), state.reps)
token = whatif.to_token(w)
st.query_params.from_dict({"w": token, "reps": str(state.reps)})

st.title("Tightrope: the Pakistan-Russia thaw, what if?")
st.caption(
    "A teaching model, not a forecast: each assumption rests on quotes from five articles "
    "(see Evidence). Scores run from -1 (hostile) to +1 (allied)."
)
if "link_problem" in state:
    st.warning(f"The shared link could not be opened: {state.pop('link_problem')}. Showing the baseline.")

TABS = ["Alignments", "Network", "Why", "Evidence", "Sources check", "Scenario YAML", "Share and export"]
# Only the open tab is computed and drawn (a tab switch reruns the page): a slider move then
# redraws one chart, not six. Widgets in closed tabs are not drawn, so their values are kept here.
KEPT = ("pairs", "net_step", "why_a", "why_b", "claim_search", "evidence_for", "yaml_text")
for kept in KEPT:
    if kept in state:
        state[kept] = state[kept]
tabs = st.tabs(TABS, key="tab", on_change="rerun")
labels = [base_side.world.date_label(t) for t in range(base_side.world.n_steps)]
codes = list(base_side.world.codes)


def keep(name: str, options, default) -> None:
    """Start a kept widget at ``default``, and again whenever its value is no longer an option."""
    value = state.get(name)
    valid = value is not None and all(v in options for v in (value if isinstance(value, list | tuple) else [value]))
    if not valid:
        state[name] = default


with tabs[0]:
    if tabs[0].open:
        options = [f"{a}-{b}" for i, a in enumerate(codes) for b in codes[i + 1 :]]
        keep(
            "pairs", options, [p for a, b in classroom.DEFAULT_PAIRS for p in (f"{a}-{b}", f"{b}-{a}") if p in options]
        )
        chosen = st.multiselect("Pairs", options, key="pairs")
        pairs = [tuple(p.split("-")) for p in chosen]
        if pairs:
            table = classroom.series(base_side, what_side, pairs)
            marks = classroom.event_marks(base_side.scenario, what_side.scenario)
            st.vega_lite_chart(spec=charts.alignments(table, classroom.differences(table), marks))
            st.caption(
                "Lines are the median of the replications, bands their 10-90 % range."
                if state.reps > 1
                else "One seeded run each; raise Replications for uncertainty bands."
            )

with tabs[1]:
    if tabs[1].open:
        st.toggle("Play through the quarters", key="playing")
        keep("net_step", range(len(labels)), len(labels) - 1)

        @st.fragment(run_every=0.7 if state.get("playing") else None)
        def network_view() -> None:
            if state.get("playing"):
                state.net_step = (state.net_step + 1) % len(labels)  # the animation's next frame
            step = st.select_slider(
                "Quarter", options=range(len(labels)), format_func=lambda t: labels[t], key="net_step"
            )
            nodes, edges, (balanced, unbalanced) = classroom.network(what_side, step)
            st.vega_lite_chart(spec=charts.network(nodes, edges, labels[step]))
            left, right = st.columns(2)
            left.metric("Balanced triads", balanced)
            right.metric(
                "Unbalanced triads",
                unbalanced,
                help="Heider: a triad is balanced when a friend's friend is a friend and an enemy's enemy is a friend",
            )

        network_view()

with tabs[2]:
    if tabs[2].open:
        c1, c2, c3 = st.columns([1, 1, 2])
        keep("why_a", codes, "PAK" if "PAK" in codes else codes[0])
        a = c1.selectbox("How", codes, key="why_a")
        others = [c for c in codes if c != a]
        keep("why_b", others, "RUS" if "RUS" in others else others[0])
        b = c2.selectbox("and", others, key="why_b")
        # A range slider learns it is one from its value, so the period is kept apart from it; it
        # starts at the what-if's first change, and again whenever that moves.
        suggested = classroom.default_period(base_side.scenario, what_side.scenario)
        if state.get("period_for") != suggested:
            state.period, state.period_for = suggested, suggested
        period = state.period if set(state.period) <= set(labels) else (labels[0], labels[-1])
        start, end = c3.select_slider(
            "Period",
            options=labels,
            value=period,
            key=f"why_period@{suggested}",
            on_change=lambda key=f"why_period@{suggested}": state.update(period=state[key]),
        )
        contributions, log, lines = classroom.why(what_side, a, b, labels.index(start), labels.index(end))
        for line in lines:
            st.markdown(f"- {line}")
        st.vega_lite_chart(spec=charts.drivers(contributions))
        st.dataframe(log, hide_index=True, width="stretch")

with tabs[3]:
    if tabs[3].open:
        query = st.text_input("Search the claims", key="claim_search")
        found = claims()
        if query:  # filtering makes a new frame; the cached one is never changed
            found = found[found.apply(lambda row: query.lower() in " ".join(map(str, row)).lower(), axis=1)]
        st.dataframe(found, hide_index=True, width="stretch")
        names = list(ledger.assumptions())
        keep("evidence_for", names, names[0])
        name = st.selectbox("What rests on which quote", names, key="evidence_for")
        st.markdown(f"**{name}**: {ledger.assumptions()[name].meaning}")
        for cid, quote, title in classroom.assumption_evidence(name):
            st.markdown(f"> {quote}\n\n— *{title}* (`{cid}`)")

with tabs[4]:
    if tabs[4].open:
        st.subheader("Does the model say what the sources say?")
        st.caption(
            f"Each claim the model is meant to reproduce, checked on {SCORECARD_SEEDS} seeds of the baseline "
            "and the what-ifs (the same seeds for both). A claim it does not reproduce is listed, not hidden."
        )
        rows, card_world, card_runs = scorecard()
        st.dataframe(sources.scorecard_table(rows), hide_index=True, width="stretch")
        st.vega_lite_chart(
            spec=charts.history(
                sources.path(card_world, card_runs),
                classroom.event_marks(
                    scenarios()["baseline.yaml"].scenario, scenarios()["baseline.yaml"].scenario
                ).query("year < 2020"),
                sources.authored_flows(card_world),
            )
        )

with tabs[5]:
    if tabs[5].open:
        generated = whatif.to_yaml(w)
        if state.get("yaml_text", state.get("yaml_generated")) == state.get("yaml_generated"):
            state.yaml_text = generated  # not edited by hand: follow the widgets
        state.yaml_generated = generated
        st.text_area("Your what-if as a scenario file (edit, then Apply)", key="yaml_text", height=320)
        st.button("Apply the YAML", on_click=session.apply_yaml, args=(state, scenarios()))
        for problem in state.yaml_problems:
            st.error(problem)
        st.download_button("Download the YAML", generated, file_name="what-if.yaml", mime="text/yaml")
        st.file_uploader(
            f"Upload a what-if (.yaml, at most {MAX_BYTES:,} bytes)",
            type=["yaml", "yml"],
            key=session.key(state, "upload"),
            on_change=session.take_upload,
            args=(state, scenarios()),
        )

with tabs[6]:
    if tabs[6].open:
        st.markdown(
            "This page's address carries the scenario and every change: copy it from the address bar "
            "and a colleague opens the same what-if."
        )
        st.code(f"?w={token}&reps={state.reps}", language=None)
        st.download_button(
            "Download the what-if run as CSV",
            lambda: classroom.tidy_download(what_side),
            file_name="what-if.csv",
            mime="text/csv",
        )
