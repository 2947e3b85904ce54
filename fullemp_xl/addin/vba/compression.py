"""MS-OVBA §2.4.1 compression: a signature byte, then one chunk per 4096 bytes of input.

Each chunk is a 2-byte header and token sequences: a flag byte and eight tokens, each a literal
byte or a 2-byte copy token (offset and length back into the chunk's own decompressed bytes, the
split between the two moving with the position in the chunk). Matches are found with a hash chain
over 3-byte prefixes (the spec's exhaustive search finds the same kind of matches, only slower);
any valid token stream decompresses the same, so only correctness is at stake, not byte equality
with Office's own output.

ms-ovba-compression 1.0.1 gets the maximum copy length wrong (`0xFFFF << bit_count + 3` for
`(0xFFFF >> bit_count) + 3`), so its long matches overflow into the offset bits: that is why this
module exists.
"""
from __future__ import annotations

CHUNK = 4096
MIN_MATCH = 3
MAX_CANDIDATES = 64  # how far back the hash chain is followed; bounds the work on repetitive input


def _bit_count(position: int) -> int:
    """Bits of a copy token used for the offset at this position in the chunk (at least 4)."""
    return max(4, (position - 1).bit_length())


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    chains: dict[bytes, list[int]] = {}
    pos, n = 0, len(chunk)

    def remember(i: int) -> None:
        if i + MIN_MATCH <= n:
            chains.setdefault(chunk[i:i + MIN_MATCH], []).append(i)

    while pos < n:
        flag_at = len(out)
        out.append(0)
        for bit in range(8):
            if pos >= n:
                break
            best_len = best_at = 0
            if pos + MIN_MATCH <= n:
                max_len = min((0xFFFF >> _bit_count(pos)) + MIN_MATCH, n - pos)
                for cand in reversed(chains.get(chunk[pos:pos + MIN_MATCH], [])[-MAX_CANDIDATES:]):
                    length = MIN_MATCH
                    while length < max_len and chunk[cand + length] == chunk[pos + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_at = length, cand
                        if length == max_len:
                            break
            if best_len >= MIN_MATCH:
                bits = _bit_count(pos)
                token = ((pos - best_at - 1) << (16 - bits)) | (best_len - MIN_MATCH)
                out += token.to_bytes(2, "little")
                out[flag_at] |= 1 << bit
                for i in range(pos, pos + best_len):
                    remember(i)
                pos += best_len
            else:
                out.append(chunk[pos])
                remember(pos)
                pos += 1
    if len(out) > CHUNK:  # incompressible: a raw chunk is always 4096 bytes (the spec pads with zeros)
        return (0x3000 | (CHUNK - 1)).to_bytes(2, "little") + chunk.ljust(CHUNK, b"\0")
    return (0xB000 | (len(out) - 1)).to_bytes(2, "little") + bytes(out)


def compress(data: bytes) -> bytes:
    """A CompressedContainer (§2.4.1.1.1) holding `data`."""
    return b"\x01" + b"".join(_compress_chunk(data[i:i + CHUNK]) for i in range(0, len(data), CHUNK))
