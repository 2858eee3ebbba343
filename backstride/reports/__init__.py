"""Figures and documents built from decisions: charts now, reports later. No database, no HTTP."""
