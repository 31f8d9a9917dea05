"""The AWAIT protocol: requests that name an owner (Assign), a response window (Window), the
action wanted (Action), the information needed (Information) and stay in the thread (Thread).

:mod:`.rules` holds the detection rules, the same for a draft and for whole archives (their SQL
form computes each message's signals at ingest); :mod:`.lint` checks a draft and resolves its
window to a deadline; :mod:`.ledger` keeps requests due in their owner's working time.
"""
