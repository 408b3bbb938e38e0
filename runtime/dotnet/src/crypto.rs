//! `SHA1/SHA256/SHA384/SHA512/MD5.ComputeHash`, the `HMAC*` classes, and `System.Guid`.

use super::error::{DResult, DotnetError};
use hmac::{Hmac, Mac};
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};

/// A hash algorithm available to policy expressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashAlgorithm {
    /// `MD5`.
    Md5,
    /// `SHA1`.
    Sha1,
    /// `SHA256`.
    Sha256,
    /// `SHA384`.
    Sha384,
    /// `SHA512`.
    Sha512,
}

/// `X.Create().ComputeHash(bytes)` / `X.HashData(bytes)`.
pub fn compute_hash(alg: HashAlgorithm, data: &[u8]) -> Vec<u8> {
    match alg {
        HashAlgorithm::Md5 => Md5::digest(data).to_vec(),
        HashAlgorithm::Sha1 => Sha1::digest(data).to_vec(),
        HashAlgorithm::Sha256 => Sha256::digest(data).to_vec(),
        HashAlgorithm::Sha384 => Sha384::digest(data).to_vec(),
        HashAlgorithm::Sha512 => Sha512::digest(data).to_vec(),
    }
}

/// Runs one HMAC; any key length is accepted (long keys are hashed first, as in .NET).
fn mac<M: Mac + hmac::digest::KeyInit>(key: &[u8], data: &[u8]) -> Vec<u8> {
    match <M as hmac::digest::KeyInit>::new_from_slice(key) {
        Ok(mut m) => {
            m.update(data);
            m.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

/// `new HMACSHA256(key).ComputeHash(data)` and the other `HMAC*` classes.
pub fn hmac(alg: HashAlgorithm, key: &[u8], data: &[u8]) -> Vec<u8> {
    match alg {
        HashAlgorithm::Md5 => mac::<Hmac<Md5>>(key, data),
        HashAlgorithm::Sha1 => mac::<Hmac<Sha1>>(key, data),
        HashAlgorithm::Sha256 => mac::<Hmac<Sha256>>(key, data),
        HashAlgorithm::Sha384 => mac::<Hmac<Sha384>>(key, data),
        HashAlgorithm::Sha512 => mac::<Hmac<Sha512>>(key, data),
    }
}

/// A `System.Guid`, stored in .NET's field order (`Data1` little-endian int, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Guid {
    /// The 32 hex digits in display order.
    bytes: [u8; 16],
}

impl Guid {
    /// `Guid.Empty`.
    pub const EMPTY: Guid = Guid { bytes: [0; 16] };

    /// `Guid.NewGuid()` from 16 random bytes: sets the version 4 and RFC 4122 variant bits.
    pub fn new_v4(mut random: [u8; 16]) -> Self {
        random[6] = (random[6] & 0x0F) | 0x40;
        random[8] = (random[8] & 0x3F) | 0x80;
        Self { bytes: random }
    }

    /// The 16 bytes in display (big-endian) order.
    pub fn display_bytes(self) -> [u8; 16] {
        self.bytes
    }

    /// `ToByteArray()`: the first three fields little-endian, as .NET stores them.
    pub fn to_byte_array(self) -> [u8; 16] {
        let mut b = self.bytes;
        b[0..4].reverse();
        b[4..6].reverse();
        b[6..8].reverse();
        b
    }

    /// `Guid.Parse(s)`: the `D`, `N`, `B` and `P` forms, any hex case, surrounding whitespace ignored.
    pub fn parse(s: &str) -> DResult<Self> {
        let t = s.trim();
        let inner = match (t.chars().next(), t.chars().last(), t.len()) {
            (Some('{'), Some('}'), 38) | (Some('('), Some(')'), 38) => &t[1..37],
            (_, _, 36) | (_, _, 32) => t,
            _ => return Err(bad_guid()),
        };
        let hex: String = if inner.len() == 36 {
            let dashes = [8, 13, 18, 23];
            if !dashes.iter().all(|&i| inner.as_bytes()[i] == b'-') {
                return Err(bad_guid());
            }
            inner.chars().filter(|&c| c != '-').collect()
        } else {
            inner.to_string()
        };
        if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad_guid());
        }
        let mut bytes = [0u8; 16];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).map_err(|_| bad_guid())?;
        }
        Ok(Self { bytes })
    }

    /// `Guid.TryParse`.
    pub fn try_parse(s: &str) -> Option<Self> {
        Self::parse(s).ok()
    }

    /// `ToString(format)`: `D` (default), `N`, `B`, `P`, lower-case hex; `X` is not supported.
    pub fn format(self, format: &str) -> DResult<String> {
        let hex: String = self.bytes.iter().map(|b| format!("{b:02x}")).collect();
        let d = format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        );
        Ok(match format {
            "" | "D" | "d" => d,
            "N" | "n" => hex,
            "B" | "b" => format!("{{{d}}}"),
            "P" | "p" => format!("({d})"),
            "X" | "x" => return Err(DotnetError::unsupported("Guid format \"X\"")),
            _ => {
                return Err(DotnetError::format(
                    "Format string can be only \"D\", \"d\", \"N\", \"n\", \"P\", \"p\", \"B\", \"b\", \"X\" or \"x\".",
                ))
            }
        })
    }
}

/// .NET's message for an unparsable GUID.
fn bad_guid() -> DotnetError {
    DotnetError::format("Unrecognized Guid format.")
}
