"""The teacher's page: every assumption, the scenario's events, the network, the why, the evidence."""

from __future__ import annotations

import streamlit as st

from app_pages.shared import SCORECARD_SEEDS, claims, expectations, folder, scenarios, scorecard, served, side
from sim.classroom import charts, session, sources, text, whatif
from sim.classroom import tables as classroom
from sim.classroom.tables import Side
from sim.classroom.whatif import WhatIf
from sim.scenario import ledger
from sim.scenario.schema import EVENT_KINDS
from sim.scenario.yamlread import MAX_BYTES

TABS = ["Alignments", "Network", "Why", "Evidence", "Sources check", "Scenario YAML", "Share and export"]
# Widgets of closed tabs are not drawn, so their values are kept in the session by hand.
KEPT = ("pairs", "net_step", "why_a", "why_b", "claim_search", "evidence_for", "yaml_text")


def keep(name: str, options, default) -> None:
    """Start a kept widget at ``default``, and again whenever its value is no longer an option."""
    state = st.session_state
    value = state.get(name)
    valid = value is not None and all(v in options for v in (value if isinstance(value, list | tuple) else [value]))
    if not valid:
        state[name] = default


def assumptions(base: str, loaded: WhatIf) -> None:
    state = st.session_state
    with st.expander("Advanced (for teachers): every assumption", expanded=True):
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


def events(base: str) -> None:
    state = st.session_state
    # Closed expanders draw nothing (opening one reruns the page): 40 fewer widgets a rerun.
    # Their labels stay fixed: a new label would be a new expander, closed again.
    listed = st.expander("The scenario's events", key="events_open", on_change="rerun")
    with listed:
        for e in scenarios()[base].scenario.events if listed.open else ():
            if e.id:
                st.toggle(
                    f"{e.date} · {e.from_} → {', '.join(e.targets())} · {text.plain(e.label or e.type)}",
                    value=e.id not in state.dropped,
                    key=session.key(state, e.id),
                    on_change=session.flip,
                    args=(state, e.id),
                )
    form = st.expander("Add an event", key="add_open", on_change="rerun")
    with form:
        if form.open:
            codes = list(scenarios()[base].scenario.actors)
            kinds = "\n".join(f"- {k}: {v.meaning}" for k, v in EVENT_KINDS.items())
            st.selectbox("Type", list(EVENT_KINDS), key="new_type", help=kinds)
            st.selectbox("From", codes, key="new_from", index=codes.index("USA") if "USA" in codes else 0)
            st.selectbox("To", codes, key="new_to", index=codes.index("PAK") if "PAK" in codes else 1)
            st.text_input("Date (e.g. 2020Q1)", value="2020Q1", key="new_date")
            st.text_input(
                "Until (optional, e.g. 2024Q1)",
                value="",
                key="new_until",
                help="When a standing event ends: sanctions lifted, an embargo or a deal ended, aid back as it "
                "was. Leave empty for one that lasts (or for a one-off event: a visit, an exercise).",
            )
            st.number_input("Magnitude", value=1.0, min_value=-10.0, max_value=10.0, step=0.1, key="new_size")
            st.text_input("Label", value="", key="new_label", max_chars=200)
            st.button("Add event", on_click=session.add_event, args=(state, scenarios()))
            if state.add_problem:
                st.error(text.plain(state.add_problem))
            for k, e in enumerate(state.added):
                ends = f" until {e.until}" if e.until else ""
                said = f"{e.date}{ends} · {e.from_} → {', '.join(e.targets())} · {e.type} {e.magnitude:g}"
                st.caption(f"Added {k + 1}: {text.plain(said)}")
            if state.added:
                st.button("Remove the added events", on_click=session.remove_events, args=(state,))
    changes = []
    if state.dropped:
        changes.append(f"{len(state.dropped)} of the scenario's events switched off")
    if state.added:
        changes.append(f"{len(state.added)} event(s) added")
    if changes:
        st.caption(" · ".join(changes))


def sidebar(loaded: WhatIf) -> None:
    state = st.session_state
    st.header("Your what-if")
    problems = served(str(folder()))[1]
    if problems:
        listed = "\n".join(f"- `{p}`" for p in problems[:10])
        st.warning(f"Some scenario files could not be loaded and are left out:\n\n{listed}")
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
    assumptions(base, loaded)
    events(base)


def alignments_tab(base_side: Side, what_side: Side) -> None:
    codes = list(base_side.world.codes)
    options = [f"{a}-{b}" for i, a in enumerate(codes) for b in codes[i + 1 :]]
    shown = [p for a, b in classroom.DEFAULT_PAIRS for p in (f"{a}-{b}", f"{b}-{a}") if p in options]
    keep("pairs", options, shown)
    pairs = [tuple(p.split("-")) for p in st.multiselect("Pairs", options, key="pairs")]
    if pairs:
        table = classroom.series(base_side, what_side, pairs)
        marks = classroom.event_marks(base_side.scenario, what_side.scenario)
        st.vega_lite_chart(spec=charts.alignments(table, classroom.differences(table), marks))
        st.caption(
            "Lines are the median of the replications, bands their 10-90 % range."
            if st.session_state.reps > 1
            else "One seeded run each; raise Replications for uncertainty bands."
        )


def network_tab(what_side: Side, labels: list[str]) -> None:
    state = st.session_state
    st.toggle("Play through the quarters", key="playing")
    keep("net_step", range(len(labels)), len(labels) - 1)

    @st.fragment(run_every=0.7 if state.get("playing") else None)
    def network_view() -> None:
        if state.get("playing"):
            state.net_step = (state.net_step + 1) % len(labels)  # the animation's next frame
        step = st.select_slider("Quarter", options=range(len(labels)), format_func=lambda t: labels[t], key="net_step")
        nodes, edges, (balanced, unbalanced) = classroom.network(what_side, step)
        st.vega_lite_chart(spec=charts.network(nodes, edges, labels[step]))
        left, right = st.columns(2)
        left.metric("Balanced triads", balanced)
        heider = "Heider: a triad is balanced when a friend's friend is a friend and an enemy's enemy is a friend"
        right.metric("Unbalanced triads", unbalanced, help=heider)

    network_view()


def why_tab(base_side: Side, what_side: Side, labels: list[str]) -> None:
    state = st.session_state
    codes = list(base_side.world.codes)
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
    key = f"why_period@{suggested}"
    start, end = c3.select_slider(
        "Period", options=labels, value=period, key=key, on_change=lambda: state.update(period=state[key])
    )
    contributions, log, lines = classroom.why(what_side, a, b, labels.index(start), labels.index(end))
    for line in lines:
        st.markdown(f"- {text.plain(line)}")
    st.vega_lite_chart(spec=charts.drivers(contributions))
    st.dataframe(log, hide_index=True, width="stretch")


def evidence_tab() -> None:
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


def sources_tab() -> None:
    st.subheader("Does the model say what the sources say?")
    st.caption(
        f"Each claim the model is meant to reproduce, checked on {SCORECARD_SEEDS} seeds of the baseline "
        "and the what-ifs (the same seeds for both). A claim it does not reproduce is listed, not hidden."
    )
    rows, card_world, card_runs = scorecard()
    st.dataframe(sources.scorecard_table(rows), hide_index=True, width="stretch")
    baseline = scenarios()["baseline.yaml"].scenario
    marks = classroom.event_marks(baseline, baseline).query("year < 2020")
    flows = sources.authored_flows(card_world)
    st.vega_lite_chart(spec=charts.history(sources.path(card_world, card_runs), marks, flows))
    st.subheader("What IR teaching expects of the model")
    rows = expectations()
    st.caption(
        f"{len(rows)} what-ifs with the effect they are about and the side effects a teacher would accept or "
        "reject (seeds/expectations.yaml), each the what-if against what it is compared with, the same seed on "
        f"both sides; {sum(r.holds for r in rows)} of them hold in at least 90 % of the seeds."
    )
    st.dataframe(sources.expectations_table(rows), hide_index=True, width="stretch")


def yaml_tab(w: WhatIf) -> None:
    state = st.session_state
    generated = whatif.to_yaml(w)
    if state.get("yaml_text", state.get("yaml_generated")) == state.get("yaml_generated"):
        state.yaml_text = generated  # not edited by hand: follow the widgets
    state.yaml_generated = generated
    st.text_area("Your what-if as a scenario file (edit, then Apply)", key="yaml_text", height=320)
    st.button("Apply the YAML", on_click=session.apply_yaml, args=(state, scenarios()))
    for problem in state.yaml_problems:
        st.error(text.plain(problem))
    st.download_button("Download the YAML", generated, file_name="what-if.yaml", mime="text/yaml")
    st.file_uploader(
        f"Upload a what-if (.yaml, at most {MAX_BYTES:,} bytes)",
        type=["yaml", "yml"],
        key=session.key(state, "upload"),
        on_change=session.take_upload,
        args=(state, scenarios()),
    )


def share_tab(link: str, what_side: Side) -> None:
    st.markdown("This link opens the same what-if, with the same replications, for anyone on this server:")
    st.code(link, language=None)
    st.download_button(
        "Download the what-if run as CSV",
        lambda: classroom.tidy_download(what_side),
        file_name="what-if.csv",
        mime="text/csv",
    )


def show() -> None:
    state = st.session_state
    session.start(state, scenarios(), st.query_params.to_dict())
    with st.sidebar:
        sidebar(state.loaded)

    w = session.current(state, scenarios())
    # A what-if file is compared with the scenario it extends; a whole scenario with itself, unchanged.
    compared = session.compared_with(scenarios(), w.base)
    plain = WhatIf(base=compared, name=scenarios()[compared].scenario.name, seed=w.seed)
    base_side, what_side = side(plain.key(), state.reps), side(w.key(), state.reps)
    query = {"page": "teacher", "w": whatif.to_token(w), "reps": str(state.reps)}
    st.query_params.from_dict(query)

    st.title("Tightrope: the Pakistan-Russia thaw, what if?")
    st.caption(
        "A teaching model, not a forecast: each assumption rests on quotes from five articles "
        "(see Evidence). Scores run from -1 (hostile) to +1 (allied)."
    )
    if "link_problem" in state:
        st.warning(
            f"The shared link could not be opened: {text.plain(state.pop('link_problem'))}. Showing the baseline."
        )

    # Only the open tab is computed and drawn (a tab switch reruns the page): a slider move then
    # redraws one chart, not six.
    for kept in KEPT:
        if kept in state:
            state[kept] = state[kept]
    tabs = st.tabs(TABS, key="tab", on_change="rerun")
    labels = [base_side.world.date_label(t) for t in range(base_side.world.n_steps)]
    drawn = (
        lambda: alignments_tab(base_side, what_side),
        lambda: network_tab(what_side, labels),
        lambda: why_tab(base_side, what_side, labels),
        evidence_tab,
        sources_tab,
        lambda: yaml_tab(w),
        lambda: share_tab(session.link(st.context.url, query), what_side),
    )
    for tab, draw in zip(tabs, drawn):
        with tab:
            if tab.open:
                draw()
