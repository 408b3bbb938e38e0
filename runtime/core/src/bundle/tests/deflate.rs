//! The deflated payload of program bundles: deterministic, and refused when broken, padded
//! or inflating past the limit.

use super::super::write_program::seal_payload;
use super::{encode_program, limits, raw, reseal, sample};
use crate::bundle::HEADER_LEN;
use crate::bundle::{crc32, decode_program, DecodeLimits};

#[test]
fn program_bundles_hold_their_sections_deflated_and_deterministically() {
    let p = sample::program();
    let bytes = encode_program(&p);
    assert_eq!(
        encode_program(&sample::program()),
        bytes,
        "same program, same bytes"
    );
    let stored = &bytes[HEADER_LEN..];
    assert_eq!(&bytes[16..20], &(stored.len() as u32).to_le_bytes());
    assert_eq!(&bytes[20..24], &crc32(stored).to_le_bytes());
    let sections = raw(&bytes);
    assert_eq!(sections[0], super::super::section::STRINGS);
    assert!(
        stored.len() * 10 < sections.len() * 8,
        "{} bytes deflated from {}",
        stored.len(),
        sections.len()
    );
    assert_eq!(seal_payload(&sections), bytes);
}

#[test]
fn a_broken_or_padded_deflate_stream_is_refused() {
    let bytes = encode_program(&sample::program());
    let stored = &bytes[HEADER_LEN..];
    let mut padded = stored.to_vec();
    padded.extend_from_slice(b"junk");
    let e = decode_program(&reseal(&bytes, &padded), &limits()).unwrap_err();
    assert!(
        e.message
            .contains("4 trailing bytes after the deflate stream"),
        "{}",
        e.message
    );
    assert_eq!(e.offset, bytes.len());
    let cut = &stored[..stored.len() - 1];
    let e = decode_program(&reseal(&bytes, cut), &limits()).unwrap_err();
    assert!(
        e.message.contains("deflate stream ends early"),
        "{}",
        e.message
    );
    // Block type 3 is reserved.
    let e = decode_program(&reseal(&bytes, &[0x07, 0, 0]), &limits()).unwrap_err();
    assert!(
        e.message.contains("not a valid deflate stream"),
        "{}",
        e.message
    );
    let e = decode_program(&reseal(&bytes, &[]), &limits()).unwrap_err();
    assert!(
        e.message.contains("deflate stream ends early"),
        "{}",
        e.message
    );
}

/// Sixteen MiB of zeros deflate to a few KiB: refused once the output reaches the limit,
/// without allocating past it.
#[test]
fn a_decompression_bomb_is_refused() {
    let bomb = seal_payload(&vec![0u8; 16 << 20]);
    assert!(bomb.len() < 64 << 10, "{} bytes", bomb.len());
    let tight = DecodeLimits {
        max_bytes: 1 << 20,
        ..limits()
    };
    let e = decode_program(&bomb, &tight).unwrap_err();
    assert!(
        e.message
            .contains("inflates to over the limit of 1048576 bytes"),
        "{}",
        e.message
    );
    // Within the limit it inflates, and the section verifier refuses it.
    let e = decode_program(&bomb, &limits()).unwrap_err();
    assert!(
        e.message.contains("expected section strings"),
        "{}",
        e.message
    );
}

/// A bundle of format 2 (sections stored as is) is refused by name, not misread.
#[test]
fn a_format_2_bundle_is_refused_with_both_versions_named() {
    let mut bytes = encode_program(&sample::program());
    bytes[4..6].copy_from_slice(&2u16.to_le_bytes());
    let e = decode_program(&bytes, &limits()).unwrap_err();
    assert_eq!(e.offset, 4);
    assert!(
        e.message.contains("format version 2;")
            && e.message.contains(&format!(
                "format version {} only",
                crate::bundle::FORMAT_VERSION
            )),
        "{}",
        e.message
    );
}
