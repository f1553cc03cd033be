"""Pure computation for the lecture dashboard: data, Keras training and Plotly figures.

Nothing in this package imports streamlit; pages call into it, never the other way round.
"""
