#!/usr/bin/env python3
"""A command scorer for the tests: behaves as its first argument says."""
import json, os, signal, sys, time

mode = sys.argv[1]
request = json.load(sys.stdin)
if mode == "total":
    got = (request["output"] or {}).get("total")
    want = request["expected"]["expected_total"]
    ok = got == want
    print("checking...")  # chatter before the answer line is allowed
    print(json.dumps({"pass": ok, "score": 1.0 if ok else 0.25,
                      "reason": f"total {got} vs {want}"}))
# The hangs outlast ctest's 1500 s timeout: a scorer run that is not cut fails the test by it.
elif mode == "hang":
    time.sleep(3600)
elif mode == "hang_child":  # the child keeps stdout open; the whole group must die
    if os.fork() == 0:
        time.sleep(3600)
    time.sleep(3600)
elif mode == "crash":
    os.kill(os.getpid(), signal.SIGSEGV)
elif mode == "exit":
    sys.stderr.write("Traceback: KeyError 'total'\n")
    sys.exit(3)
elif mode == "garbage":
    print("yes, looks good")
elif mode == "no_pass":
    print(json.dumps({"score": 1}))
elif mode == "environment":  # names the TASKCOST_TEST_* variables it was given
    names = sorted(n for n in os.environ if n.startswith("TASKCOST_TEST_"))
    print(json.dumps({"pass": True, "reason": ",".join(names)}))
elif mode == "bad_score":
    print(json.dumps({"pass": True, "score": 7}))
