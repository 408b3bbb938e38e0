//! The stored form of a cached value (`cache-store-value`): a tag byte and the value's
//! bytes, so that a value read back has its .NET type (an `int` stays an `int`) whichever
//! store holds it. Reference objects are stored as their text by the engine before this.

use crate::value::Value;
use bytes::Bytes;
use gatehouse_dotnet::crypto::Guid;
use gatehouse_dotnet::datetime::{DateTime, DateTimeKind};
use gatehouse_dotnet::timespan::TimeSpan;
use rust_decimal::Decimal;

/// Where `cache-store-value` keeps `key` in a cache (responses have a namespace of their
/// own).
pub fn value_key(key: &str) -> String {
    format!("value\0{key}")
}

/// The stored form of `v`; `None` for a reference or `context` object.
pub fn encode_value(v: &Value) -> Option<Bytes> {
    let mut out = Vec::with_capacity(17);
    match v {
        Value::Null => out.push(0),
        Value::Bool(b) => out.extend([1, u8::from(*b)]),
        Value::Char(c) => put(&mut out, 2, &c.to_le_bytes()),
        Value::Int(n) => put(&mut out, 3, &n.to_le_bytes()),
        Value::Long(n) => put(&mut out, 4, &n.to_le_bytes()),
        Value::UInt(n) => put(&mut out, 5, &n.to_le_bytes()),
        Value::ULong(n) => put(&mut out, 6, &n.to_le_bytes()),
        Value::Float(f) => put(&mut out, 7, &f.to_le_bytes()),
        Value::Double(f) => put(&mut out, 8, &f.to_le_bytes()),
        Value::Decimal(d) => put(&mut out, 9, &d.serialize()),
        Value::Str(s) => put(&mut out, 10, s.as_bytes()),
        Value::DateTime(d) => {
            let kind = match d.kind() {
                DateTimeKind::Unspecified => 0,
                DateTimeKind::Utc => 1,
                DateTimeKind::Local => 2,
            };
            out.extend([11, kind]);
            out.extend(d.ticks().to_le_bytes());
        }
        Value::TimeSpan(t) => put(&mut out, 12, &t.ticks().to_le_bytes()),
        Value::Guid(g) => put(&mut out, 13, &g.display_bytes()),
        Value::Ref(_) | Value::Host(_) => return None,
    }
    Some(Bytes::from(out))
}

fn put(out: &mut Vec<u8>, tag: u8, bytes: &[u8]) {
    out.push(tag);
    out.extend_from_slice(bytes);
}

/// A value stored by [`encode_value`]; `None` when the bytes are not one.
pub fn decode_value(b: &[u8]) -> Option<Value> {
    let (&tag, rest) = b.split_first()?;
    Some(match tag {
        0 if rest.is_empty() => Value::Null,
        1 => Value::Bool(*exact::<1>(rest)?.first()? != 0),
        2 => Value::Char(u16::from_le_bytes(exact(rest)?)),
        3 => Value::Int(i32::from_le_bytes(exact(rest)?)),
        4 => Value::Long(i64::from_le_bytes(exact(rest)?)),
        5 => Value::UInt(u32::from_le_bytes(exact(rest)?)),
        6 => Value::ULong(u64::from_le_bytes(exact(rest)?)),
        7 => Value::Float(f32::from_le_bytes(exact(rest)?)),
        8 => Value::Double(f64::from_le_bytes(exact(rest)?)),
        9 => Value::Decimal(Decimal::deserialize(exact(rest)?)),
        10 => Value::Str(std::str::from_utf8(rest).ok()?.into()),
        11 => {
            let (&kind, ticks) = rest.split_first()?;
            let kind = match kind {
                0 => DateTimeKind::Unspecified,
                1 => DateTimeKind::Utc,
                2 => DateTimeKind::Local,
                _ => return None,
            };
            let ticks = i64::from_le_bytes(exact(ticks)?);
            Value::DateTime(DateTime::from_ticks(ticks, kind).ok()?)
        }
        12 => Value::TimeSpan(TimeSpan::from_ticks(i64::from_le_bytes(exact(rest)?))),
        13 => {
            let bytes: [u8; 16] = exact(rest)?;
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            Value::Guid(Guid::parse(&hex).ok()?)
        }
        _ => return None,
    })
}

fn exact<const N: usize>(b: &[u8]) -> Option<[u8; N]> {
    b.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_inline_value_round_trips_with_its_type() {
        let values = [
            Value::Null,
            Value::Bool(true),
            Value::Char(65),
            Value::Int(-7),
            Value::Long(1 << 40),
            Value::UInt(7),
            Value::ULong(u64::MAX),
            Value::Float(1.5),
            Value::Double(-2.25),
            Value::Decimal(Decimal::new(12345, 2)),
            Value::str("héllo"),
            Value::DateTime(
                DateTime::from_ticks(638_000_000_000_000_000, DateTimeKind::Utc)
                    .unwrap_or_default(),
            ),
            Value::TimeSpan(TimeSpan::from_ticks(10_000_000)),
            Value::Guid(Guid::parse("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap_or(Guid::EMPTY)),
        ];
        for v in values {
            let b = encode_value(&v).unwrap_or_default();
            let back = decode_value(&b);
            assert_eq!(format!("{back:?}"), format!("{:?}", Some(&v)));
        }
        assert_eq!(encode_value(&Value::Ref(crate::value::ObjRef(0))), None);
        assert!(decode_value(&[3, 1]).is_none());
        assert!(decode_value(&[99]).is_none());
        assert!(decode_value(&[]).is_none());
    }
}
