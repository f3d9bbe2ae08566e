"""Publishing's cost: the bench corpus published to an S3 API served on this machine (moto),
first whole, then again after one edited item: objects sent and seconds.

BENCH_SIZES (default 1000,10000) sets the corpus sizes. Prints a Markdown table. The store is
local, so the seconds are this machine's work (hashing, listing, requests), not a network's.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import boto3  # noqa: E402
from corpus import edit_one, generate  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402

from bulletin_gen.build import BuildOptions, build  # noqa: E402
from bulletin_gen.publish import publish_site  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def measure(size: int, endpoint: str) -> str:
    root = HERE / f"corpus-publish-{size}"
    issues = generate(root, size)
    site = root / "bulletin"
    config = site / "bulletin.yaml"
    config.write_text(config.read_text("utf-8") + "publish:\n  bench: {type: s3, bucket: "
                      f"bench-{size}, endpoint_url: '{endpoint}'}}\n", "utf-8")
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=f"bench-{size}")
    build(site, BuildOptions())
    rows = []
    for step in ("first publish", "after one edit"):
        if step == "after one edit":
            time.sleep(2.5)
            edit_one(root, issues)
            build(site, BuildOptions())
        started = time.perf_counter()
        summary = publish_site(site, say=lambda line: None)
        rows.append(f"| {size} | {step} | {summary} | {time.perf_counter() - started:.2f} s |")
    return "\n".join(rows)


def main() -> None:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        print("| items | step | what was sent | seconds |\n|---|---|---|---|")
        for size in (int(n) for n in os.environ.get("BENCH_SIZES", "1000,10000").split(",")):
            print(measure(size, f"http://127.0.0.1:{port}"), flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
