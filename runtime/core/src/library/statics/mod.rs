//! Dates, spans, GUIDs, encodings, URIs, hashing, exceptions and the enum constants.
//!
//! Static and instance members of the remaining .NET types. The member index concatenates
//! these tables in the order hashing, dates, spans, codecs, constants: the order of the
//! original single table. Keep it, as the first entry for a key wins.

pub(super) mod codecs;
pub(super) mod constants;
pub(super) mod dates;
pub(super) mod hashing;
pub(super) mod spans;
