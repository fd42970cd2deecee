"""Checks that a grade run left complete, truthful, well-formed reports in DIR.

Usage: check_reports.py DIR STATUS PATTERN [FORBIDDEN...]
  STATUS     the results.json status the run must end with (pass, fail or error)
  PATTERN    text that must appear in results.json (the verdict's reason)
  FORBIDDEN  text that must appear in neither report.md nor junit.xml (a forged line, raw markup)
Exits 1 with the reason when a check fails.
"""
import json
import os
import sys
import xml.etree.ElementTree as ET

d, want, pattern, forbidden = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]


def fail(why):
    print(f"reports in {d}: {why}")
    sys.exit(1)


texts = {}
for name in ("results.json", "junit.xml", "report.md"):
    path = os.path.join(d, name)
    if not os.path.exists(path):
        fail(f"{name} is missing")
    with open(path, encoding="utf-8") as f:
        texts[name] = f.read()
try:
    doc = json.loads(texts["results.json"])
except ValueError as e:
    fail(f"results.json is not JSON: {e}")
try:
    ET.fromstring(texts["junit.xml"].encode("utf-8"))
except ET.ParseError as e:
    fail(f"junit.xml is not well-formed XML 1.0: {e}")
if doc.get("version") != 3 or doc.get("status") != want:
    fail(f"results.json status is {doc.get('status')!r}, want {want!r}")
if pattern not in texts["results.json"]:
    fail(f"results.json does not say {pattern!r}")
for t in doc.get("tests", []):
    if len(t.get("message", "")) > 8100 or len(t.get("output", "")) > 500:
        fail(f"{t['name']}: message or output not capped")
import re

# Inside a fenced block Markdown renders text as it is, so markup there is inert: look outside.
texts["report.md"] = re.sub(r"(?ms)^(`{3,})text\n.*?^\1$", "", texts["report.md"])
for name, text in texts.items():
    if name == "results.json":
        continue  # JSON carries text as data; markup there is inert
    for f in forbidden:
        if f in text:
            fail(f"{name} contains {f!r}")
print(f"reports in {d}: complete and well-formed, status {want}, says {pattern!r}")
