"""What the classroom app computes and draws: what-ifs, tables and Vega-Lite charts (no Streamlit here).

A new tab's numbers go in :mod:`sim.classroom.tables`, its chart in :mod:`sim.classroom.charts`,
its widgets in ``app.py``.
"""
