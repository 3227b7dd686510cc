"""Watermarking cost against a plain pikepdf open+save of the same file (goal: at most 2x).

Peak memory is the process's peak resident size during each run (VmHWM, reset before each run
through /proc/self/clear_refs), which includes qpdf's C++ heap that tracemalloc cannot see.
"""

from __future__ import annotations

import io
import statistics
import time
from pathlib import Path

import pikepdf
from tests.lib.pdf_factory import A4_LANDSCAPE, make_pdf

from terpadu.lib.watermark import watermark_pdf

TEXT = "Diunduh dari PST BPS Kabupaten Majene oleh José Muñoz (jose@example.com) pada 12-03-2025 14:05 WITA"
ROUNDS = 5


def _book(pages: int) -> bytes:
    specs = []
    for i in range(pages):
        spec = {
            "text": [f"Tabel {i + 1}. Penduduk menurut kecamatan dan jenis kelamin, 2024"],
            "table": (30, 6),
        }
        if i % 25 == 24:
            spec["size"] = A4_LANDSCAPE
        specs.append(spec)
    return make_pdf(specs)


def _plain(data: bytes) -> None:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(io.BytesIO())


def _stamp(data: bytes) -> None:
    watermark_pdf(data, io.BytesIO(), text=TEXT, code="K7Q2-9XJA", metadata={"unit": "7601"})


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _measure(fn, data: bytes) -> tuple[float, float]:
    fn(data)  # warm-up: imports, font loading
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        fn(data)
        times.append(time.perf_counter() - start)
    _reset_peak()
    fn(data)
    return statistics.median(times), _peak_mb()


def main() -> None:
    header = ("pages", "size KB", "plain ms", "stamp ms", "ratio", "plain MB", "stamp MB")
    print(" ".join(f"{h:>9}" for h in header))
    for pages in (20, 300):
        data = _book(pages)
        plain_s, plain_mb = _measure(_plain, data)
        stamp_s, stamp_mb = _measure(_stamp, data)
        print(
            f"{pages:>9} {len(data) / 1024:>9.0f} {plain_s * 1000:>9.1f} {stamp_s * 1000:>9.1f} "
            f"{stamp_s / plain_s:>9.2f} {plain_mb:>9.1f} {stamp_mb:>9.1f}"
        )
    print("(median of 5 runs; MB = peak resident set of the process during one run)")


if __name__ == "__main__":
    main()
