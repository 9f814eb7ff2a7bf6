"""Move every card number and NIK in tests/vclaim-vectors.json into the impossible ranges.

    npm install --prefix benchmarks/.node lz-string@1.5.0     # once; the folder is git-ignored
    python tools/synthetic_vectors.py                          # rewrites the file in place

The vectors' payloads were generated with random 13- and 16-digit numbers, some in ranges where
BPJS issues real cards and NIKs, next to names and diagnoses. This maps each 13-digit number to
the simulator's card prefix ``99999`` (keeping its last 8 digits) and each 16-digit number to NIK
province ``00`` (keeping the rest), then rebuilds each changed vector the way it was built:
``lzString`` by the canonical JavaScript lz-string 1.5.0 under node, ``response`` by AES-256-CBC
with the vector's own key (vclaim_async._crypto.encrypt), checked by decrypting it back.
``tests/test_synthetic_identifiers.py`` keeps the file in those ranges.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vclaim_async import _crypto, _lzstring  # noqa: E402
from vclaim_async.testing._participants import is_synthetic  # noqa: E402

VECTORS = ROOT / "tests" / "vclaim-vectors.json"
NODE_LIB = ROOT / "benchmarks" / ".node" / "node_modules" / "lz-string"
NUMBER = re.compile(r"(?<![0-9])([0-9]{16}|[0-9]{13})(?![0-9])")
COMPRESS = (
    "const lz = require(process.argv[1]);"
    "let s = ''; process.stdin.setEncoding('utf8');"
    "process.stdin.on('data', c => s += c);"
    "process.stdin.on('end', () => process.stdout.write(lz.compressToEncodedURIComponent(s)));"
)


def synthetic(number: str) -> str:
    """The impossible-range stand-in for a card number (13) or NIK (16)."""
    if is_synthetic(number):
        return number
    return "99999" + number[-8:] if len(number) == 13 else "00" + number[2:]


def compress(text: str) -> str:
    result = subprocess.run(
        ["node", "-e", COMPRESS, str(NODE_LIB)],
        input=text.encode("utf-8"), capture_output=True, check=True, timeout=120,
    )  # fmt: skip
    return result.stdout.decode("utf-8")


def rebuild(vector: dict[str, Any]) -> bool:
    plaintext = NUMBER.sub(lambda m: synthetic(m.group()), vector["plaintext"])
    if plaintext == vector["plaintext"]:
        return False
    lz = compress(plaintext)
    assert _lzstring.decompress_from_encoded_uri_component(lz) == plaintext
    keys = (vector["consId"], vector["secret"], vector["timestamp"])
    response = _crypto.encrypt(lz, *keys)
    assert _crypto.decrypt(response, *keys) == lz
    vector.update(plaintext=plaintext, lzString=lz, response=response)
    return True


def main() -> int:
    if not NODE_LIB.exists():
        print(f"needs lz-string 1.5.0 under {NODE_LIB.parent}: see this file's docstring")
        return 1
    data = json.loads(VECTORS.read_text(encoding="utf-8"))
    changed = [v["note"] for v in data["vectors"] if rebuild(v)]
    VECTORS.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"rebuilt {len(changed)} vector(s): {changed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
