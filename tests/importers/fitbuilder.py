"""A tiny FIT writer for tests: just enough to build files with the features the walker handles."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

_CRC_TABLE = (
    0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
    0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
)  # fmt: skip

# Base type byte -> struct code.
_CODES = {0x00: "B", 0x02: "B", 0x84: "H", 0x86: "I", 0x8C: "I", 0x07: "s"}


def crc16(data: bytes, crc: int = 0) -> int:
    """The FIT checksum."""
    for byte in data:
        for nibble in (byte & 0x0F, byte >> 4):
            tmp = _CRC_TABLE[crc & 0x0F]
            crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ _CRC_TABLE[nibble]
    return crc


@dataclass
class Definition:
    local: int
    global_num: int
    fields: list[tuple[int, int, int]]  # (number, size, base type)
    big_endian: bool = False
    dev_fields: list[tuple[int, int, int]] = field(default_factory=list)  # (number, size, index)

    def record(self) -> bytes:
        endian = ">" if self.big_endian else "<"
        header = 0x40 | self.local | (0x20 if self.dev_fields else 0)
        body = struct.pack(
            endian + "BBHB", 0, int(self.big_endian), self.global_num, len(self.fields)
        )
        body += b"".join(bytes(spec) for spec in self.fields)
        if self.dev_fields:
            body += bytes([len(self.dev_fields)]) + b"".join(bytes(s) for s in self.dev_fields)
        return bytes([header]) + body

    def values(self, *values: int | bytes, dev: bytes = b"") -> bytes:
        endian = ">" if self.big_endian else "<"
        out = b""
        for (_, size, base), value in zip(self.fields, values, strict=True):
            code = _CODES[base]
            out += struct.pack(f"{endian}{size}s" if code == "s" else endian + code, value)
        return out + dev

    def data(self, *values: int | bytes, dev: bytes = b"") -> bytes:
        return bytes([self.local]) + self.values(*values, dev=dev)

    def compressed(self, time_offset: int, *values: int | bytes) -> bytes:
        return bytes([0x80 | (self.local << 5) | (time_offset & 0x1F)]) + self.values(*values)


def fit_file(records: bytes, *, header_crc: bool = False) -> bytes:
    """A whole FIT file around `records`: a 14-byte header and the trailing checksum."""
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(records), b".FIT")
    header += struct.pack("<H", crc16(header) if header_crc else 0)
    return header + records + struct.pack("<H", crc16(header + records))
