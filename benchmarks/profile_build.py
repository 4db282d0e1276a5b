"""Where the first build's time goes: a pyinstrument profile of folding a generated log.

pip install pyinstrument
python benchmarks/profile_build.py [N]        (N = 100000; prints the profile as text)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from generate import Generator, write_log

from fonds.log.jsonl import JsonlLog
from fonds.views import Views


def main() -> None:
    from pyinstrument import Profiler

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory(prefix="fonds-profile-") as folder:
        directory = Path(folder) / "log"
        write_log(directory, Generator(n).records(n))
        profiler = Profiler(interval=0.0005)
        profiler.start()
        Views(JsonlLog(directory), use_snapshot=False)
        profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
