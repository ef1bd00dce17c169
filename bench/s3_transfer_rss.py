#!/usr/bin/env python3
"""Copies a large file through Airlock to S3 (moto) and back with the AWS CLI's default path over TLS
(multipart, aws-chunked with a CRC32 trailer), checks the bytes, and measures the gateway's RSS.

Usage: bash bench/s3-transfer-rss.sh [SIZE_MB]   (default 1024). Loopback only; bounded by the file size.
"""
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DLL = os.path.join(ROOT, "src", "Airlock", "bin", "Release", "net10.0", "airlock.dll")
SIZE_MB = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
PYTHON = os.environ.get("AIRLOCK_PYTHON", sys.executable)


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(8 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main():
    work = tempfile.mkdtemp(prefix="airlock-bench-")
    port = 18000 + os.getpid() % 1000
    demo = subprocess.Popen(["dotnet", DLL, "demo", "--tls", "--port", str(port), "--data-dir", os.path.join(work, "demo"), "--python", PYTHON],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=work)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(HOME=work, AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE=os.path.join(work, "none"),
               AWS_SHARED_CREDENTIALS_FILE=os.path.join(work, "none"))
    deadline = time.time() + 60
    for line in demo.stdout:
        m = re.match(r"\s*export (\w+)=(.*)", line)
        if m:
            env[m.group(1)] = m.group(2).strip()
        if line.strip() == "aws s3 ls" or time.time() > deadline:
            break
    threading.Thread(target=lambda: [None for _ in demo.stdout], daemon=True).start()
    if "AWS_CA_BUNDLE" not in env:
        demo.kill()
        sys.exit("airlock demo did not print its lines")

    def cli(*args):
        started = time.time()
        quiet = ["--only-show-errors"] if args[1] == "cp" else []
        subprocess.run([PYTHON, "-m", "awscli", *args, *quiet], env=env, check=True)
        return time.time() - started

    samples = []
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            samples.append(rss_mb(demo.pid))
            time.sleep(0.1)

    try:
        cli("s3", "mb", "s3://bench")
        small = os.path.join(work, "warm.bin")
        with open(small, "wb") as f:
            f.write(os.urandom(16 << 20))
        cli("s3", "cp", small, "s3://bench/warm.bin")
        cli("s3", "cp", "s3://bench/warm.bin", small + ".back")
        baseline = rss_mb(demo.pid)

        source = os.path.join(work, "big.bin")
        with open(source, "wb") as f:
            for _ in range(SIZE_MB // 8):
                f.write(os.urandom(8 << 20))
        threading.Thread(target=sample, daemon=True).start()
        up = cli("s3", "cp", source, "s3://bench/big.bin")
        down = cli("s3", "cp", "s3://bench/big.bin", source + ".back")
        stop.set()
        same = sha256(source) == sha256(source + ".back")
        peak = max(samples) if samples else 0.0
        growth = peak - baseline
        print(f"size_mb={SIZE_MB} upload_s={up:.1f} upload_MBps={SIZE_MB / up:.1f} download_s={down:.1f} download_MBps={SIZE_MB / down:.1f} "
              f"rss_baseline_mb={baseline:.1f} rss_peak_mb={peak:.1f} rss_growth_mb={growth:.1f} bytes_identical={same}")
        sys.exit(0 if same and growth < 100 else 1)
    finally:
        stop.set()
        demo.kill()
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
