"""The clinical core: questions, reason texts and rules. Pure Python: nothing here imports Django.

Source of every question and rule: shared/clinical.md, sections 3 and 4.
"""
