"""Statistics for the municipality's admins (issue 20, parts 2-4).

- rollup.py: each finished day's conversations (the tracker store) and the
  service's records, as counts in stat_counts, once per day
- tracker.py: reading the tracker store's events
- counts.py: the counts table; failed.py: the failed questions
- feedback.py: "Hjälpte svaret?" from the chat (POST /chat/feedback)
- report.py, charts.py, pages.py: the admin pages, their SVG charts and CSV
- training.py: "assign to an intent" writes Rasa NLU examples to a file
"""
