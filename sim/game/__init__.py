"""The teaching game "Walk the Tightrope": teams play states a year a turn, the others react through the model.

Pure and Streamlit-free: :mod:`sim.game.moves` (what a team may do), :mod:`sim.game.play`
(a turn resolved, a game replayed from its log), :mod:`sim.game.debrief` (which moves
mattered), :mod:`sim.game.store` (a class's games in SQLite).
"""
