"""The classroom app's pages (Streamlit layout over sim/); app.py picks one."""
