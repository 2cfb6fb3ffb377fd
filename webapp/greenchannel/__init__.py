"""The green channel's figures in the daily report and the period summary (return filings and
enterprise problems). Its pages live in the enterprises' own packages; this one only reports."""

from flask import Flask


def init_app(app: Flask) -> None:
    from . import report

    report.register(app)
