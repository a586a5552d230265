"""`python -m summarizer`: the command line."""

import sys

from .cli import main

sys.exit(main())
