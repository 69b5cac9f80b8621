r"""Settings shared by every test folder: the Hypothesis profiles of the property tests.

The property tests (``test_properties_<topic>.py`` in each package's folder, plus a few
``test_property_*`` tests elsewhere) feed every parser of server input with generated
bodies, headers, callbacks, JWTs and stored strings. Each must give a correct value or
raise an error of the ``oauth2core.OAuth2Error`` tree (``ValueError`` for the
serializers' ``loads``), never a KeyError, TypeError, RecursionError...

Two profiles:

- ``ci`` (the default): 100 examples per property test, no deadline, so that the whole
  suite stays fast and a slow machine cannot fail a test on time alone. The 47 property
  tests generate 4,700 cases (the 40 of the ``test_properties_*`` modules take about
  15 s of CPU together). The cases are derandomized: the same on every run, so a test
  suite that passed keeps passing, and finding new failures is the soak's job;
- ``soak``: 20,000 random examples per property test (940,000 cases for the 47), for a
  long search before a release or after touching a parser or a security check. Run it
  with::

      HYPOTHESIS_PROFILE=soak uv run --all-packages pytest -m hypothesis -q \
          --hypothesis-show-statistics

  Hypothesis marks every ``@given`` test with ``hypothesis``; ``-k`` narrows the run
  (``-k id_token`` for the ID token parsers alone). Each test then takes from about
  one to several minutes; ``--hypothesis-show-statistics`` prints the cases each one
  ran. Failures found are saved in the local Hypothesis database (``.hypothesis/``) and
  replayed first on the next run.

``HYPOTHESIS_PROFILE`` picks the profile; it must be one of the above. A test that sets
its own ``max_examples`` would escape the soak profile: none does.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", max_examples=100, deadline=None, derandomize=True)
settings.register_profile("soak", max_examples=20_000, deadline=None, derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
