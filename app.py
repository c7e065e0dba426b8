"""Tightrope in the classroom: change the assumptions, watch the alignment scores move, see why.

Layout and widgets only, in two pages over ``sim/``: the student's page (a lesson: predict,
then run; :mod:`app_pages.student`) and the teacher's (every assumption and event, the
network, the why, the evidence; :mod:`app_pages.explore`). A link names its page with
``?page=``; a shared what-if link (``?w=``) opens the teacher's page.
"""

from __future__ import annotations

import streamlit as st

from app_pages import explore, student

st.set_page_config(page_title="Tightrope: the Pakistan-Russia thaw", layout="wide")

PAGES = {"student": "Student: a lesson", "teacher": "Teacher: every control"}
asked = st.query_params.get("page", "teacher" if "w" in st.query_params else "student")
if st.session_state.get("page") not in PAGES:
    st.session_state.page = asked if asked in PAGES else "student"
with st.sidebar:
    page = st.segmented_control("Page", list(PAGES), format_func=PAGES.get, key="page", required=True)
if page == "student":
    st.query_params.from_dict({"page": "student"})
    student.show()
else:
    explore.show()  # it writes the page's link itself: the what-if and the page
