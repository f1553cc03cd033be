"""The Playground page's parts, one job each: its controls (``controls``), your own data
(``own_data``, the one place it keeps in the session), the run shown live and finished
(``run_view``), the detail tabs (``details``) and the classroom furniture (``classroom``:
the lecture's exercises, a link that hides controls, the loss and update rule)."""
