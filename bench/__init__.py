"""Benchmarks: each module measures one cost against a baseline taken in the same run."""
from __future__ import annotations

import argparse

Timing = tuple[float, float]  # (CPU seconds, wall seconds)


def print_small_large(first: dict[str, Timing], second: dict[str, Timing], width: int) -> None:
    """One table of reads measured at a small and a large size: CPU and wall time, and their ratios."""
    head = (f"{'read':<{width}}{'CPU small':>11}{'CPU large':>11}{'ratio':>8}"
            f"{'wall small':>12}{'wall large':>12}{'ratio':>8}")
    print(head + "\n" + "-" * len(head))
    for key, (cpu_small, wall_small) in first.items():
        cpu_large, wall_large = second[key]
        print(f"{key:<{width}}{cpu_small * 1000:>9.2f}ms{cpu_large * 1000:>9.2f}ms{cpu_large / cpu_small:>7.2f}×"
              f"{wall_small * 1000:>10.2f}ms{wall_large * 1000:>10.2f}ms{wall_large / wall_small:>7.2f}×")
    print("CPU: this Python process (SQLite's work included; PostgreSQL's server CPU not). Wall: includes "
          "waiting for a busy machine.")


def print_answers(first: dict[str, Timing], second: dict[str, Timing], rows_small: dict[str, int],
                  rows_large: dict[str, int], width: int) -> None:
    """The reads whose answer is counted: rows found at each size and the CPU per row found, which tells
    an index's growing cost from an answer that grows with the registry."""
    head = (f"{'read (rows found)':<{width}}{'rows small':>11}{'rows large':>11}"
            f"{'CPU/row small':>15}{'CPU/row large':>15}")
    print(head + "\n" + "-" * len(head))
    for key, small in rows_small.items():
        large = rows_large[key]
        print(f"{key:<{width}}{small:>11}{large:>11}{first[key][0] * 1000 / max(small, 1):>13.3f}ms"
              f"{second[key][0] * 1000 / max(large, 1):>13.3f}ms")


def sizes_parser(prog: str, doc: str | None) -> argparse.ArgumentParser:
    """The arguments of the benches that compare a small and a large registry on both databases."""
    parser = argparse.ArgumentParser(prog=prog, description=(doc or "").splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    return parser
