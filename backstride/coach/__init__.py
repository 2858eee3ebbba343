"""Pure decisions: triage, screening, contributing factors, running, prescription, load.

Nothing here reads files, talks to a database or looks at the clock: everything comes in as
arguments (the knowledge base, the intake, `today`) and goes out as frozen values that carry
the ids of the knowledge entries they applied.
"""
