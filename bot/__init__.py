"""Answer Thai and English questions about Thai cabinet reports with cited excerpts."""

import os
import tempfile
from pathlib import Path

# pythainlp must never reach for the network or a read-only home directory: everything this
# project uses ships inside the installed package. Set before any module imports pythainlp.
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("PYTHAINLP_DATA", str(Path(tempfile.gettempdir()) / "pythainlp-data"))

__version__ = "0.1.0"
