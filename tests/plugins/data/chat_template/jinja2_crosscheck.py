#!/usr/bin/env python3
"""Cross-check dsforge's chat template engine against Python jinja2.

Renders the same conversations with dsforge_chat_template_tool and with
jinja2 set up exactly as Hugging Face transformers sets it up
(ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks, loopcontrols, its
tojson / raise_exception / strftime_now), and fails on the first difference.

  jinja2_crosscheck.py --tool TOOL --template FILE [--template FILE ...] --cases CASES.jsonl
  jinja2_crosscheck.py --tool TOOL --snippets SNIPPETS.jsonl
  jinja2_crosscheck.py --write-expected OUT.jsonl --template FILE ... --cases CASES.jsonl

--write-expected (no --tool needed) stores jinja2's renders as golden rows
{"template", "case", "text"} or {"template", "case", "error_kind", "error"}
for the C++ golden test; renders that depend on today's date are left out.

A template FILE ending in .json is a tokenizer_config.json: its chat_template
and special tokens are used, as transformers does. Cases: {"id", "messages",
"add_generation_prompt", "extra"}. Snippets: {"id", "template", "context"},
rendered with the context as is. When jinja2 raises, dsforge must fail too
(with the same message for raise_exception).
"""
import argparse
import json
import subprocess
import sys
from datetime import datetime

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment


class TemplateError(Exception):
    pass


def make_env():
    def raise_exception(message):
        raise TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent,
                          separators=separators, sort_keys=sort_keys)

    def strftime_now(format):
        return datetime.now().strftime(format)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def token_text(v):
    if isinstance(v, dict):
        return v.get("content")
    return v


def load_template(path):
    """(source, special tokens) for a template file or a tokenizer_config.json."""
    if not path.endswith(".json"):
        with open(path, encoding="utf-8", newline="") as f:
            return f.read(), {}
    with open(path, encoding="utf-8") as f:
        config = json.load(f)
    special = {}
    for key in ("bos_token", "eos_token", "unk_token", "sep_token", "pad_token",
                "cls_token", "mask_token"):
        t = token_text(config.get(key))
        if t is not None:
            special[key] = t
    extra_tokens = [token_text(t) for t in config.get("additional_special_tokens") or []]
    if extra_tokens:
        special["additional_special_tokens"] = extra_tokens
    source = config["chat_template"]
    if isinstance(source, list):
        source = {t["name"]: t["template"] for t in source}["default"]
    return source, special


def render_py(env, source, context):
    try:
        return {"text": env.from_string(source).render(**context)}
    except TemplateError as e:
        return {"error": str(e), "error_kind": "raised"}
    except jinja2.TemplateSyntaxError as e:
        return {"error": str(e), "error_kind": "syntax"}
    except Exception as e:  # noqa: BLE001 - any render failure counts as one
        return {"error": f"{type(e).__name__}: {e}", "error_kind": "render"}


def run_tool(tool, args, lines):
    proc = subprocess.run([tool, *args], input="".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines),
                          capture_output=True, text=True, encoding="utf-8")
    if proc.returncode != 0:
        sys.exit(f"FAIL: {tool} {' '.join(args)} exited {proc.returncode}: {proc.stderr.strip()}")
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def show_difference(expected, got):
    i = 0
    while i < min(len(expected), len(got)) and expected[i] == got[i]:
        i += 1
    lo = max(0, i - 60)
    return (f"  first difference at character {i}\n"
            f"  jinja2 : {expected[lo:i + 60]!r}\n"
            f"  dsforge: {got[lo:i + 60]!r}")


def compare(label, case_id, want, got):
    """Returns an error line, or None when the two agree."""
    if "text" in want:
        if "text" not in got:
            return f"{label} case {case_id}: jinja2 rendered, dsforge failed: {got.get('error')}"
        if want["text"] != got["text"]:
            return f"{label} case {case_id}: output differs\n" + show_difference(want["text"], got["text"])
        return None
    if "text" in got:
        return (f"{label} case {case_id}: jinja2 failed ({want['error']}), dsforge rendered "
                f"{got['text'][:200]!r}")
    if want["error_kind"] == "raised" and (got.get("error_kind") != "raised" or got["error"] != want["error"]):
        return (f"{label} case {case_id}: raise_exception message differs: jinja2 {want['error']!r}, "
                f"dsforge {got.get('error_kind')}: {got.get('error')!r}")
    return None


def chat_context(case, special):
    context = {"messages": case["messages"], "tools": None, "documents": None,
               "add_generation_prompt": case.get("add_generation_prompt", False)}
    context.update(special)
    context.update(case.get("extra", {}))
    return context


def write_expected(env, args):
    sentinel = "@@DATE@@"
    dated = make_env()
    dated.globals["strftime_now"] = lambda fmt: sentinel
    with open(args.cases, encoding="utf-8") as f:
        cases = [json.loads(line) for line in f if line.strip()]
    rows = []
    for path in args.template:
        source, special = load_template(path)
        name = path.rsplit("/", 1)[-1]
        for case in cases:
            context = chat_context(case, special)
            if sentinel in render_py(dated, source, context).get("text", ""):
                continue
            want = render_py(env, source, context)
            row = {"template": name, "case": case.get("id")}
            row.update(want)
            rows.append(row)
    with open(args.write_expected, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} rows to {args.write_expected}")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tool")
    ap.add_argument("--write-expected")
    ap.add_argument("--template", action="append", default=[])
    ap.add_argument("--cases")
    ap.add_argument("--snippets")
    args = ap.parse_args()
    env = make_env()
    if args.write_expected:
        return write_expected(env, args)
    if not args.tool:
        sys.exit("--tool is required")
    failures = []
    checked = rendered = errored = 0

    if args.template:
        if not args.cases:
            sys.exit("--template needs --cases")
        with open(args.cases, encoding="utf-8") as f:
            cases = [json.loads(line) for line in f if line.strip()]
        for path in args.template:
            source, special = load_template(path)
            got = run_tool(args.tool, [path], cases)
            if len(got) != len(cases):
                failures.append(f"{path}: {len(cases)} cases in, {len(got)} lines out")
                continue
            for case, mine in zip(cases, got):
                context = chat_context(case, special)
                want = render_py(env, source, context)
                checked += 1
                rendered += "text" in want
                errored += "text" not in want
                problem = compare(path.rsplit("/", 1)[-1], case.get("id"), want, mine)
                if problem:
                    failures.append(problem)

    if args.snippets:
        with open(args.snippets, encoding="utf-8") as f:
            snippets = [json.loads(line) for line in f if line.strip()]
        got = run_tool(args.tool, ["--snippets"], snippets)
        if len(got) != len(snippets):
            failures.append(f"snippets: {len(snippets)} in, {len(got)} lines out")
        else:
            for snip, mine in zip(snippets, got):
                want = render_py(env, snip["template"], snip.get("context", {}))
                checked += 1
                rendered += "text" in want
                errored += "text" not in want
                problem = compare("snippet", f"{snip.get('id')} {snip['template']!r}", want, mine)
                if problem:
                    failures.append(problem)

    for line in failures:
        print("FAIL:", line)
    print(f"{checked} renders compared ({rendered} rendered, {errored} expected errors), "
          f"{len(failures)} mismatches")
    return 1 if failures or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
