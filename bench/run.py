"""Benchmark: whole-process timings of `timeline` against reference commands.

    python bench/run.py [--runs 5] [--sizes 1000,10000,100000] [--out FILE]

Generates seeded synthetic stores in a temporary folder, times each command as a whole process
(median of --runs after one warm-up), records each process's peak memory, and prints a table of
medians and ratios to two references measured in the same run:

  HELLO     a one-command typer app that prints a line: the floor for any typer CLI;
  PARSE(n)  python -c that imports yaml and parses the n-event file with CSafeLoader.

The write targets (add, edit, rm within HELLO + 0.05 PARSE(n)) use a HELLO and a PARSE(n)
measured in turn with those commands ("beside the writes"), not the ones measured before them.
The list right after an add is judged round by round against the usual warm list, measured in
the same round twice (before the writes and again after that list), so that the run shows how
far two rows of identical work differ.

It never fails a build: it is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from timeline.model import KINDS  # the installed package's own list: the data stays valid

COMPANIES = [
    "OpenAI",
    "Microsoft",
    "Google",
    "Google DeepMind",
    "Anthropic",
    "Meta",
    "Amazon",
    "AWS",
    "Nvidia",
    "xAI",
    "Mistral AI",
    "DeepSeek",
    "Inflection AI",
    "Apple",
    "Oracle",
    "SoftBank",
    "Cohere",
    "AI21 Labs",
    "Hugging Face",
    "Stability AI",
    "Midjourney",
    "Perplexity",
    "Character.AI",
    "Adept",
    "Databricks",
    "Snowflake",
    "IBM",
    "Intel",
    "AMD",
    "TSMC",
    "Samsung",
    "Baidu",
    "Alibaba",
    "Tencent",
    "ByteDance",
    "Scale AI",
    "CoreWeave",
    "Salesforce",
    "Runway",
    "Aleph Alpha",
]
TAGS = [
    "cloud",
    "licensing",
    "funding",
    "models",
    "chips",
    "agents",
    "safety",
    "regulation",
    "open-source",
    "reasoning",
    "multimodal",
    "datacenter",
    "antitrust",
    "copyright",
    "talent",
    "enterprise",
    "consumer",
    "search",
    "coding",
    "robotics",
    "voice",
    "image",
    "video",
    "benchmark",
    "partnership",
    "ipo",
    "board",
    "compute",
    "energy",
    "europe",
]
WORDS = [
    "model",
    "launch",
    "deal",
    "cloud",
    "chips",
    "agent",
    "safety",
    "board",
    "investment",
    "partnership",
    "research",
    "data",
    "centre",
    "compute",
    "training",
    "release",
    "platform",
    "developer",
    "enterprise",
    "license",
    "revenue",
    "capacity",
    "talent",
    "policy",
    "court",
    "ruling",
    "frontier",
    "reasoning",
    "open",
    "weights",
    "benchmark",
    "inference",
]


def company_key(name: str) -> str:
    return name.replace(" ", "-").replace(".", "").lower()


def sentence(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


def make_store(n: int, seed: int = 2026) -> str:
    rng = random.Random(seed + n)
    lines = ["version: 1", "companies:"]
    for name in COMPANIES:
        lines.append(f"  - name: {name}")
        lines.append(f"    aliases: [{company_key(name).upper()}]")
    lines.append("events:")
    for index in range(n):
        year, month, day = rng.randint(2015, 2026), rng.randint(1, 12), rng.randint(1, 28)
        roll = rng.random()
        if roll < 0.65:
            date = f"{year}-{month:02d}-{day:02d}"
        elif roll < 0.85:
            date = f"{year}-{month:02d}" + rng.choice(["", "", "~"])
        elif roll < 0.95:
            date = f"{year}" + rng.choice(["", "~", "?"])
        else:
            date = f"{year}-{month:02d}-{day:02d}/{year}-{month:02d}-{min(28, day + rng.randint(1, 3)):02d}"
        companies = rng.sample(COMPANIES, rng.randint(1, 3))
        tags = rng.sample(TAGS, rng.randint(1, 4))
        title = sentence(rng, 6, 11)[:-1]
        lines += [
            f"  - id: event-{index:06d}",
            f"    date: {date}",
            f"    title: {title}",
            f"    companies: [{', '.join(companies)}]",
            f"    kind: {rng.choice(KINDS)}",
            f"    tags: [{', '.join(tags)}]",
            "    summary: >",
            f"      {sentence(rng, 10, 18)} {sentence(rng, 10, 18)}",
            "    sources:",
        ]
        for source in range(rng.randint(1, 2)):
            lines.append(
                f"      - url: https://news.example.org/{year}/{month:02d}/{company_key(companies[0])}-{index}-{source}"
            )
    return "\n".join(lines) + "\n"


HELLO = """
import typer
app = typer.Typer()
@app.command()
def main() -> None:
    print("hello")
app()
"""
PARSE = "import sys, yaml; yaml.load(open(sys.argv[1], encoding='utf-8').read(), Loader=yaml.CSafeLoader)"


@dataclass
class Result:
    name: str
    seconds: float
    peak_mb: float
    times: tuple[float, ...] = ()  # each run's seconds, in order (rows measured in turn pair up)


def run_once(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    with open(os.devnull, "wb") as sink:
        started = time.perf_counter()
        process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=sink, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"command failed: {' '.join(argv)}\n{error}")
    return elapsed, usage.ru_maxrss / 1024


def measure(name: str, argv: list[str], env: dict[str, str], cwd: Path, runs: int, before: object = None) -> Result:
    """Median of ``runs`` after a warm-up; ``before`` (a callable) runs before each, untimed."""
    times, peaks = [], []
    for attempt in range(runs + 1):
        if callable(before):
            before()
        os.sync()  # what the setup wrote goes to disk now, not while the timed run reads
        seconds, peak = run_once(argv, env, cwd)
        if attempt:
            times.append(seconds)
            peaks.append(peak)
    result = Result(name, statistics.median(times), max(peaks), tuple(times))
    print(f"  {name:<44} {result.seconds * 1000:9.1f} ms  {result.peak_mb:7.1f} MB", file=sys.stderr, flush=True)
    return result


def measure_interleaved(
    specs: list[tuple[str, list[str], object]], env: dict[str, str], cwd: Path, runs: int
) -> list[Result]:
    """Like ``measure`` for several commands whose figures are compared with each other: one run
    of each in turn, ``runs`` times (after a warm-up round), so that a slow spell of the machine
    falls on all of them instead of on whichever was being measured then."""
    times: dict[str, list[float]] = {name: [] for name, _, _ in specs}
    peaks: dict[str, list[float]] = {name: [] for name, _, _ in specs}
    for attempt in range(runs + 1):
        for name, argv, before in specs:
            if callable(before):
                before()
            os.sync()
            seconds, peak = run_once(argv, env, cwd)
            if attempt:
                times[name].append(seconds)
                peaks[name].append(peak)
    results = [
        Result(name, statistics.median(times[name]), max(peaks[name]), tuple(times[name])) for name, _, _ in specs
    ]
    for result in results:
        print(f"  {result.name:<44} {result.seconds * 1000:9.1f} ms  {result.peak_mb:7.1f} MB", file=sys.stderr)
    return results


def change_one_event(folder: Path, store: Path, env: dict[str, str]) -> Path:
    """A git repository whose last commit changed one event's title in ``store``."""
    folder.mkdir()
    git_env = dict(env, GIT_CONFIG_NOSYSTEM="1", GIT_AUTHOR_DATE="2026-11-19T12:00:00+00:00")
    git_env |= {"GIT_COMMITTER_DATE": "2026-11-19T12:00:00+00:00", "GIT_AUTHOR_NAME": "bench"}
    git_env |= {"GIT_AUTHOR_EMAIL": "bench@example.org", "GIT_COMMITTER_NAME": "bench"}
    git_env |= {"GIT_COMMITTER_EMAIL": "bench@example.org"}

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=folder, env=git_env, check=True, capture_output=True)

    text = store.read_text(encoding="utf-8")
    git("init", "-q")
    (folder / "events.yaml").write_text(text, encoding="utf-8")
    git("add", "events.yaml")
    git("commit", "-q", "-m", "the store")
    marker = "  - id: event-000001\n    date: "
    head, _, tail = text.partition(marker)
    date_line, _, rest = tail.partition("\n")
    title_line, _, rest = rest.partition("\n")
    changed = f"{head}{marker}{date_line}\n{title_line} (corrected)\n{rest}"
    (folder / "events.yaml").write_text(changed, encoding="utf-8")
    git("commit", "-q", "-am", "one event changed")
    return folder


def timeline_command() -> list[str]:
    script = Path(sys.executable).with_name("timeline")
    return [str(script)] if script.exists() else [sys.executable, "-m", "timeline"]


def make_import(rows: int, seed: int = 13) -> str:
    """A CSV of ``rows`` new events (date,title,companies,url) for the import rows."""
    rng = random.Random(seed)
    lines = ["date,title,companies,url"]
    for i in range(rows):
        day = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        title = f"Imported {i} {sentence(rng, 4, 8)}".replace(",", "")
        lines.append(f"{day},{title},{rng.choice(COMPANIES)},https://example.org/import/{i}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--out", type=Path, default=Path("bench/results/latest.txt"))
    parser.add_argument("--rows", default="list,export,changes,import", help="Which row groups to measure.")
    parser.add_argument(
        "--only-writes", action="store_true", help="Only HELLO, PARSE(n) and the add/edit/rm and folder-store rows."
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    groups = set(args.rows.split(","))
    tl = timeline_command()
    work = Path(tempfile.mkdtemp(prefix="timeline-bench-"))
    try:
        cache = work / "cache"
        env = dict(os.environ, XDG_CACHE_HOME=str(cache), TIMELINE_NOW="2026-11-26", COLUMNS="120")
        env.pop("TIMELINE_NO_CACHE", None)
        env.pop("TIMELINE_FILE", None)
        # Measure what users get: Python caches compiled bytecode (pip compiles installed
        # packages too). With PYTHONDONTWRITEBYTECODE, every run of an editable install would
        # recompile this package's sources (~18 ms) and the figures would mislead.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        (work / "empty").mkdir()
        hello = work / "hello.py"
        hello.write_text(HELLO)
        print(f"benchmark: {args.runs} runs each (median), python {sys.version.split()[0]}", file=sys.stderr)
        results: dict[str, Result] = {}

        def add(result: Result) -> None:
            results[result.name] = result

        def clear_cache() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        add(measure("HELLO", [sys.executable, str(hello)], env, work, args.runs))
        if not args.only_writes:
            add(measure("timeline --version", [*tl, "--version"], env, work, args.runs))
            add(
                measure(
                    "timeline list (shipped store, cold)", [*tl, "list"], env, work / "empty", args.runs, clear_cache
                )
            )
            add(measure("timeline list (shipped store, warm)", [*tl, "list"], env, work / "empty", args.runs))
        for n in sizes:
            store = work / f"events-{n}.yaml"
            store.write_text(make_store(n))
            add(measure(f"PARSE({n})", [sys.executable, "-c", PARSE, str(store)], env, work, args.runs))
            for result in write_rows(tl, store, n, env, work, args.runs):
                add(result)
            if args.only_writes:
                continue
            query = [*tl, "-f", str(store), "list", "-c", "Microsoft", "--since", "2025-06"]
            export = [*tl, "-f", str(store), "export", "--format", "markdown"]
            if "list" in groups:
                add(measure(f"list -c --since ({n}, cold)", query, env, work, args.runs, clear_cache))
                add(measure(f"list -c --since ({n}, warm)", query, env, work, args.runs))
            if "export" in groups:
                add(measure(f"export markdown ({n}, cold)", export, env, work, args.runs, clear_cache))
                add(measure(f"export markdown ({n}, warm)", export, env, work, args.runs))
            if "changes" in groups:
                repo = change_one_event(work / f"repo-{n}", store, env)
                changes = [*tl, "-f", str(repo / "events.yaml"), "changes", "HEAD~1"]

                def clear_revisions() -> None:  # the working tree stays cached; old sides do not
                    for entry in cache.glob("timeline/*.content"):
                        entry.unlink()

                add(measure(f"changes HEAD~1 ({n}, cold)", changes, env, work, args.runs, clear_cache))
                add(measure(f"changes HEAD~1 ({n}, tree warm)", changes, env, work, args.runs, clear_revisions))
                add(measure(f"changes HEAD~1 ({n}, warm)", changes, env, work, args.runs))
            if "import" in groups and n == 10000:  # issue 13: 3,000 rows into a 10,000-event store, dry run and real
                rows = work / "import-3000.csv"
                rows.write_text(make_import(3000))
                pristine = store.read_bytes()
                dry = [*tl, "-f", str(store), "import", str(rows), "--dry-run"]
                add(measure(f"import 3000 --dry-run ({n}, warm)", dry, env, work, args.runs))

                def restore(target: Path = store, data: bytes = pristine) -> None:
                    target.write_bytes(data)
                    subprocess.run([*tl, "-f", str(target), "list", "-n", "1"], env=env, capture_output=True)

                real = [*tl, "-f", str(store), "import", str(rows)]
                add(measure(f"import 3000 ({n}, warm)", real, env, work, args.runs, restore))

                def import_first(target: Path = store, source: Path = rows) -> None:
                    restore()
                    subprocess.run([*tl, "-f", str(target), "import", str(source)], env=env, capture_output=True)

                after_import = [*tl, "-f", str(store), "list", "-c", "Microsoft", "--since", "2025-06"]
                add(measure(f"list right after import ({n})", after_import, env, work, args.runs, import_first))
                restore()
        if 100_000 in sizes:
            if "PARSE(1000)" not in results:
                small = work / "events-1000.yaml"
                small.write_text(make_store(1000))
                add(measure("PARSE(1000)", [sys.executable, "-c", PARSE, str(small)], env, work, args.runs))
            for result in folder_rows(tl, work, env, args.runs):
                add(result)
        report = render(results, sizes, only_writes=args.only_writes)
        print(report)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report)
        print(f"(written to {args.out})", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def write_rows(tl: list[str], store: Path, n: int, env: dict[str, str], cwd: Path, runs: int) -> list[Result]:
    """add, edit --set and rm on an n-event store whose cache is warm (issue 12's targets), and
    the list right after an add. Before each timed run (untimed): the store is restored and a
    list makes its cache entry, as a user's previous command would have."""
    original = store.read_bytes()
    query = [*tl, "-f", str(store), "list", "-c", "Microsoft", "--since", "2025-06"]
    add_argv = [*tl, "-f", str(store), "add", "--date", "2026-06-01", "--title", "Bench add", "-c", "OpenAI"]
    add_argv += ["-k", "other", "--force"]
    edit_argv = [
        *tl,
        "-f",
        str(store),
        "edit",
        f"event-{n // 2:06d}",
        "--set",
        "title=Bench edit",
        "--add-tag",
        "bench",
    ]
    rm_argv = [*tl, "-f", str(store), "rm", f"event-{n // 2:06d}"]

    def warm() -> None:
        store.write_bytes(original)
        subprocess.run(query, env=env, cwd=cwd, stdout=subprocess.DEVNULL, check=True)

    def warm_then_add() -> None:
        warm()
        subprocess.run(add_argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)

    hello = cwd / "hello.py"
    # The targets are HELLO + 0.05 PARSE(n): both are measured in turn with the writes, so that
    # a slow spell of the machine (it drifts by 30% in an hour on a shared VM) moves the target
    # with the commands it judges.
    parse = [sys.executable, "-c", PARSE, str(store)]
    beside = [(f"PARSE({n}) (beside the writes)", parse, None)] if n >= 10_000 else []
    rows = measure_interleaved(
        [
            (f"HELLO (beside the writes, {n})", [sys.executable, str(hello)], None),
            *beside,
            (f"list -c --since ({n}, warm, before writes)", query, warm),
            (f"add ({n}, warm)", add_argv, warm),
            (f"list right after add ({n})", query, warm_then_add),
            # the same warm list again: how far two rows of identical work differ in this run
            (f"list -c --since ({n}, warm, again)", query, warm),
            (f"edit --set ({n}, warm)", edit_argv, warm),
            (f"rm ({n}, warm)", rm_argv, warm),
        ],
        env,
        cwd,
        runs,
    )
    store.write_bytes(original)
    return rows


def make_folder(folder: Path, files: int, per_file: int) -> None:
    """A folder store of ``files`` files; the first holds the companies, every file events."""
    text = make_store(files * per_file)
    head, _, body = text.partition("events:\n")
    items = body.split("\n  - id: ")
    items = [items[0].removeprefix("  - id: "), *items[1:]]
    folder.mkdir()
    for number in range(files):
        chunk = items[number * per_file : (number + 1) * per_file]
        events = "".join(f"  - id: {item.rstrip()}\n" for item in chunk)
        companies = head.partition("companies:\n")[2] if number == 0 else ""
        lines = f"version: 1\ncompanies:\n{companies}" if companies else "version: 1\ncompanies: []\n"
        (folder / f"part-{number:03d}.yaml").write_text(lines + "events:\n" + events)


def folder_rows(tl: list[str], work: Path, env: dict[str, str], runs: int) -> list[Result]:
    """The folder store of 100 files holding 100,000 events: warm, and after one file is edited
    by hand (an editor's save), when only that file should be read again."""
    folder = work / "folder-100x1000"
    make_folder(folder, 100, 1000)
    edited = folder / "part-050.yaml"
    original = edited.read_text()
    query = [*tl, "-f", str(folder), "list", "-c", "Microsoft", "--since", "2025-06"]
    counter = iter(range(1_000_000))

    def warm() -> None:
        edited.write_text(original)
        subprocess.run(query, env=env, cwd=work, stdout=subprocess.DEVNULL, check=True)

    def warm_then_edit() -> None:
        warm()
        edited.write_text(original.replace("  - id: event-050500\n", "  - id: event-050500\n    # edited\n", 1))
        # a different edit each time: a save that restores an older file must not look cached
        edited.write_text(edited.read_text() + f"# {next(counter)}\n")

    add_argv = [*tl, "-f", str(folder), "edit", "event-050500", "--set", "title=Bench folder edit"]
    rows = measure_interleaved(
        [
            ("HELLO (beside the folder)", [sys.executable, str(work / "hello.py")], None),
            ("list folder 100x1000 (warm)", query, warm),
            ("list folder 100x1000 (one file edited)", query, warm_then_edit),
            ("edit --set folder 100x1000 (warm)", add_argv, warm),
        ],
        env,
        work,
        runs,
    )
    edited.write_text(original)
    return rows


def write_checks(results: dict[str, Result], sizes: list[int]) -> list[str]:
    """Issue 12's targets: add within HELLO + 0.05 PARSE(n), the next list warm, the folder."""
    out = []

    def row(label: str, value: float, limit: float) -> None:
        out.append(
            f"| {label} <= {limit * 1000:.0f} ms | {value * 1000:.0f} ms | {'yes' if value <= limit else 'NO'} |"
        )

    for n in sizes:
        parse_s = results.get(f"PARSE({n}) (beside the writes)", results[f"PARSE({n})"]).seconds
        if n >= 10_000:
            beside = results[f"HELLO (beside the writes, {n})"].seconds  # measured in turn with them
            for what in ("add", "edit --set", "rm"):
                row(
                    f"{what} ({n}, warm) <= HELLO + 0.05 PARSE",
                    results[f"{what} ({n}, warm)"].seconds,
                    beside + 0.05 * parse_s,
                )
            before = results[f"list -c --since ({n}, warm, before writes)"]
            again = results[f"list -c --since ({n}, warm, again)"]
            after = results[f"list right after add ({n})"]
            # Judged round by round: each run of the list after an add against the two usual warm
            # lists of the same round (before it and after it), then the median of those ratios.
            # Medians of separate rows differ by 10% here even for identical work (the two warm
            # rows show by how much), which is the margin being judged.
            paired = [a / ((b + c) / 2) for a, b, c in zip(after.times, before.times, again.times, strict=True)]
            out.append(
                f"| list right after add ({n}) / the usual warm list, median of each round's ratio <= 1.10 "
                f"| {statistics.median(paired):.2f} (medians: {after.seconds * 1000:.0f} ms after the add; "
                f"{before.seconds * 1000:.0f} and {again.seconds * 1000:.0f} ms usual) "
                f"| {'yes' if statistics.median(paired) <= 1.1 else 'NO'} |"
            )
    if "list folder 100x1000 (one file edited)" in results:
        beside = results["HELLO (beside the folder)"].seconds
        limit = beside + 0.05 * results["PARSE(100000)"].seconds + 2 * results["PARSE(1000)"].seconds
        row("list folder after one file edited <= HELLO + 0.05 PARSE(100000) + 2 PARSE(1000)",
            results["list folder 100x1000 (one file edited)"].seconds, limit)  # fmt: skip
    return out


def render(results: dict[str, Result], sizes: list[int], *, only_writes: bool = False) -> str:
    hello = results["HELLO"].seconds
    rows = ["| command | median ms | x HELLO | x PARSE(n) | peak MB |", "|---|---:|---:|---:|---:|"]
    for name, result in results.items():
        n = next((s for s in sizes if f"({s}," in name or f"({s})" in name), None)
        parse = results.get(f"PARSE({n})")
        ratio = f"{result.seconds / parse.seconds:.2f}" if parse and not name.startswith("PARSE") else ""
        ms, x_hello = result.seconds * 1000, result.seconds / hello
        rows.append(f"| {name} | {ms:.1f} | {x_hello:.2f} | {ratio} | {result.peak_mb:.1f} |")
    checks = ["", "| target | measured | met |", "|---|---|---|"]
    checks += write_checks(results, sizes)
    if only_writes:
        return "\n".join(rows + checks) + "\n"

    def check(label: str, value: float, limit: float, unit: str = "") -> None:
        checks.append(f"| {label} <= {limit:.2f}{unit} | {value:.2f}{unit} | {'yes' if value <= limit else 'NO'} |")

    check("--version / HELLO", results["timeline --version"].seconds / hello, 1.1)
    check("list shipped (warm) / HELLO", results["timeline list (shipped store, warm)"].seconds / hello, 1.5)
    check("list shipped (cold) / HELLO", results["timeline list (shipped store, cold)"].seconds / hello, 1.5)
    for n in sizes:
        parse_s = results[f"PARSE({n})"].seconds
        for what in ("list -c --since", "export markdown"):
            if n >= 10_000 and f"{what} ({n}, cold)" in results:
                check(f"{what} ({n}, cold) / PARSE", results[f"{what} ({n}, cold)"].seconds / parse_s, 0.75)
                warm = results[f"{what} ({n}, warm)"].seconds
                limit = hello + 0.05 * parse_s
                checks.append(
                    f"| {what} ({n}, warm) <= HELLO + 0.05 PARSE = {limit * 1000:.0f} ms "
                    f"| {warm * 1000:.0f} ms | {'yes' if warm <= limit else 'NO'} |"
                )
        if n >= 10_000 and f"changes HEAD~1 ({n}, cold)" in results:
            check(f"changes HEAD~1 ({n}, cold) / PARSE", results[f"changes HEAD~1 ({n}, cold)"].seconds / parse_s, 2.0)
            limit = hello + 1.05 * parse_s
            for state in ("tree warm", "warm"):
                took = results[f"changes HEAD~1 ({n}, {state})"].seconds
                checks.append(
                    f"| changes HEAD~1 ({n}, {state}) <= HELLO + 1.05 PARSE = {limit * 1000:.0f} ms "
                    f"| {took * 1000:.0f} ms | {'yes' if took <= limit else 'NO'} |"
                )
        if n == 10_000 and "import 3000 (10000, warm)" in results:  # issue 13
            for what in ("import 3000 --dry-run (10000, warm)", "import 3000 (10000, warm)"):
                check(f"{what} / PARSE", results[what].seconds / parse_s, 1.5)
            # warm means served from the cache: like a warm list, scaled by the 13,000 events it now has
            after = results["list right after import (10000)"].seconds
            check(
                "list right after import / list -c --since (10000, warm)",
                after / results["list -c --since (10000, warm)"].seconds,
                1.5,
            )
        if n == 100_000 and f"list -c --since ({n}, cold)" in results:
            peak = max(
                results[f"{w} ({n}, {c})"].peak_mb
                for w in ("list -c --since", "export markdown")
                for c in ("cold", "warm")
            )
            check(f"peak memory ({n}) MB vs PARSE", peak, results[f"PARSE({n})"].peak_mb, " MB")
    return "\n".join(rows + checks) + "\n"


if __name__ == "__main__":
    main()
