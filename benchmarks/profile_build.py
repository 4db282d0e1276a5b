"""Where the time goes: pyinstrument profiles of the first build and of validated append.

pip install pyinstrument
python benchmarks/profile_build.py build [N]     (N = 100000)
python benchmarks/profile_build.py append [N]    (N = 30000, in batches of 10,000)
python benchmarks/profile_build.py day [N]       (N = 1000000; 20 one-day timeline queries)
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

from generate import Generator, write_log

from fonds.log.jsonl import JsonlLog
from fonds.views import Views


def main() -> None:
    from pyinstrument import Profiler

    what = sys.argv[1] if len(sys.argv) > 1 else "build"
    default = {"build": 100_000, "append": 30_000, "day": 1_000_000}[what]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else default
    profiler = Profiler(interval=0.0005)
    with tempfile.TemporaryDirectory(prefix="fonds-profile-") as folder:
        directory = Path(folder) / "log"
        if what == "build":
            write_log(directory, Generator(n).records(n))
            profiler.start()
            Views(JsonlLog(directory), use_snapshot=False)
        elif what == "day":
            write_log(directory, Generator(n).records(n))
            views = Views(JsonlLog(directory))
            rng = random.Random(7)
            days = [f"{rng.randint(1700, 1990):04d}-{rng.randint(1, 12):02d}-15" for _ in range(20)]
            profiler.start()
            for day in days:
                views.timeline(date_from=day, date_to=day)
        else:
            records = list(Generator(n).records(n))
            log = JsonlLog.init(directory)
            profiler.start()
            for start in range(0, n, 10_000):
                log.append(records[start : start + 10_000])
        profiler.stop()
    text = profiler.output_text(unicode=True, color=False, show_all=False)
    # paths relative to the repository: a profile is committed, this machine's layout is not
    print(text.replace(str(Path(__file__).resolve().parents[1]) + "/", ""))


if __name__ == "__main__":
    main()
