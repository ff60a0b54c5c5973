"""Check the data files (source reports, registry, redirects) without building: the pre-commit hook.

Runs from a checkout with only the data libraries installed; see dialogue_edition/check_data.py.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dialogue_edition.check_data import main

sys.exit(main())
