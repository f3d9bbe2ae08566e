"""`make bench-speed`: time the builds editors run, on three corpora, against the floor and Hugo.

Three corpora, generated afresh under bench/ (deterministic, seeded):

- weekly: BENCH_WEEKLY (default 600) single-file issues shaped like a real weekly
  (bench/weekly.py): 15-40 `##` sections each, long link lists, code spans;
- weekly in 10 languages: BENCH_LANGUAGES_WEEKLY (default 60) issues of the same shape, each
  translated into nine languages (bench/weekly.py's LANGUAGES, three of them in other scripts),
  as many pages as the monolingual weekly has, so that the cost per page is compared at one
  size (issue 19); its edits change one Spanish item, and the report says in which languages'
  folders each edit's build wrote files and in which their bytes changed (a build swaps
  output/ with .output.spare/, so it also writes, unchanged, what the build before it
  changed); a step of its own then edits one item of the original (English) text, which
  should change the main language's pages alone;
- synthetic: BENCH_SIZES (default 10000) items of bench/corpus.py's bulletin (tags, regions,
  briefs, round tables), also written as a Hugo site (and a Pelican one, with BENCH_PELICAN=1).

bulletin-gen runs through its command line with the default settings: the web and email
editions on. The PDF edition is a step of its own, on the weekly corpus (no peer makes PDFs):
a first build that makes every PDF, then one edited item with PDFs on, against that issue's own
PDF made by `bulletin pdf`. Every step runs BENCH_REPEATS times (default 3) and reports its
median and its worst, except the first PDF build (once: it makes every issue's PDF). Each run
is a fresh process; its peak memory is the largest ru_maxrss among the processes it started,
and it starts once the disk's pending writes are flushed. The floor (bench/floor.py) renders
the corpus's Markdown with markdown-it-py on every core and writes as many files of the sizes
the cold build wrote: the cold build is reported as a multiple of it.

The report (one table of the targets of issue 18, then each corpus's steps) goes to stdout and
to bench/RESULTS.md (BENCH_RESULTS to write elsewhere), followed by bench/profile.md.
BENCH_PDF=0 leaves the PDF steps out.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import corpus
import weekly

HERE = Path(__file__).parent.resolve()
ROOT = HERE.parent
BULLETIN = ROOT / ".venv" / "bin" / "bulletin"
PYTHON = ROOT / ".venv" / "bin" / "python"
PELICAN = HERE / ".venv" / "bin" / "pelican"
HUGO = HERE / ".venv" / "bin" / "hugo"
OURS = "bulletin-gen"
FLOOR = "floor"
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
OUTPUT_MARKER = ".bulletin-output"  # the file by which a build knows its output folder
STEP_NAMES = {
    "cold": "cold build",
    "nochange": "rebuild, nothing changed",
    "edit": "rebuild, one item edited",
    "edit-original": "rebuild, one original (main language) item edited",
    "add": "rebuild, one issue added",
    "edit-newest": "rebuild, one item of the newest issue edited",
    "pdf-all": "PDF edition on: first build, every PDF",
    "pdf-edit": "PDF edition on: one item edited",
    "pdf-own": "that issue's own PDF (`bulletin pdf`)",
}
# Runs a command and prints its exit code, wall time and the largest peak memory of the
# processes it started (RUSAGE_CHILDREN: the build and its workers, each counted alone).
MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
seconds = time.perf_counter() - started
print(code, seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


@dataclass(frozen=True)
class Run:
    seconds: float
    megabytes: float
    warnings: int = 0  # the build's warnings, which every rebuild says again


@dataclass
class Corpus:
    """A generated corpus: the tools that build it, and how to change it between builds."""

    name: str
    root: Path
    items: int
    commands: dict[str, tuple[list[str], Path]]  # tool: (command, folder it runs in)
    leftovers: tuple[str, ...]  # folders under root a cold build starts without
    edit: Callable[[int], None]
    add: Callable[[], None]
    pdf_issue: str | None = None  # the edited issue, when the PDF steps run on this corpus
    runs: dict[str, dict[str, list[Run]]] = field(default_factory=dict)  # step: tool: runs
    pages: int = 0  # the HTML pages of its cold build
    # Of a multilingual corpus: the language whose item the edits change, and the folders
    # (languages) of the files each edit's build wrote.
    edited_language: str | None = None
    edits_wrote: list[dict[str, int]] = field(default_factory=list)
    # step: for each of its builds, the files whose bytes changed, by language
    changed: dict[str, list[dict[str, int]]] = field(default_factory=dict)
    edit_original: Callable[[int], None] | None = None  # a multilingual corpus's original
    # An edit of the issue being written, as an editor makes most (run after "add").
    edit_newest: Callable[[int], None] | None = None

    def record(self, step: str, tool: str, run: Run) -> None:
        self.runs.setdefault(step, {}).setdefault(tool, []).append(run)
        print(f"  {tool:13} {STEP_NAMES.get(step, step):40} {run.seconds:7.2f} s "
              f"{run.megabytes:6.0f} MB", flush=True)


def measure(command: list[str], cwd: Path) -> Run:
    """One run of `command`; a failed run stops the benchmark with the command's errors."""
    os.sync()
    done = subprocess.run([sys.executable, "-c", MEASURE, *command], cwd=cwd,
                          capture_output=True, text=True, check=True)
    code, seconds, kilobytes = done.stdout.split()
    if code != "0":
        raise SystemExit(f"{' '.join(command)} failed in {cwd} (exit {code}):\n{done.stderr}")
    warned = sum(line.startswith("warning:") for line in done.stderr.splitlines())
    return Run(float(seconds), int(kilobytes) / 1024, warned)


def ours(site: Path, *extra: str) -> list[str]:
    return [str(BULLETIN), "build", str(site), "--quiet", *extra]


def weekly_corpus(count: int) -> Corpus:
    root = HERE / f"corpus-weekly-{count}"
    print(f"\n== weekly corpus: generating {count} issues in {root}", flush=True)
    issues = weekly.generate(root, count)
    site = root / "bulletin"
    return Corpus(
        f"weekly, {count} single-file issues", root, sum(len(i.sections) for i in issues),
        {OURS: (ours(site, "--no-pdf"), site)},
        ("bulletin/output", "bulletin/.bulletin-cache", "bulletin/.output.spare"),
        edit=lambda round_: weekly.edit_one(root, issues, round_),
        add=lambda: weekly.add_issue(root, issues),
        pdf_issue=weekly.edited(issues).slug,
        edit_newest=lambda round_: weekly.edit_newest(root, issues, round_))


def multilingual_corpus(count: int) -> Corpus:
    root = HERE / f"corpus-weekly-{count}-in-10-languages"
    print(f"\n== weekly corpus in 10 languages: generating {count} issues in {root}", flush=True)
    issues = weekly.generate(root, count, weekly.LANGUAGES)
    site = root / "bulletin"
    return Corpus(
        f"weekly, {count} single-file issues in 10 languages", root,
        sum(len(i.sections) for i in issues) * (1 + len(weekly.LANGUAGES)),
        {OURS: (ours(site, "--no-pdf"), site)},
        ("bulletin/output", "bulletin/.bulletin-cache", "bulletin/.output.spare"),
        edit=lambda round_: weekly.edit_translation(root, issues, "es", round_),
        add=lambda: weekly.add_issue(root, issues), edited_language="es",
        edit_original=lambda round_: weekly.edit_one(root, issues, round_))


def synthetic_corpus(n: int) -> Corpus:
    root = HERE / f"corpus-{n}"
    print(f"\n== synthetic corpus: generating {n} items in {root}", flush=True)
    issues = corpus.generate(root, n)
    commands = {OURS: (ours(root / "bulletin", "--no-pdf"), root / "bulletin")}
    if HUGO.exists():
        commands["Hugo"] = ([str(HUGO), "--quiet", "--source", str(root / "hugo")], root / "hugo")
    if PELICAN.exists() and os.environ.get("BENCH_PELICAN"):
        commands["Pelican"] = ([str(PELICAN), "content", "-s", "pelicanconf.py", "-o", "output",
                                "-q"], root / "pelican")
    return Corpus(
        f"synthetic, {n} items", root, n, commands,
        ("bulletin/output", "bulletin/.bulletin-cache", "bulletin/.output.spare",
         "pelican/output", "pelican/cache", "hugo/public", "hugo/resources"),
        edit=lambda round_: corpus.edit_one(root, issues, round_),
        add=lambda: corpus.add_issue(root, issues))


def forget(bench: Corpus) -> None:
    """Remove every output and cache, for a cold build."""
    for leftover in bench.leftovers:
        shutil.rmtree(bench.root / leftover, ignore_errors=True)


def output_manifest(output: Path) -> list[tuple[str, int]]:
    """Every file of a build's output, with its size: what the floor writes."""
    return [(str(path.relative_to(output)), path.stat().st_size)
            for path in sorted(output.rglob("*")) if path.is_file()]


def run_floor(bench: Corpus) -> None:
    site = bench.commands[OURS][1]
    manifest = bench.root / "floor-manifest.json"
    manifest.write_text(json.dumps(output_manifest(site / "output")), encoding="utf-8")
    scratch = bench.root / "floor-output"
    for _ in range(REPEATS):
        shutil.rmtree(scratch, ignore_errors=True)
        bench.record("cold", FLOOR, measure(
            [str(PYTHON), str(HERE / "floor.py"), str(site), str(manifest), str(scratch)],
            bench.root))
    shutil.rmtree(scratch, ignore_errors=True)


def run_steps(bench: Corpus) -> None:
    """Cold builds, then rebuilds with nothing changed, after an edit, after a new issue."""
    # The corpus at rest, as an archive is: a file saved within the file system's clock tick
    # before a build may be read again by the next one, and an edit should measure an edit.
    time.sleep(2.5)
    output = bench.commands[OURS][1] / "output"
    steps = ("cold", "nochange", "edit", *(("edit-original",) if bench.edit_original else ()),
             "add", *(("edit-newest",) if bench.edit_newest else ()))
    for step in steps:
        for round_ in range(REPEATS):
            if step == "cold":
                forget(bench)
            elif step == "edit":
                bench.edit(round_)
            elif step == "edit-original" and bench.edit_original:
                bench.edit_original(round_)
            elif step == "add":
                bench.add()
            elif step == "edit-newest" and bench.edit_newest:
                bench.edit_newest(round_)
            counted = bench.edited_language and step.startswith("edit")
            before = checksums(output) if counted else {}
            started = time.time()
            for tool, (command, folder) in bench.commands.items():
                bench.record(step, tool, measure(command, folder))
            if step == "edit" and bench.edited_language:
                bench.edits_wrote.append(written_since(output, started))
            if counted:
                bench.changed.setdefault(step, []).append(changed(before, checksums(output)))
        if step == "cold":
            bench.pages = sum(1 for _ in output.rglob("*.html"))
            run_floor(bench)


def written_since(output: Path, started: float) -> dict[str, int]:
    """How many files of `output` were written after `started`, by language (`by_language`);
    not the marker every build writes (`.bulletin-output`)."""
    return by_language(str(path.relative_to(output)) for path in output.rglob("*")
                       if path.name != OUTPUT_MARKER and path.is_file()
                       and path.stat().st_mtime >= started)


def checksums(output: Path) -> dict[str, int]:
    """Every file of `output` (not the build's marker) with a checksum of its bytes."""
    return {str(path.relative_to(output)): zlib.crc32(path.read_bytes())
            for path in output.rglob("*") if path.name != OUTPUT_MARKER and path.is_file()}


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """How many files are new or changed between two checksums of an output, by language."""
    return by_language(name for name, checksum in after.items() if before.get(name) != checksum)


def by_language(names: Iterable[str]) -> dict[str, int]:
    """How many of the output's files `names` are in each language's folder ('' for the main
    language's, at the root)."""
    counts: dict[str, int] = {}
    for name in names:
        first = name.split("/", 1)[0]
        language = first if first in weekly.LANGUAGES else ""
        counts[language] = counts.get(language, 0) + 1
    return counts


def run_pdf_steps(bench: Corpus, issue: str) -> None:
    """The PDF edition on: every PDF once, then edits, then the edited issue's PDF alone."""
    site = bench.commands[OURS][1]
    bench.record("pdf-all", OURS, measure(ours(site), site))
    for round_ in range(REPEATS):
        bench.edit(100 + round_)
        bench.record("pdf-edit", OURS, measure(ours(site), site))
    target = bench.root / f"{issue}.pdf"
    for _ in range(REPEATS):
        bench.record("pdf-own", OURS, measure(
            [str(BULLETIN), "pdf", issue, str(site), "-o", str(target)], site))


# --- the report ---------------------------------------------------------------------------

def median(runs: list[Run]) -> float:
    return statistics.median(run.seconds for run in runs)


def worst(runs: list[Run]) -> float:
    return max(run.seconds for run in runs)


def peak(runs: list[Run]) -> float:
    return max(run.megabytes for run in runs)


def figure(runs: list[Run]) -> str:
    return f"{median(runs):.2f} s ({worst(runs):.2f} s)"


@dataclass(frozen=True)
class Target:
    text: str  # the target, as issue 18 words it
    measured: str
    ratio: str
    met: bool | None  # None: reported, no target


def weekly_targets(bench: Corpus) -> list[Target]:
    steps = bench.runs
    edit, nochange = steps["edit"][OURS], steps["nochange"][OURS]
    targets = [
        Target("weekly: one edited item, email edition on: under 0.5 s", figure(edit),
               f"{worst(edit) / 0.5:.2f}x the limit (worst)", worst(edit) < 0.5),
        *([Target("weekly: one edited item of the newest issue (the one being written): "
                  "under 0.5 s", figure(steps["edit-newest"][OURS]),
                  f"{worst(steps['edit-newest'][OURS]) / 0.5:.2f}x the limit (worst)",
                  worst(steps["edit-newest"][OURS]) < 0.5)] if "edit-newest" in steps else []),
        Target("weekly: nothing changed: under 0.3 s", figure(nochange),
               f"{worst(nochange) / 0.3:.2f}x the limit (worst)", worst(nochange) < 0.3)]
    if "pdf-edit" in steps:
        with_pdf, own = steps["pdf-edit"][OURS], steps["pdf-own"][OURS]
        budget = median(own) + 0.5
        targets.append(Target(
            "weekly: one edited item, PDF edition on: at most the issue's own PDF + 0.5 s",
            f"{figure(with_pdf)}; own PDF {figure(own)}",
            f"{worst(with_pdf) / budget:.2f}x the limit of {budget:.2f} s (worst)",
            worst(with_pdf) <= budget))
    return [*targets, cold_against_floor(bench)]


def language_targets(bench: Corpus, monolingual: Corpus | None) -> list[Target]:
    """Issue 19's: the cost per page with nine translations, and what editing one writes."""
    cold, edit = bench.runs["cold"][OURS], bench.runs["edit"][OURS]
    targets = [cold_against_floor(bench)]
    if monolingual and monolingual.pages and bench.pages:
        ours_per_page = median(cold) / bench.pages * 1000
        theirs = median(monolingual.runs["cold"][OURS]) / monolingual.pages * 1000
        targets.append(Target(
            "10 languages: cold build time per page at most 1.2x the monolingual weekly's "
            "(issue 19)", f"{ours_per_page:.2f} ms a page ({bench.pages} pages) against "
            f"{theirs:.2f} ms ({monolingual.pages} pages)",
            f"{ours_per_page / theirs:.2f}x (medians)", ours_per_page / theirs <= 1.2))
    most: dict[str, int] = {}  # the most files an edit wrote, by language
    for wrote in bench.edits_wrote:
        for language, files in wrote.items():
            most[language or "main"] = max(most.get(language or "main", 0), files)
    targets.append(Target(
        f"10 languages: one translated item ({bench.edited_language}) edited rebuilds only "
        "that language's pages (issue 19)", figure(edit),
        "files written, at most, under: "
        + ", ".join(f"{language} ({files})" for language, files in sorted(most.items())),
        sorted(most) == [bench.edited_language]))
    for step, language in (("edit", bench.edited_language or ""), ("edit-original", "")):
        if step in bench.changed:
            targets.append(changed_only(bench, step, language))
    memory = max(peak(tools[OURS]) for tools in bench.runs.values() if OURS in tools)
    targets.append(Target(f"{bench.name}: peak memory (no target)", f"{memory:.0f} MB", "-",
                          None))
    return targets


def changed_only(bench: Corpus, step: str, language: str) -> Target:
    """Whether each build of `step` changed the bytes of `language`'s files alone."""
    rounds = bench.changed[step]
    name = language or "main"
    only = all(set(counts) <= {language} for counts in rounds)
    return Target(
        f"10 languages: {STEP_NAMES[step]} ({name}): files whose bytes changed",
        f"{figure(bench.runs[step][OURS])}; " + "; ".join(
            ", ".join(f"{code or 'main'} {files}" for code, files in sorted(counts.items()))
            for counts in rounds),
        f"{'only' if only else 'not only'} under {name}", only)


def cold_against_floor(bench: Corpus) -> Target:
    cold, floor = bench.runs["cold"][OURS], bench.runs["cold"][FLOOR]
    return Target(f"{bench.name}: cold build against the floor (no target)",
                  f"{figure(cold)}; floor {figure(floor)}",
                  f"{median(cold) / median(floor):.1f}x the floor", None)


def synthetic_targets(bench: Corpus) -> list[Target]:
    steps = bench.runs
    targets = [cold_against_floor(bench)]
    if "Hugo" in bench.commands:
        # "In every run": each of our runs against Hugo's run of the same round.
        edit = [hugo.seconds / mine.seconds
                for mine, hugo in zip(steps["edit"][OURS], steps["edit"]["Hugo"], strict=True)]
        targets.append(Target(f"{bench.name}: one edited item at least 5x faster than Hugo, "
                              "in every run", figure(steps["edit"][OURS]),
                              f"{min(edit):.1f}x Hugo at worst "
                              f"({', '.join(f'{ratio:.1f}' for ratio in edit)})",
                              min(edit) >= 5))
        nochange = median(steps["nochange"]["Hugo"]) / median(steps["nochange"][OURS])
        targets.append(Target(f"{bench.name}: nothing changed at least 20x faster than Hugo",
                              figure(steps["nochange"][OURS]), f"{nochange:.1f}x Hugo (medians)",
                              nochange >= 20))
        cold = median(steps["cold"]["Hugo"]) / median(steps["cold"][OURS])
        targets.append(Target(f"{bench.name}: cold build against Hugo (target withdrawn)",
                              figure(steps["cold"][OURS]), f"{cold:.2f}x Hugo's speed", None))
    memory = max(peak(tools[OURS]) for tools in steps.values() if OURS in tools)
    targets.append(Target(f"{bench.name}: peak memory under 200 MB", f"{memory:.0f} MB",
                          f"{memory / 200:.2f}x the limit", memory < 200))
    return targets


def target_table(targets: list[Target]) -> list[str]:
    marks = {True: "met", False: "**not met**", None: "-"}
    return ["| target | measured: median (worst) | as a ratio | |",
            "|---|---|---|---|",
            *(f"| {t.text} | {t.measured} | {t.ratio} | {marks[t.met]} |" for t in targets)]


def step_table(bench: Corpus) -> list[str]:
    tools = [tool for tool in (OURS, "Hugo", "Pelican", FLOOR)
             if any(tool in runs for runs in bench.runs.values())]
    peers = [tool for tool in tools if tool not in (OURS, FLOOR)]
    columns = ["step", *tools, *(f"{peer} / ours" for peer in peers)]
    lines = [f"| {' | '.join(columns)} |", "|" + "---|" * len(columns)]
    for step, runs in bench.runs.items():
        cells = [f"{figure(runs[tool])} [{', '.join(f'{r.seconds:.2f}' for r in runs[tool])}]"
                 f", {peak(runs[tool]):.0f} MB" if tool in runs else "" for tool in tools]
        ratios = [f"{median(runs[p]) / median(runs[OURS]):.1f}x" if p in runs else ""
                  for p in peers]
        lines.append(f"| {STEP_NAMES[step]} | {' | '.join(cells + ratios)} |")
    return lines


def pdf_steps() -> bool:
    """Whether the PDF steps run (BENCH_PDF=0 leaves them out)."""
    return os.environ.get("BENCH_PDF", "1") != "0"


def report(benches: list[Corpus], load: float) -> str:
    measured = [bench for bench in benches if bench.runs]
    monolingual = next((bench for bench in measured if bench.pdf_issue), None)
    targets = [target for bench in measured for target in (
        weekly_targets(bench) if bench.pdf_issue
        else language_targets(bench, monolingual) if bench.edited_language
        else synthetic_targets(bench))]
    lines = [
        "# Build speed: what editors run", "",
        f"Measured by `make bench` on {dt.datetime.now(dt.UTC):%Y-%m-%d}: "
        f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average before the run {load:.1f}. bulletin-gen builds with its default settings"
        " (web and email editions on; the PDF edition in steps of their own"
        f"{', left out of this run (BENCH_PDF=0)' if not pdf_steps() else ''}). Every step runs "
        f"{REPEATS} times; each figure is the median, the worst run in brackets, each run's "
        "seconds in square brackets, and the largest peak memory of one process. Other work "
        "shared the machine: ratios measured in the same run count more than seconds. "
        "A target is judged on the worst run where the issue says 'every run' or names a limit"
        " in seconds, on the medians otherwise. bench/run.py's docstring says how each step "
        "is made.", "",
        "## Targets", "", *target_table(targets), ""]
    for bench in measured:
        lines += [f"## The {bench.name} corpus ({bench.items} items)", ""]
        warned = max(run.warnings for tools in bench.runs.values() for run in tools.get(OURS, []))
        if warned:
            lines += [f"Its builds printed up to {warned} warnings (emails over the 100 KB at "
                      "which Gmail clips them, most likely), which every rebuild must say again.",
                      ""]
        lines += [*step_table(bench), ""]
    notes = HERE / "profile.md"  # where the time goes, written by hand
    if notes.is_file():
        lines += [notes.read_text("utf-8")]
    return "\n".join(lines)


def main() -> None:
    load = os.getloadavg()[0]
    # BENCH_WEEKLY=0 or BENCH_SIZES= (empty) leaves that corpus out, for a quick try.
    count = int(os.environ.get("BENCH_WEEKLY", "600"))
    benches = [weekly_corpus(count)] if count else []
    # As many issues in 10 languages as make about as many pages as the monolingual weekly,
    # so that the cost per page is compared at one size.
    translated = int(os.environ.get("BENCH_LANGUAGES_WEEKLY", "60"))
    benches += [multilingual_corpus(translated)] if translated else []
    benches += [synthetic_corpus(int(n))
                for n in os.environ.get("BENCH_SIZES", "10000").split(",") if n]
    # The results are written after each part, the PDF steps (the longest) last, so that a
    # run stopped early still leaves the figures it has.
    for bench in benches:
        run_steps(bench)
        write_results(benches, load)
    for bench in benches:
        if bench.pdf_issue and pdf_steps():
            run_pdf_steps(bench, bench.pdf_issue)
            write_results(benches, load)
    print("\n" + report(benches, load))


def write_results(benches: list[Corpus], load: float) -> None:
    destination = Path(os.environ.get("BENCH_RESULTS", HERE / "RESULTS.md"))
    destination.write_text(report(benches, load), encoding="utf-8")
    (HERE / "results.json").write_text(json.dumps(
        {bench.name: {step: {tool: [vars(run) for run in runs] for tool, runs in tools.items()}
                      for step, tools in bench.runs.items()} for bench in benches},
        indent=1), encoding="utf-8")
    print(f"Wrote {destination}", flush=True)


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"Benchmark took {time.perf_counter() - started:.0f} s")
