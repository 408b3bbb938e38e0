//! The per-evaluation heap of reference objects: JSON nodes, collections, regex results, lambdas.

use super::fault::{Fault, FaultKind};
use crate::value::{ObjRef, Value};
use gatehouse_dotnet::crypto::HashAlgorithm;
use gatehouse_dotnet::json::JToken;
use gatehouse_dotnet::regex::{Group, Match, Regex};
use indexmap::IndexMap;
use std::sync::Arc;

/// A dictionary or set key: strings and integers by value, anything else by its text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    /// A string key.
    Str(Arc<str>),
    /// An integral key.
    Int(i128),
    /// Any other key, by `ToString()`.
    Other(String),
}

impl Key {
    /// The key of a scalar value.
    pub fn of(v: &Value) -> Key {
        match v {
            Value::Str(s) => Key::Str(s.clone()),
            _ => match v.as_i128() {
                Some(i) => Key::Int(i),
                None => Key::Other(v.scalar_string().unwrap_or_else(|| format!("{v:?}"))),
            },
        }
    }
}

/// `Encoding.*` instances.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Enc {
    Utf8,
    Ascii,
    Unicode,
    Latin1,
}

/// A heap object.
#[derive(Debug)]
pub enum Obj {
    /// `JObject`: properties in order.
    JObject(IndexMap<Arc<str>, ObjRef>),
    /// `JArray`.
    JArray(Vec<ObjRef>),
    /// `JValue` (a scalar token).
    JValue(JToken),
    /// `JProperty(name, value)`.
    JProperty(Arc<str>, ObjRef),
    /// `List<T>` (element type name for `ToString`).
    List(&'static str, Vec<Value>),
    /// `T[]`.
    Array(&'static str, Vec<Value>),
    /// `byte[]`.
    Bytes(Vec<u8>),
    /// `Dictionary<K,V>`: key → (key, value).
    Dict(IndexMap<Key, (Value, Value)>),
    /// `HashSet<T>`.
    Set(IndexMap<Key, Value>),
    /// `KeyValuePair<K,V>`.
    Pair(Value, Value),
    /// `StringBuilder`.
    Builder(String),
    /// An anonymous object.
    Anon(Arc<[Arc<str>]>, Vec<Value>),
    /// A lambda or local function.
    Lambda(u32),
    /// A regex `Match`.
    Match(Box<Match>),
    /// `Match.Groups`.
    Groups(ObjRef),
    /// A regex `Group`.
    Group(Group),
    /// A `Regex`.
    Regex(Arc<Regex>),
    /// A hash algorithm (with the key for HMACs).
    Hash(HashAlgorithm, Option<Vec<u8>>),
    /// An `Encoding`.
    Encoding(Enc),
    /// `Random` (xorshift state).
    Random(u64),
    /// An exception object.
    Exception(FaultKind, Arc<str>),
    /// A `foreach` iterator over a snapshot.
    Iter(Vec<Value>, usize),
    /// A `System.Xml.Linq` node.
    Xml(crate::library::xml::XObj),
}

/// The heap: objects by handle, freed all at once when the evaluation ends.
#[derive(Debug, Default)]
pub struct Heap {
    objs: Vec<Obj>,
    limit: usize,
}

impl Heap {
    /// An empty heap holding at most `limit` objects.
    pub fn new(limit: usize) -> Heap {
        Heap {
            objs: Vec::new(),
            limit,
        }
    }

    /// Drops every object (keeps the capacity) and sets the limit.
    pub fn reset(&mut self, limit: usize) {
        self.objs.clear();
        self.limit = limit;
    }

    /// Drops every object from index `keep` on (keeps the capacity) and allows `extra` more;
    /// the first `keep` objects stay valid (values kept across evaluations).
    pub fn rewind(&mut self, keep: usize, extra: usize) {
        self.objs.truncate(keep);
        self.limit = self.objs.len().saturating_add(extra);
    }

    /// How many objects the heap holds.
    pub fn len(&self) -> usize {
        self.objs.len()
    }

    /// Whether the heap holds no object.
    pub fn is_empty(&self) -> bool {
        self.objs.is_empty()
    }

    /// Stores `o`, failing past the limit.
    pub fn alloc(&mut self, o: Obj) -> Result<ObjRef, Fault> {
        if self.objs.len() >= self.limit {
            return Err(Fault::new(FaultKind::HeapLimit, "heap limit reached"));
        }
        self.objs.push(o);
        Ok(ObjRef(self.objs.len() as u32 - 1))
    }

    /// Stores `o` and returns it as a value.
    pub fn value(&mut self, o: Obj) -> Result<Value, Fault> {
        self.alloc(o).map(Value::Ref)
    }

    /// The object behind `r`.
    pub fn get(&self, r: ObjRef) -> &Obj {
        // Handles are only made by `alloc` on this heap; an out-of-range handle cannot occur,
        // but fall back to a harmless object rather than panic.
        static NONE: Obj = Obj::Lambda(u32::MAX);
        self.objs.get(r.0 as usize).unwrap_or(&NONE)
    }

    /// The object behind `r`, mutably.
    pub fn get_mut(&mut self, r: ObjRef) -> Option<&mut Obj> {
        self.objs.get_mut(r.0 as usize)
    }

    /// Imports a Newtonsoft token as heap nodes.
    pub fn import(&mut self, t: JToken) -> Result<ObjRef, Fault> {
        match t {
            JToken::Object(m) => {
                let mut out = IndexMap::with_capacity(m.len());
                for (k, v) in m {
                    let v = self.import(v)?;
                    out.insert(Arc::from(k), v);
                }
                self.alloc(Obj::JObject(out))
            }
            JToken::Array(xs) => {
                let mut out = Vec::with_capacity(xs.len());
                for x in xs {
                    out.push(self.import(x)?);
                }
                self.alloc(Obj::JArray(out))
            }
            scalar => self.alloc(Obj::JValue(scalar)),
        }
    }

    /// Exports heap nodes as a Newtonsoft token (`None` if `r` is not a JSON node).
    pub fn export(&self, r: ObjRef) -> Option<JToken> {
        self.export_depth(r, 0)
    }

    fn export_depth(&self, r: ObjRef, depth: usize) -> Option<JToken> {
        if depth > 256 {
            return Some(JToken::Null);
        }
        Some(match self.get(r) {
            Obj::JObject(m) => JToken::Object(
                m.iter()
                    .map(|(k, v)| {
                        let v = self.export_depth(*v, depth + 1).unwrap_or(JToken::Null);
                        (k.to_string(), v)
                    })
                    .collect(),
            ),
            Obj::JArray(xs) => JToken::Array(
                xs.iter()
                    .map(|x| self.export_depth(*x, depth + 1).unwrap_or(JToken::Null))
                    .collect(),
            ),
            Obj::JValue(t) => t.clone(),
            Obj::JProperty(k, v) => {
                let mut m = IndexMap::new();
                m.insert(k.to_string(), self.export_depth(*v, depth + 1)?);
                JToken::Object(m)
            }
            _ => return None,
        })
    }

    /// Whether `r` is a JSON node (`JObject`, `JArray`, `JValue`, `JProperty`).
    pub fn is_json(&self, r: ObjRef) -> bool {
        matches!(
            self.get(r),
            Obj::JObject(_) | Obj::JArray(_) | Obj::JValue(_) | Obj::JProperty(..)
        )
    }
}
