//! The bundle header (magic, version, kind, library fingerprint, length, CRC-32) and the
//! varint and string writers every section uses.

use std::sync::OnceLock;

/// The four bytes every bundle starts with.
pub const MAGIC: [u8; 4] = *b"GHBC";

/// The format version this build writes and reads (for both kinds of bundle).
pub const FORMAT_VERSION: u16 = 5;

/// Header size: magic, version, kind, library fingerprint, payload length, CRC-32.
pub const HEADER_LEN: usize = 24;

/// What a bundle holds (the header's `kind` field).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u16)]
pub enum BundleKind {
    /// One compiled expression or block ([`super::encode`]).
    Code = 0,
    /// A whole gateway ([`crate::bundle::encode_program`]).
    Program = 1,
}

impl BundleKind {
    /// What the kind is called in messages.
    pub fn describe(self) -> &'static str {
        match self {
            BundleKind::Code => "a single compiled expression",
            BundleKind::Program => "a whole gateway program",
        }
    }
}

/// The header for `payload` (with its length and checksum), then the payload.
pub(crate) fn seal(kind: BundleKind, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(kind as u16).to_le_bytes());
    out.extend_from_slice(&library_fingerprint().to_le_bytes());
    let len = u32::try_from(payload.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&crc32(payload).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

/// A hash of the member library's table (types, names, signatures, in order).
///
/// `Get`, `Call`, `Set` and `Static` operands are indices into that table, so a bundle is
/// only meaningful to a build with the same table: the decoder refuses any other.
pub fn library_fingerprint() -> u64 {
    static FP: OnceLock<u64> = OnceLock::new();
    *FP.get_or_init(|| {
        // FNV-1a, 64-bit: stable across builds and platforms, unlike `DefaultHasher`.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |s: &str| {
            for b in s.bytes().chain([0xff]) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        };
        for m in crate::library::members() {
            eat(m.ty);
            eat(m.name);
            eat(&format!("{:?}", m.kind));
            for p in m.params {
                eat(p);
            }
            eat(m.ret);
        }
        h
    })
}

/// CRC-32 (IEEE 802.3, reflected, polynomial `0xEDB88320`), as zlib and PNG compute it.
///
/// Slicing-by-8: eight bytes a step through eight derived tables (table `k` advances a
/// byte's contribution by `k` further bytes), so loading a bundle is not checksum-bound.
pub fn crc32(bytes: &[u8]) -> u32 {
    static TABLES: OnceLock<[[u32; 256]; 8]> = OnceLock::new();
    let t = TABLES.get_or_init(|| {
        let mut t = [[0u32; 256]; 8];
        for (n, slot) in (0u32..).zip(t[0].iter_mut()) {
            let mut c = n;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
            *slot = c;
        }
        for k in 1..8 {
            let (done, rest) = t.split_at_mut(k);
            for (slot, prev) in rest[0].iter_mut().zip(done[k - 1]) {
                *slot = done[0][(prev & 0xff) as usize] ^ (prev >> 8);
            }
        }
        t
    });
    let byte = |c: u32, b: u8| t[0][((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8);
    let mut c = !0u32;
    let mut chunks = bytes.chunks_exact(8);
    for ch in &mut chunks {
        let lo = c ^ u32::from_le_bytes([ch[0], ch[1], ch[2], ch[3]]);
        let hi = u32::from_le_bytes([ch[4], ch[5], ch[6], ch[7]]);
        c = t[7][(lo & 0xff) as usize]
            ^ t[6][((lo >> 8) & 0xff) as usize]
            ^ t[5][((lo >> 16) & 0xff) as usize]
            ^ t[4][(lo >> 24) as usize]
            ^ t[3][(hi & 0xff) as usize]
            ^ t[2][((hi >> 8) & 0xff) as usize]
            ^ t[1][((hi >> 16) & 0xff) as usize]
            ^ t[0][(hi >> 24) as usize];
    }
    for &b in chunks.remainder() {
        c = byte(c, b);
    }
    !c
}

/// An unsigned LEB128 varint: 7 bits a byte, low group first, high bit set on all but
/// the last byte. Always the shortest form (the reader refuses any other).
pub(crate) fn put_var(out: &mut Vec<u8>, v: impl Into<u64>) {
    let mut v: u64 = v.into();
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A count or byte length (pools in memory are far below 4 Gi entries; a larger one
/// saturates and the decoder rejects the bundle).
pub(crate) fn put_len(out: &mut Vec<u8>, n: usize) {
    put_var(out, u32::try_from(n).unwrap_or(u32::MAX));
}

/// A string: its byte length, then its UTF-8 bytes.
pub(crate) fn put_str(out: &mut Vec<u8>, s: &str) {
    put_len(out, s.len());
    out.extend_from_slice(s.as_bytes());
}
