"""check_safetensors_python.py: the third-party oracle for our safetensors
writer. Reads OURS with the `safetensors` library (which refuses malformed
headers, misaligned or overlapping data), then writes every tensor back to
THEIRS with safetensors.torch.save_file, so test_checkpoint can compare the
bytes with what it wrote. Run by test_checkpoint when DSFORGE_PYTHON is set.

usage: check_safetensors_python.py OURS THEIRS
"""
import sys

from safetensors import safe_open
from safetensors.torch import save_file


def main(ours: str, theirs: str) -> None:
    tensors = {}
    with safe_open(ours, framework="pt") as f:
        metadata = f.metadata()
        assert metadata == {"format": "pt"}, f"{ours}: metadata {metadata}"
        for name in f.keys():
            tensors[name] = f.get_tensor(name)
    with open(ours, "rb") as raw:
        header_len = int.from_bytes(raw.read(8), "little")
    assert header_len % 8 == 0, f"{ours}: header length {header_len} is not a multiple of 8"
    for name, t in sorted(tensors.items()):
        print(f"{name}: {t.dtype} {list(t.shape)}")
    save_file(tensors, theirs, metadata={"format": "pt"})


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
