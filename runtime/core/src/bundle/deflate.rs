//! The compression of a program bundle's payload: raw DEFLATE (RFC 1951) via `miniz_oxide`,
//! inflated under a hard output bound.

use crate::bundle::HEADER_LEN;
use crate::bundle::{BundleError, DecodeLimits};
use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

/// The `miniz_oxide` compression level: 6, zlib's default. Levels 7 to 9 gave bundles within
/// 0.1% of its size at twice its encoding time; loading speed does not depend on the level.
const LEVEL: u8 = 6;

/// `raw` deflated (no zlib or gzip wrapper). Deterministic: the same bytes always give the
/// same stream with the same `miniz_oxide` version.
pub(super) fn deflate(raw: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec(raw, LEVEL)
}

/// Inflates the stored payload of a program bundle (the bytes after the header).
///
/// The output never grows past [`DecodeLimits::max_bytes`] (a decompression bomb is refused
/// once it reaches the bound, before allocating more); the stream must end exactly at the
/// end of `stored`. Error offsets are bundle offsets (the header included) of the stored
/// byte where inflating stopped.
pub(crate) fn inflate(stored: &[u8], limits: &DecodeLimits) -> Result<Vec<u8>, BundleError> {
    let limit = limits.max_bytes;
    let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    // Sections deflate to between a fifth and a half of their size: eight times the stored
    // size rarely needs to grow.
    let mut out = vec![0u8; stored.len().saturating_mul(8).clamp(1, limit.max(1))];
    let mut state = Box::<DecompressorOxide>::default();
    let (mut in_pos, mut out_pos) = (0, 0);
    loop {
        let input = stored.get(in_pos..).unwrap_or_default();
        let (status, read, written) = decompress(&mut state, input, &mut out, out_pos, flags);
        in_pos += read;
        out_pos += written;
        let at = HEADER_LEN + in_pos;
        match status {
            TINFLStatus::Done if in_pos == stored.len() => {
                out.truncate(out_pos);
                return Ok(out);
            }
            TINFLStatus::Done => {
                return Err(BundleError::new(
                    at,
                    format!(
                        "{} trailing bytes after the deflate stream",
                        stored.len() - in_pos
                    ),
                ))
            }
            TINFLStatus::HasMoreOutput if out.len() < limit => {
                let grown = out.len().saturating_mul(2).min(limit);
                out.resize(grown, 0);
            }
            TINFLStatus::HasMoreOutput => {
                return Err(BundleError::new(
                    at,
                    format!("the payload inflates to over the limit of {limit} bytes"),
                ))
            }
            TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => {
                return Err(BundleError::new(
                    at,
                    "truncated: the deflate stream ends early",
                ))
            }
            other => {
                return Err(BundleError::new(
                    at,
                    format!("the payload is not a valid deflate stream ({other:?})"),
                ))
            }
        }
    }
}
