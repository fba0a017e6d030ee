"""The hypothesis settings of the clinical property tests, shared so one switch changes them all.

By default ("clinical") each property tries 300 examples: enough to reach every option of every question.
Under `make mutation` (HYPOTHESIS_PROFILE=mutation) each tries 30, because mutmut reruns the
tests once per mutant and 300 examples for each of several hundred mutants takes far longer than
the ten minutes a run should; the hand-written boundary tests still run in full there.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("clinical", max_examples=300, deadline=None, database=None)
settings.register_profile("mutation", max_examples=30, deadline=None, database=None)

# An unknown name fails loudly (hypothesis raises InvalidArgument) rather than testing less.
PROPERTY = settings.get_profile(os.getenv("HYPOTHESIS_PROFILE", "clinical"))
