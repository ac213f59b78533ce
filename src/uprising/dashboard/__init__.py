"""``uprising dashboard``: a local web app to watch a run and poke it (docs/dashboard.md).

``server.serve`` starts it; ``session.Session`` is one page's model, fork and messages;
``series`` what its charts and event log are fed; ``control`` holds the validated changes,
interventions and the fork.
"""
