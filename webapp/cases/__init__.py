"""The case machinery: states, the clock and its escalation up the tree, the timeline, and the
writes every kind of case shares (accept, dispatch, urge, return, merge, resolve, rate, reopen).

A kind of case (a resident's request in webapp/requests, an enterprise's problem in
webapp/problems) is a front door: its own form, categories and time limits (kinds.py), and
what it adds to a case (a requester, a mediation; an enterprise, its department, an urgency).
Everything that moves a case goes through rules.py here, so both doors get the same invariants
and the same timeline.

This package has no blueprint: it holds no pages of its own, only what the kinds' pages share
(work.py, forms.py, queries.py, and templates/cases/).
"""
