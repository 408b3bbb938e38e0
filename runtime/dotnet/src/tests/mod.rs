//! Unit tests of the .NET library against documented .NET outputs.

mod codec;
mod datetime;
mod json;
mod number;
mod regex;
mod string;
