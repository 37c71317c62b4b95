#!/usr/bin/env python3
"""crosscheck_hf.py: our tokenizer against Hugging Face `tokenizers`.

Encodes text with `tokenizers` and with dsforge_tokenize_tool (JSONL in,
JSONL out) and compares ids (without and with special tokens) and the decoded
text (special tokens kept). Texts: every line of Debian's fortunes files
(fortunes, chinese, tang300; those missing are skipped) plus adversarial
strings (digit runs, mixed scripts and emoji, CR/LF and whitespace runs,
special tokens inline, very long words).

Tokenizers checked: the DeepSeek-V3 fixture, and unless --no-synthetic a set
of small ones trained here with `tokenizers` to cover the other pipeline
parts (GPT-2 byte level with added-token options and a template, Llama-2
style Metaspace + byte fallback, Metaspace pre-tokenizer, Split behaviors
with Digits/Punctuation and subword prefix/suffix, Llama-3 style
ignore_merges, Whitespace pre-tokenizers).

Exit status 0 when everything matches, 1 otherwise (the first mismatches of
each tokenizer are printed with the row, the text and the first differing
position).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

from tokenizers import (AddedToken, Regex, Tokenizer, decoders, models,
                        normalizers, pre_tokenizers, processors, trainers)

FORTUNES = ["fortunes", "chinese", "tang300"]


def adversarial():
    t = [
        "", " ", "  ", "\t", "\n", "\r\n", "\r\n\r\n", "\r\r\n\n\r", "a\r\nb\r\n\r\nc", " \n \n ",
        "line1\r\nline2\r\n\r\n\r\nline3", "\n\n\n\n\n", "\t\t  \t  x", "a      b       c        ",
        "1" * 100, "12345678901234567890" * 5, "3.14159265358979323846", "1,234,567.89",
        "０１２３４５６７８９ fullwidth", "٣٤٥ ٦٧ arabic-indic", "²³¹ superscripts ½ ⅓", "Ⅻ roman ⅻ",
        "中文English混排😀🚀 test123中文", "日本語のテキスト、カタカナとひらがな。", "한국어 텍스트입니다",
        "👨‍👩‍👧‍👦 family 👍🏽 thumbs 🇨🇳🇺🇸 flags", "😀" * 60, "emoji😀in😀words",
        "e\u0301 combining \u0308o", "Ünïcödé àccents — “quotes” and ‘single’ … ellipsis",
        "नमस्ते दुनिया", "สวัสดีครับ", "مرحبا بالعالم", "שלום עולם", "Привет, мир! ЁЖИК",
        "\u3000\u3000全角空格", "\u00a0nbsp\u00a0here", "x\u2028y\u2029z", "a\u0085b nel",
        "mongolian\u180eseparator", "zero\u200bwidth\u200djoiner", "\ufeffbom",
        "\x1b[31mred\x1b[0m", "\x00\x01\x02 controls \x7f", "tab\tseparated\tvalues\t",
        "!!!???...;;;", "'s 't 're 've 'm 'll 'd", "don't won't I'm you're", "--->>> <<<---",
        "http://example.com/path?q=1&x=2#frag", "a.b.c.d", "foo_bar_baz __init__",
        "x = [i**2 for i in range(10)]  # comment", "#define X(a) ((a) + 1)\n\tint y;\r\n",
        "<｜begin▁of▁sentence｜>Hello<｜end▁of▁sentence｜>",
        "<｜User｜>你好<｜Assistant｜>hi<｜end▁of▁sentence｜>",
        "<｜fim▁hole｜><｜fim▁hole｜> <｜fim▁begin｜>x", "<｜begin▁of", "<s> </s> <mask> [SEP] <unk>",
        "<|im_start|>user\nhi there<|im_end|>\n<|im_start|>assistant\n", " <|im_start|> x",
        "a <mask> b<mask>c  <mask>  d", "x [SEP]  y [SEP]", "word words sword word.", "Hello hello HELLO",
        "a" * 1000, "ab" * 500, "中" * 300, "abc " * 200, " " * 300, "\n" * 100, "!" * 300,
        "The quick brown fox jumps over the lazy dog.",
    ]
    return t


def read_texts(fortunes_dir):
    texts = []
    for name in FORTUNES:
        path = os.path.join(fortunes_dir, name)
        if not os.path.exists(path):
            print(f"note: {path} missing, skipped")
            continue
        with open(path, "rb") as f:
            for raw in f.read().split(b"\n"):
                try:
                    texts.append(raw.decode("utf-8"))
                except UnicodeDecodeError:
                    pass  # `tokenizers` cannot take it
    return texts + adversarial()


def run_tool(tool, tokenizer_path, texts, config=None):
    cmd = [tool, "--tokenizer", tokenizer_path, "--with-special", "--decode"]
    if config:
        cmd += ["--config", config]
    data = "".join(json.dumps({"text": t}) + "\n" for t in texts)
    proc = subprocess.run(cmd, input=data.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')}")
    # split("\n"), not splitlines(): decoded text may hold U+2028, U+0085, ...
    rows = [json.loads(line) for line in proc.stdout.decode().split("\n") if line]
    if len(rows) != len(texts):
        raise SystemExit(f"tool gave {len(rows)} rows for {len(texts)} texts")
    return rows


def first_diff(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def compare(name, tok, path, tool, texts, config=None, show=8):
    ours = run_tool(tool, path, texts, config)
    ids = [e.ids for e in tok.encode_batch(texts, add_special_tokens=False)]
    ids_special = [e.ids for e in tok.encode_batch(texts, add_special_tokens=True)]
    decoded = tok.decode_batch(ids, skip_special_tokens=False)
    bad = 0
    for i, text in enumerate(texts):
        row = ours[i]
        if "error" in row:
            bad += 1
            if bad <= show:
                print(f"[{name}] row {i}: tool error {row['error']} text={text[:80]!r}")
            continue
        for key, want in (("ids", ids[i]), ("ids_with_special", ids_special[i]), ("decoded", decoded[i])):
            got = row[key]
            if got != want:
                bad += 1
                if bad <= show:
                    at = first_diff(got, want)
                    print(f"[{name}] row {i} {key} differs at position {at}: text={text[:120]!r}\n"
                          f"    ours={got[max(0, at - 3):at + 8]!r}\n    hf  ={want[max(0, at - 3):at + 8]!r}")
    total = len(texts)
    print(f"[{name}] {total - min(bad, total)}/{total} rows match" + ("" if bad == 0 else f" ({bad} differences)"))
    return bad == 0


# ---- synthetic tokenizers trained here ----

def train(tok, texts, **kw):
    trainer = trainers.BpeTrainer(show_progress=False, **kw)
    tok.train_from_iterator(texts, trainer)
    return tok


def gpt2_like(texts):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=True)
    tok.decoder = decoders.ByteLevel()
    train(tok, texts, vocab_size=3000, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
          special_tokens=["<s>", "</s>"])
    tok.add_special_tokens(["<s>", "</s>"])
    tok.add_tokens([AddedToken("<mask>", lstrip=True, rstrip=False, normalized=False),
                    AddedToken("[SEP]", rstrip=True, normalized=False),
                    AddedToken("word", single_word=True, normalized=False),
                    AddedToken(" hello", normalized=True)])
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", tok.token_to_id("<s>")), ("</s>", tok.token_to_id("</s>"))])
    return tok


def llama2_like(texts):
    tok = Tokenizer(models.BPE(unk_token="<unk>", fuse_unk=True, byte_fallback=True))
    tok.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    tok.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(),
                                     decoders.Strip(" ", 1, 0)])
    train(tok, texts, vocab_size=2000, limit_alphabet=300, special_tokens=["<unk>", "<s>", "</s>"])
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", 1)])
    # Llama-2 keeps the 256 byte tokens in the model vocabulary.
    j = json.loads(tok.to_str())
    vocab = j["model"]["vocab"]
    for b in range(256):
        name = f"<0x{b:02X}>"
        if name not in vocab:
            vocab[name] = len(vocab)
    return Tokenizer.from_str(json.dumps(j))


def metaspace_first(texts):
    tok = Tokenizer(models.BPE(unk_token="[UNK]"))
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="first")
    train(tok, texts, vocab_size=2000, limit_alphabet=500, special_tokens=["[UNK]", "<|im_start|>", "<|im_end|>"])
    tok.add_special_tokens(["<|im_start|>", "<|im_end|>"])
    return tok


def splits_and_affixes(texts):
    tok = Tokenizer(models.BPE(unk_token="[UNK]", continuing_subword_prefix="##", end_of_word_suffix="</w>"))
    tok.normalizer = normalizers.Sequence([normalizers.NFD(), normalizers.StripAccents(), normalizers.Lowercase(),
                                           normalizers.Replace(Regex(r"\d{4,}"), "#")])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(r"\s+"), behavior="merged_with_next"),
        pre_tokenizers.Split(Regex(r"\s+"), behavior="removed"),
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.Punctuation(behavior="contiguous"),
        pre_tokenizers.Split("-", behavior="merged_with_previous"),
        pre_tokenizers.Split(Regex(r"[aeiou]"), behavior="merged_with_next", invert=True),
        pre_tokenizers.Split(Regex(r"x*"), behavior="isolated"),
    ])
    tok.decoder = decoders.BPEDecoder(suffix="</w>")
    train(tok, texts, vocab_size=2000, limit_alphabet=400, special_tokens=["[UNK]", "[CLS]", "[SEP]"],
          continuing_subword_prefix="##", end_of_word_suffix="</w>")
    tok.post_processor = processors.BertProcessing(("[SEP]", tok.token_to_id("[SEP]")),
                                                   ("[CLS]", tok.token_to_id("[CLS]")))
    return tok


LLAMA3_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                r"|\s*[\r\n]+|\s+(?!\S)|\s+")


def llama3_like(texts):
    tok = Tokenizer(models.BPE(ignore_merges=True))
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(LLAMA3_REGEX), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    train(tok, texts, vocab_size=3000, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
          special_tokens=["<|begin_of_text|>", "<|end_of_text|>"])
    tok.post_processor = processors.Sequence([
        processors.ByteLevel(trim_offsets=False),
        processors.TemplateProcessing(single="<|begin_of_text|> $A", special_tokens=[("<|begin_of_text|>", 0)]),
    ])
    # ignore_merges only matters for tokens the merges do not build: add some.
    j = json.loads(tok.to_str())
    vocab = j["model"]["vocab"]
    for word in ["Ġthe", "Ġfortune", "ĠLinux", "ä¸Ńæĸĩ", "ĠĠĠĠ"]:
        if word not in vocab:
            vocab[word] = len(vocab)
    return Tokenizer.from_str(json.dumps(j))


def whitespace_bert(texts):
    tok = Tokenizer(models.BPE(unk_token="[UNK]"))
    tok.normalizer = normalizers.Sequence([normalizers.Strip(), normalizers.NFKC()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Whitespace(), pre_tokenizers.BertPreTokenizer(),
                                                 pre_tokenizers.CharDelimiterSplit("_")])
    tok.decoder = decoders.Fuse()
    train(tok, texts, vocab_size=1500, limit_alphabet=300, special_tokens=["[UNK]"])
    return tok


SYNTHETIC = [gpt2_like, llama2_like, metaspace_first, splits_and_affixes, llama3_like, whitespace_bert]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tool", required=True)
    ap.add_argument("--tokenizer", required=True, help="the fixture tokenizer.json")
    ap.add_argument("--config", help="its tokenizer_config.json")
    ap.add_argument("--fortunes-dir", default="/usr/share/games/fortunes")
    ap.add_argument("--no-synthetic", action="store_true")
    args = ap.parse_args()

    texts = read_texts(args.fortunes_dir)
    ok = compare("deepseek_v3", Tokenizer.from_file(args.tokenizer), args.tokenizer, args.tool, texts, args.config)
    if not args.no_synthetic:
        train_texts = [t for t in texts if t.strip()]
        with tempfile.TemporaryDirectory() as tmp:
            for make in SYNTHETIC:
                tok = make(train_texts)
                path = os.path.join(tmp, make.__name__ + ".json")
                tok.save(path)
                ok = compare(make.__name__, Tokenizer.from_file(path), path, args.tool, texts) and ok
    print("OK" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
