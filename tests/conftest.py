from __future__ import annotations

import sys
from pathlib import Path

# The shared strategies module sits next to the tests.
sys.path.insert(0, str(Path(__file__).parent))
