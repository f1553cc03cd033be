"""Shared Streamlit helpers: URL state, parameter widgets, caching and page furniture.

Pages import these; ``core`` never does.
"""
