//! Fuzz target: the program-bundle loader refuses or accepts any bytes, never panics, and
//! whatever it accepts decodes again, to itself, from its own encoding.

#![no_main]

use gatehouse_runtime::bundle::{decode_program, encode_program, DecodeLimits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = DecodeLimits {
        max_bytes: 1 << 20,
        ..DecodeLimits::default()
    };
    if let Ok(p) = decode_program(data, &limits) {
        // The sections are canonical, the deflate stream is not (many streams inflate to
        // the same bytes): compare programs, not bytes.
        let again = encode_program(&p);
        assert_eq!(decode_program(&again, &limits).ok(), Some(p));
        assert_eq!(encode_program(&p), again, "the writer is deterministic");
    }
});
