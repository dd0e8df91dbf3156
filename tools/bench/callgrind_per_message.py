#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Per-message cost of a callgrind profile of notifyd: instructions and heap allocations.

Usage: callgrind_per_message.py CALLGRIND_OUT MESSAGES

Instructions are the profile's total (instrument only while the bench runs: start notifyd under
valgrind with --instr-atstart=no, then `callgrind_control -i on PID` before the bench and
`callgrind_control -i off PID` after it). Allocations are the calls made to malloc, calloc and
realloc (operator new ends in malloc, so it is not counted again), summed from the calls= lines
of the profile, so no second tool is needed.
"""
import re
import sys

ALLOCATORS = re.compile(r"^(malloc|calloc|realloc)$")


def main(path, messages):
    names = {}  # callgrind compresses repeated names to "(id)"
    total = 0
    allocations = 0
    callee = None
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                total = max(total, int(line.split()[1]))
            elif line.startswith("cfn="):
                m = re.match(r"cfn=\((\d+)\)(?: (.*))?", line.strip())
                if m:
                    if m.group(2):
                        names[m.group(1)] = m.group(2)
                    callee = names.get(m.group(1), "")
                else:
                    callee = line.strip()[4:]
            elif line.startswith("fn=") :
                m = re.match(r"fn=\((\d+)\)(?: (.*))?", line.strip())
                if m and m.group(2):
                    names[m.group(1)] = m.group(2)
            elif line.startswith("calls=") and callee is not None:
                if ALLOCATORS.match(callee.split("'")[0]):
                    allocations += int(line.split("=")[1].split()[0])
                callee = None
    print(f"instructions: {total} ({total / messages:,.0f} per message)")
    print(f"allocations:  {allocations} ({allocations / messages:,.1f} per message)")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]))
