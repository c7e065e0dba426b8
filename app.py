"""Tightrope in the classroom: change the assumptions, watch the alignment scores move, see why.

Layout and widgets only, in pages over ``sim/``: the student's page (a lesson: predict,
then run; :mod:`app_pages.student`), the game played solo (:mod:`app_pages.game`), the
class game's teacher, team and projector pages (:mod:`app_pages.class_game`) and the
teacher's page of every control (:mod:`app_pages.explore`). A link names its page with
``?page=``; a shared what-if link (``?w=``) opens the teacher's page; a team's join link
(``?page=team&game=CODE&state=PAK``) opens its game.
"""

from __future__ import annotations

import streamlit as st

from app_pages import class_game, class_team, explore, game, student

st.set_page_config(page_title="Tightrope: the Pakistan-Russia thaw", layout="wide")

PAGES = {
    "student": "Student: a lesson",
    "play": "Play the game",
    "class": "Class game (teacher)",
    "teacher": "Teacher: every control",
}
JOINED = {"team": class_team.team, "projector": class_team.projector}  # opened by a link the teacher hands out
asked = st.query_params.get("page", "teacher" if "w" in st.query_params else "student")
if asked in JOINED:
    JOINED[asked]()
    st.stop()
if st.session_state.get("page") not in PAGES:
    st.session_state.page = asked if asked in PAGES else "student"
with st.sidebar:
    page = st.radio("Page", list(PAGES), format_func=PAGES.get, key="page")
if page in ("student", "play", "class"):
    st.query_params.from_dict({"page": page})
    {"student": student.show, "play": game.show, "class": class_game.teacher}[page]()
else:
    explore.show()  # it writes the page's link itself: the what-if and the page
