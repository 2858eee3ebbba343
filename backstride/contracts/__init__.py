"""The JSON contracts of DESIGN.md (version 1) as pydantic models: what comes in and goes out."""
