//! Unit tests of the .NET library against documented .NET outputs.

mod codec;
mod datetime;
mod number;
mod regex;
mod string;
