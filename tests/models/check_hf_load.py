"""check_hf_load.py: the third-party oracle for what `dshost convert` writes.

For every fixture model, `dshost convert` saves a Hugging Face folder
(config.json + model.safetensors); Hugging Face transformers must load it with
no missing, unexpected or mismatched weights and reproduce the fixture's
reference logits. For the LoRA fixture, the merged model must load in
transformers, and the adapter dshost writes (--adapter-output) must load in
PEFT on top of the base model. Prints one line per check; exits non-zero on
any failure.

usage: check_hf_load.py --dshost PATH --fixtures DIR --tmp DIR
"""
import argparse
import json
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import load_file

import transformers
from transformers import AutoModelForCausalLM

import peft
from peft import PeftModel

F32_TOL = 1e-4  # the fixtures' own tolerance for float32 logits
# bfloat16 keeps 8 significant bits: each weight, and each activation between
# ops, carries a relative rounding error up to 2^-9 (~0.2%). Through two layers
# of a 64-wide model these add up to a few 1e-3 on logits of magnitude <= 0.6
# (transformers itself, running the fixtures in bfloat16, lands 4e-3 to 7e-3
# off the float32 references); 5e-2 leaves margin for that yet fails on a wrong weight,
# a transposed matrix or float16 written as bfloat16 (those give errors of the
# order of the logits themselves, 0.1-1).
BF16_TOL = 5e-2

MODELS = ["llama_tiny", "qwen2_tiny", "mistral_tiny_sw4", "deepseekv2_tiny", "deepseekv3_tiny"]

failures = []


def report(name: str, diff: float, tol: float, extra: str = "") -> None:
    ok = diff <= tol
    print(f"{'ok  ' if ok else 'FAIL'} {name}: max abs diff {diff:.3e} (tolerance {tol:g}){extra}", flush=True)
    if not ok:
        failures.append(name)


def fail(name: str, why: str) -> None:
    print(f"FAIL {name}: {why}", flush=True)
    failures.append(name)


def dshost(binary: str, *args: str) -> None:
    cmd = [binary, *args]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {r.returncode}:\n{r.stdout}{r.stderr}")


def load(folder: Path, dtype: torch.dtype):
    """Loads with transformers; raises if any weight is missing, unexpected or mismatched."""
    model, info = AutoModelForCausalLM.from_pretrained(
        str(folder), dtype=dtype, attn_implementation="eager", output_loading_info=True)
    problems = {k: v for k, v in info.items() if v and k in ("missing_keys", "unexpected_keys", "mismatched_keys")}
    if problems:
        raise RuntimeError(f"transformers loaded {folder} with {problems}")
    model.eval()
    return model


@torch.no_grad()
def logits_of(model, input_ids: torch.Tensor) -> torch.Tensor:
    return model(input_ids).logits.float()


def max_diff(a: torch.Tensor, b: torch.Tensor) -> float:
    if a.shape != b.shape:
        raise RuntimeError(f"logits shape {list(a.shape)} != reference {list(b.shape)}")
    return (a - b).abs().max().item()


def check_safetensors_dtypes(file: Path, want: str) -> None:
    with safe_open(str(file), framework="pt") as f:
        dtypes = {f.get_slice(k).get_dtype() for k in f.keys()}
        metadata = f.metadata()
    if dtypes != {want}:
        raise RuntimeError(f"{file}: tensor dtypes {sorted(dtypes)}, expected only {want}")
    if not metadata or metadata.get("format") != "pt":
        raise RuntimeError(f"{file}: metadata {metadata}, transformers expects {{'format': 'pt'}}")


def check_model(binary: str, fixtures: Path, tmp: Path, name: str) -> None:
    fix = fixtures / name
    ref = load_file(str(fix / "reference.safetensors"))
    out = tmp / name
    t0 = time.time()
    dshost(binary, "convert", "--model", str(fix), "--output", str(out))
    check_safetensors_dtypes(out / "model.safetensors", "F32")
    model = load(out, torch.float32)
    got = logits_of(model, ref["input_ids"])
    arch = model.config.architectures
    report(name, max_diff(got, ref["logits"]), F32_TOL, f" [{type(model).__name__}, config {arch}, {time.time() - t0:.1f}s]")


def check_bf16(binary: str, fixtures: Path, tmp: Path, name: str) -> None:
    fix = fixtures / name
    ref = load_file(str(fix / "reference.safetensors"))
    out = tmp / f"{name}_bf16"
    dshost(binary, "convert", "--model", str(fix), "--dtype", "bfloat16", "--output", str(out))
    check_safetensors_dtypes(out / "model.safetensors", "BF16")
    # Every weight must be exactly what torch's float32 -> bfloat16 cast gives.
    ours = load_file(str(out / "model.safetensors"))
    theirs = load_file(str(fix / "model.safetensors"))
    if sorted(ours) != sorted(theirs):
        raise RuntimeError(f"bfloat16 tensors {sorted(set(ours) ^ set(theirs))} differ from the fixture's")
    for k in theirs:
        if not torch.equal(ours[k], theirs[k].to(torch.bfloat16)):
            raise RuntimeError(f"{k}: not the bfloat16 rounding of the fixture's float32 weight")
    model = load(out, torch.bfloat16)
    dtypes = {p.dtype for p in model.parameters()}
    if dtypes != {torch.bfloat16} or model.config.dtype != torch.bfloat16:
        raise RuntimeError(f"transformers loaded parameters {dtypes}, config dtype {model.config.dtype}")
    got = logits_of(model, ref["input_ids"])
    # transformers running the fixture itself in bfloat16: same weights, same
    # code, so the logits must be identical.
    hf = logits_of(load(fix, torch.bfloat16), ref["input_ids"])
    report(f"{name} bfloat16 vs transformers' own bfloat16", max_diff(got, hf), 0.0)
    report(f"{name} bfloat16 vs float32 reference", max_diff(got, ref["logits"]), BF16_TOL)


def check_lora(binary: str, fixtures: Path, tmp: Path) -> None:
    fix = fixtures / "llama_tiny_lora"
    ref = load_file(str(fix / "reference.safetensors"))
    ids = ref["input_ids"]

    # (a) merged into the weights: a plain transformers model.
    merged = tmp / "lora_merged"
    dshost(binary, "convert", "--model", str(fix / "base"), "--adapter", str(fix / "adapter"),
           "--merge-adapters", "--output", str(merged))
    got = logits_of(load(merged, torch.float32), ids)
    report("llama_tiny_lora merged (transformers)", max_diff(got, ref["merged_logits"]), F32_TOL)

    # (b) the adapter in PEFT's format, on the base model transformers loads.
    adapter = tmp / "lora_peft"
    base_out = tmp / "lora_base"
    dshost(binary, "convert", "--model", str(fix / "base"), "--adapter", str(fix / "adapter"),
           "--output", str(base_out), "--adapter-output", str(adapter))
    check_safetensors_dtypes(adapter / "adapter_model.safetensors", "F32")
    ours = load_file(str(adapter / "adapter_model.safetensors"))
    theirs = load_file(str(fix / "adapter" / "adapter_model.safetensors"))
    if sorted(ours) != sorted(theirs):
        raise RuntimeError(f"adapter tensors differ from PEFT's: {sorted(set(ours) ^ set(theirs))}")
    config = json.loads((adapter / "adapter_config.json").read_text())
    want = json.loads((fix / "adapter" / "adapter_config.json").read_text())
    for key in ("peft_type", "r", "lora_alpha", "use_rslora", "use_dora", "fan_in_fan_out", "bias"):
        if config.get(key) != want.get(key):
            raise RuntimeError(f"adapter_config.json {key}: {config.get(key)!r}, PEFT wrote {want.get(key)!r}")
    if sorted(config.get("target_modules") or []) != sorted(want["target_modules"]):
        raise RuntimeError(f"adapter_config.json target_modules {config.get('target_modules')}")

    for label, base_dir in (("fixture base", fix / "base"), ("dshost-converted base", base_out)):
        base = load(base_dir, torch.float32)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = PeftModel.from_pretrained(base, str(adapter))
        # PEFT warns (rather than raising) on adapter keys it did not load.
        bad = [str(w.message) for w in caught if "key" in str(w.message).lower()]
        if bad:
            raise RuntimeError(f"PEFT warned while loading {adapter}: {bad}")
        model.eval()
        got = logits_of(model, ids)
        report(f"llama_tiny_lora adapter (PEFT on {label})", max_diff(got, ref["logits"]), F32_TOL)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dshost", required=True)
    ap.add_argument("--fixtures", required=True, type=Path)
    ap.add_argument("--tmp", required=True, type=Path)
    args = ap.parse_args()

    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    torch.manual_seed(0)
    torch.set_num_threads(min(4, torch.get_num_threads()))
    print(f"transformers {transformers.__version__}, peft {peft.__version__}, torch {torch.__version__}", flush=True)
    if args.tmp.exists():
        shutil.rmtree(args.tmp)
    args.tmp.mkdir(parents=True)

    checks = [(m, check_model, (m,)) for m in MODELS]
    checks.append(("llama_tiny bfloat16", check_bf16, ("llama_tiny",)))
    checks.append(("llama_tiny_lora", check_lora, ()))
    for label, fn, extra in checks:
        try:
            fn(args.dshost, args.fixtures, args.tmp, *extra)
        except Exception as e:  # report every model, not only the first failure
            fail(label, f"{type(e).__name__}: {e}")

    if failures:
        print(f"{len(failures)} check(s) failed: {', '.join(failures)}", flush=True)
        return 1
    print("all checks passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
