"""python -m jabodash workspace: the saved datasets, for administrators.

  workspace list [--json]          saved datasets, then damaged ones with the reason
  workspace rename ID "TITLE"      give a dataset a new title
  workspace delete ID              remove a dataset (a damaged one too)
  workspace log [--last N]         the audit log (workspace/audit.jsonl), oldest first

Works also when the app's workspace is read-only (JABODASH_WORKSPACE_READONLY): that setting
binds the app, not the command line. Every rename and delete is recorded in the audit log with
session ``cli``. Exit status 0 on success, 1 when the dataset does not exist or cannot be changed.
"""
from __future__ import annotations

import argparse
import json
import sys


def _list(args) -> int:
    from jabodash.store import shelf
    saved, damaged = shelf.list_datasets(with_problems=True)
    if args.json:
        json.dump({"datasets": [{k: m.get(k) for k in ("id", "title", "indicator", "rows", "created_at")}
                                for m in saved],
                   "damaged": [{"id": p.params.get("id"), "reason": p.params.get("reason")} for p in damaged]},
                  sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        shelf.take_damaged()   # listed above: not said again on standard error
        return 0
    for meta in saved:
        print(f"{meta['id']}\t{meta.get('title')}\t{meta.get('rows', 0)} rows\t{meta.get('created_at')}")
    for problem in damaged:
        print(f"{problem.params.get('id')}\tDAMAGED\t{problem.params.get('reason')}")
    shelf.take_damaged()
    return 0


def _change(args) -> int:
    from jabodash.store import access, shelf
    if args.action == "rename":
        action, target, do = "dataset.rename", f"{args.id} -> {args.title}", lambda: shelf.rename_dataset(
            args.id, args.title)
    else:
        action, target, do = "dataset.delete", args.id, lambda: shelf.delete_dataset(args.id)
    try:
        access.audited(action, target, "cli", do)
    except shelf.WorkspaceError as exc:
        print(f"error: {exc.text(args.lang)}", file=sys.stderr)
        return 1
    print(f"{args.action}: {args.id}")
    return 0


def _log(args) -> int:
    from jabodash.store import access
    for entry in access.entries(args.last):
        print(json.dumps(entry, ensure_ascii=False))
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("workspace", help="list, rename or delete saved datasets; show the audit log",
                                   description=__doc__.split("\n\n", 1)[1],
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", choices=("id", "en"), default="id", help="language of the messages")
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = sub.add_parser("list", help="saved and damaged datasets")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_list)
    p = sub.add_parser("rename", help="give a dataset a new title")
    p.add_argument("id")
    p.add_argument("title")
    p.set_defaults(func=_change)
    p = sub.add_parser("delete", help="remove a dataset")
    p.add_argument("id")
    p.set_defaults(func=_change)
    p = sub.add_parser("log", help="the audit log, oldest first")
    p.add_argument("--last", type=int, default=None, help="only the last N entries")
    p.set_defaults(func=_log)
