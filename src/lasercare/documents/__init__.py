"""Documents for the patient: the personalised PDF handout (and later calendar files).

Above `practice/` in the layers (DESIGN.md): it reads the practice's records and never the other way round.
"""
