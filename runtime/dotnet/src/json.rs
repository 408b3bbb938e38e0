//! The Newtonsoft.Json LINQ model (`JToken`, `JObject`, `JArray`, `JValue`) and its conversions.

use super::datetime::DateTime;
use super::dtformat::format_datetime;
use super::error::{DResult, DotnetError, ExceptionKind};
use super::jsonwrite::{write, Formatting};
use super::numfmt::{format_f64, IntType};
use super::numparse::{convert_f64_to_int, parse_bool, parse_f64, parse_int};
use indexmap::IndexMap;

/// A Newtonsoft `JToken`. Objects keep insertion order.
#[derive(Debug, Clone, PartialEq)]
pub enum JToken {
    /// `JValue` null (also `undefined` in lenient input).
    Null,
    /// `JValue` Boolean.
    Boolean(bool),
    /// `JValue` Integer (`long`; larger literals become `Float`).
    Integer(i64),
    /// `JValue` Float (`double`).
    Float(f64),
    /// `JValue` String.
    String(String),
    /// `JValue` Date: ISO 8601 strings are read as dates (`DateParseHandling.DateTime`).
    Date(DateTime),
    /// `JArray`.
    Array(Vec<JToken>),
    /// `JObject`.
    Object(IndexMap<String, JToken>),
}

/// `InvalidCastException`/`ArgumentException` for a failed token conversion.
fn cannot_convert(token: &JToken, target: &str) -> DotnetError {
    DotnetError::argument(format!(
        "Can not convert {} to {target}.",
        token.type_name()
    ))
}

impl JToken {
    /// `Type` as its `JTokenType` name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Null => "Null",
            Self::Boolean(_) => "Boolean",
            Self::Integer(_) => "Integer",
            Self::Float(_) => "Float",
            Self::String(_) => "String",
            Self::Date(_) => "Date",
            Self::Array(_) => "Array",
            Self::Object(_) => "Object",
        }
    }

    /// The .NET class name (`JObject`, `JArray`, `JValue`).
    fn class_name(&self) -> &'static str {
        match self {
            Self::Array(_) => "Newtonsoft.Json.Linq.JArray",
            Self::Object(_) => "Newtonsoft.Json.Linq.JObject",
            _ => "Newtonsoft.Json.Linq.JValue",
        }
    }

    /// `ToString()`: indented JSON for containers; for a `JValue`, the value's own `ToString()`
    /// (raw string, `True`, shortest double, empty for null).
    pub fn to_dotnet_string(&self) -> String {
        match self {
            Self::Array(_) | Self::Object(_) => write(self, Formatting::INDENTED),
            _ => self.as_string().unwrap_or_default(),
        }
    }

    /// `ToString(formatting)`: JSON text for any token.
    pub fn to_json(&self, fmt: Formatting) -> String {
        write(self, fmt)
    }

    /// `(string)token` / `Value<string>()`: `None` for null; containers are an `ArgumentException`.
    pub fn as_string(&self) -> Option<String> {
        match self {
            Self::Null => None,
            Self::Boolean(b) => Some(if *b { "True" } else { "False" }.into()),
            Self::Integer(i) => Some(i.to_string()),
            Self::Float(f) => format_f64(*f, "").ok(),
            Self::String(s) => Some(s.clone()),
            Self::Date(d) => format_datetime(*d, "G").ok(),
            Self::Array(_) | Self::Object(_) => None,
        }
    }

    /// `(string)token` with its exception for containers.
    pub fn to_string_value(&self) -> DResult<Option<String>> {
        match self {
            Self::Array(_) | Self::Object(_) => Err(cannot_convert(self, "String")),
            _ => Ok(self.as_string()),
        }
    }

    /// `(long)token`, `(int)token`, `Value<int>()`: strings parsed, floats banker's-rounded,
    /// booleans 1/0; null is an `ArgumentException` (non-nullable target).
    pub fn to_int(&self, ty: IntType) -> DResult<i128> {
        let (lo, hi) = ty.range();
        match self {
            Self::Integer(i) if (lo..=hi).contains(&i128::from(*i)) => Ok(i128::from(*i)),
            Self::Integer(_) => Err(DotnetError::too_big(ty.article_name())),
            Self::Float(f) => convert_f64_to_int(*f, ty),
            Self::String(s) => parse_int(s, ty),
            Self::Boolean(b) => Ok(i128::from(*b)),
            _ => Err(cannot_convert(self, "Int64")),
        }
    }

    /// `(double)token`.
    pub fn to_f64(&self) -> DResult<f64> {
        match self {
            Self::Integer(i) => Ok(*i as f64),
            Self::Float(f) => Ok(*f),
            Self::String(s) => parse_f64(s),
            Self::Boolean(b) => Ok(f64::from(u8::from(*b))),
            _ => Err(cannot_convert(self, "Double")),
        }
    }

    /// `(bool)token`: numbers are true when non-zero, strings go through `bool.Parse`.
    pub fn to_bool(&self) -> DResult<bool> {
        match self {
            Self::Boolean(b) => Ok(*b),
            Self::Integer(i) => Ok(*i != 0),
            Self::Float(f) => Ok(*f != 0.0),
            Self::String(s) => parse_bool(s),
            _ => Err(cannot_convert(self, "Boolean")),
        }
    }

    /// `token["name"]`: `None` for a missing property (C# `null`); on a non-object an exception.
    pub fn get(&self, name: &str) -> DResult<Option<&JToken>> {
        match self {
            Self::Object(map) => Ok(map.get(name)),
            Self::Array(_) => Err(DotnetError::argument(format!(
                "Accessed JArray values with invalid key value: \"{name}\". Int32 array index expected."
            ))),
            _ => Err(DotnetError::new(
                ExceptionKind::InvalidOperation,
                format!("Cannot access child value on {}.", self.class_name()),
            )),
        }
    }

    /// `array[index]`: `ArgumentOutOfRangeException` outside the array.
    pub fn at(&self, index: i64) -> DResult<&JToken> {
        match self {
            Self::Array(items) => usize::try_from(index).ok().and_then(|i| items.get(i)).ok_or_else(|| {
                DotnetError::out_of_range("index", "Index was out of range. Must be non-negative and less than the size of the collection.")
            }),
            Self::Object(_) => Err(DotnetError::argument(format!(
                "Accessed JObject values with invalid key value: {index}. Object property name expected."
            ))),
            _ => Err(DotnetError::new(
                ExceptionKind::InvalidOperation,
                format!("Cannot access child value on {}.", self.class_name()),
            )),
        }
    }

    /// `JObject.Property(name)`: the name and value, or `None`.
    pub fn property(&self, name: &str) -> Option<(&str, &JToken)> {
        match self {
            Self::Object(map) => map.get_key_value(name).map(|(k, v)| (k.as_str(), v)),
            _ => None,
        }
    }

    /// `JObject.Add(name, value)`: `ArgumentException` for a duplicate name.
    pub fn add(&mut self, name: &str, value: JToken) -> DResult<()> {
        let Self::Object(map) = self else {
            return Err(DotnetError::argument(format!(
                "Can not add property {name} to {}.",
                self.class_name()
            )));
        };
        if map.contains_key(name) {
            return Err(DotnetError::argument(format!(
                "Can not add property {name} to Newtonsoft.Json.Linq.JObject. Property with the same name already exists on object."
            )));
        }
        map.insert(name.to_string(), value);
        Ok(())
    }

    /// `obj[name] = value`: adds or replaces in place.
    pub fn set(&mut self, name: &str, value: JToken) -> DResult<()> {
        match self {
            Self::Object(map) => {
                map.insert(name.to_string(), value);
                Ok(())
            }
            _ => Err(DotnetError::new(
                ExceptionKind::InvalidOperation,
                format!("Cannot set child value on {}.", self.class_name()),
            )),
        }
    }

    /// `JObject.Remove(name)`: whether a property was removed (order of the others kept).
    pub fn remove(&mut self, name: &str) -> bool {
        match self {
            Self::Object(map) => map.shift_remove(name).is_some(),
            _ => false,
        }
    }

    /// `JArray.Add(value)`.
    pub fn push(&mut self, value: JToken) -> DResult<()> {
        match self {
            Self::Array(items) => {
                items.push(value);
                Ok(())
            }
            _ => Err(DotnetError::argument(format!(
                "Can not add {} to {}.",
                value.class_name(),
                self.class_name()
            ))),
        }
    }

    /// `Count` of an array or object's properties.
    pub fn count(&self) -> usize {
        match self {
            Self::Array(items) => items.len(),
            Self::Object(map) => map.len(),
            _ => 0,
        }
    }

    /// `JContainer.Merge(other)` with default settings: objects merge recursively, arrays
    /// concatenate, other values replace; null values are ignored (`MergeNullValueHandling.Ignore`).
    pub fn merge(&mut self, other: &JToken) {
        match (self, other) {
            (Self::Object(mine), Self::Object(theirs)) => {
                for (k, v) in theirs {
                    match mine.get_mut(k) {
                        Some(existing) if same_container(existing, v) => existing.merge(v),
                        Some(_) if matches!(v, JToken::Null) => {}
                        Some(existing) => *existing = v.clone(),
                        None => {
                            mine.insert(k.clone(), v.clone());
                        }
                    }
                }
            }
            (Self::Array(mine), Self::Array(theirs)) => mine.extend(theirs.iter().cloned()),
            _ => {}
        }
    }
}

/// True when both are objects or both are arrays.
fn same_container(a: &JToken, b: &JToken) -> bool {
    matches!(
        (a, b),
        (JToken::Object(_), JToken::Object(_)) | (JToken::Array(_), JToken::Array(_))
    )
}

/// `JsonConvert.SerializeObject` of a primitive string (`None` is `null`).
pub fn serialize_string(s: Option<&str>) -> String {
    s.map_or_else(|| "null".to_string(), super::jsonwrite::quote)
}
