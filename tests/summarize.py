#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Prints the plain closing line CI reads: "N passed, N failed, N skipped".

Counts the individual TAP results of each GTest binary (ok / not ok / # SKIP) from meson's
testlog.json; a test that printed no TAP (a crash before any result, a plain exit-code test)
counts once by its meson result."""
import json
import re
import sys

TAP = re.compile(r"^(not ok|ok)\b(.*)$")

passed = failed = skipped = 0
with open(sys.argv[1], encoding="utf-8") as log:
    for line in log:
        test = json.loads(line)
        results = [TAP.match(l) for l in (test.get("stdout") or "").splitlines()]
        results = [m for m in results if m]
        if results:
            for m in results:
                if "# SKIP" in m.group(2).upper():
                    skipped += 1
                elif m.group(1) == "ok":
                    passed += 1
                else:
                    failed += 1
        if test["result"] in ("OK", "EXPECTEDFAIL") and not results:
            passed += 1
        elif test["result"] == "SKIP" and not results:
            skipped += 1
        elif test["result"] not in ("OK", "EXPECTEDFAIL", "SKIP") and not any(
            m.group(1) == "not ok" for m in results
        ):
            # It died or timed out after its last TAP line: that is a failure too.
            failed += 1

print(f"{passed} passed, {failed} failed, {skipped} skipped")
