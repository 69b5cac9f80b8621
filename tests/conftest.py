"""Settings shared by every test folder: the Hypothesis profiles of the property tests.

Two profiles:

- ``ci`` (the default): 100 examples per property test, no deadline, so that the whole
  suite stays fast and a slow machine cannot fail a test on time alone;
- ``soak``: 20,000 examples per property test, for a long search before a release or
  after touching a parser or a security check. Run it with::

      HYPOTHESIS_PROFILE=soak uv run --all-packages pytest -m hypothesis -q

  (Hypothesis marks every ``@given`` test with ``hypothesis``; ``-k property`` picks the
  ones named ``test_property_*``). Failures found are saved in the local Hypothesis
  database (``.hypothesis/``) and replayed first on the next run.

``HYPOTHESIS_PROFILE`` picks the profile; it must be one of the above.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", max_examples=100, deadline=None, derandomize=False)
settings.register_profile("soak", max_examples=20_000, deadline=None, derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
