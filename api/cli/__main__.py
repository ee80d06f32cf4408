"""`python -m api.cli`: the same as `jixiao`."""

import sys

from api.cli import main

sys.exit(main())
