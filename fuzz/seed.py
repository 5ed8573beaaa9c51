#!/usr/bin/env python3
"""Adds starting inputs to fuzz/corpus/<target>/ from the repository's examples and, when
present, the shared test data (../shared/data, ../shared/seeds, ../shared/corpus). Each
seed is cut to a few KiB at a line end (libFuzzer grows inputs from there); file names
are the content's SHA-1, as libFuzzer names its own, so running it twice adds nothing.

Run once to start a corpus, then fuzz and minimise (`cargo +nightly fuzz cmin TARGET`);
the committed corpora are the minimised result, not this script's raw output."""
import gzip, hashlib, json, pathlib, re

here = pathlib.Path(__file__).parent
repo = here.parent
shared = repo.parent / "shared"
MAX = 4096


def read(p):
    b = p.read_bytes()
    return gzip.decompress(b) if p.suffix == ".gz" else b


def cut(b, n=MAX):
    if len(b) <= n:
        return b
    i = b.rfind(b"\n", 0, n)
    return b[: i + 1] if i > 0 else b[:n]


def add(target, data):
    if not data:
        return
    d = here / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def files(base, pattern):
    return sorted(base.glob(pattern)) if base.exists() else []


data = shared / "data"
for p in files(repo / "examples", "*.toml"):
    add("case_file", cut(read(p), 16384))
for p in files(data / "usb/lsusb", "*.txt") + files(repo / "examples/devices", "*.lsusb-v.txt"):
    add("device_lsusb", cut(read(p)))
for p in files(data / "usb/raw", "*.bin") + files(repo / "examples/devices", "*.hex"):
    add("device_raw", read(p))
    add("device_hid", read(p))
for p in files(data / "usb/raw", "*usbguard-read-descriptor.txt"):
    add("device_usbguard", cut(read(p)))
for p in files(repo / "examples/devices", "*.json"):
    add("device_observation", read(p))
# A sysfs record: path \0 (name \0 value \0)*, records separated by 0xff.
add("device_sysfs", b"1-4\0idVendor\x000781\0idProduct\x005567\0bDeviceClass\x0000\0product\0Cruzer\0")
for p in files(shared / "seeds", "*.txt") + files(repo / "examples/docs", "*.txt") + files(shared / "corpus/dev/docs", "*"):
    if p.is_file():
        add("extract_claims", cut(read(p)))
        add("extract_clean", cut(read(p)))
patterns = set()
for p in files(data / "stix", "*/*.json"):
    b = read(p)
    if len(b) <= 16384:
        add("stix_import", b)
    for m in re.finditer(rb'"pattern"\s*:\s*"((?:[^"\\]|\\.)*)"', b):
        patterns.add(json.loads(b'"' + m.group(1) + b'"').encode())
for pat in sorted(patterns):
    add("intel_stix_pattern", pat)
for p in files(repo / "examples/telemetry", "*.csv"):
    add("telemetry_csv", cut(read(p)))
add("telemetry_csv", b"ts,src,dst,action,signature\n2024-03-04T00:00:00Z,10.0.0.1,10.0.0.2,deny,x\n1709510400,::1,10.0.0.3,allow,\"a,b\"\n")
for p in files(data / "telemetry/suricata/suricata-verify", "*.json") + files(repo / "examples/telemetry", "*.json.gz"):
    b = cut(read(p))
    add("telemetry_eve", b)
    add("telemetry_evescan", b)
for p in files(data / "telemetry/zeek/zeek-baselines", "*.log") + files(data / "telemetry/zeek/zed-sample-data", "*/*.gz"):
    add("telemetry_zeek", cut(read(p)))
