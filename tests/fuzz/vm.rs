//! Fuzz target `vm`: random policy-expression programs from a small typed grammar of C#
//! (arithmetic, strings, `context.Request…`, LINQ, locals, `if`, loops with bounded counts),
//! plus lightly mutated eval cases, compiled with `lower_source`, checked by the bundle
//! verifier and run on the VM against a `RequestHost`. Any fault is fine; a panic, a hang
//! or compiled code the verifier refuses is not. The VM's step limit bounds time.

use super::mutate::mutate;
use super::{assert_clean, run, Budget, Rng, Target};
use gatehouse_compiler::lower::lower_source;
use gatehouse_runtime::bundle::{decode, encode, DecodeLimits};
use gatehouse_runtime::host::{RequestHost, RequestSpec};
use gatehouse_runtime::vm::{eval, VmLimits};
use std::sync::atomic::{AtomicU64, Ordering};

/// Programs that compiled (the rest were refused by lowering or type checks).
static COMPILED: AtomicU64 = AtomicU64::new(0);

/// The request every program runs against.
const REQUEST: &str = r#"{"method": "POST", "url": "https://api.example.com/orders/42?top=5&q=a%20b",
 "headers": {"Content-Type": ["application/json"], "X-Name": ["alice", "bob"], "Authorization": ["Bearer abc.def.ghi"]},
 "body": "{\"id\": 42, \"items\": [1, 2, 3], \"name\": \"x\"}",
 "variables": {"v": "text", "n": 5}}"#;

/// A program generator: typed expressions over the locals in scope.
struct Gen<'r> {
    rng: &'r mut Rng,
    ints: Vec<String>,
    strs: Vec<String>,
    next: usize,
}

impl Gen<'_> {
    fn int(&mut self, d: u32) -> String {
        let leaf = d == 0 || self.rng.one_in(3);
        if leaf {
            return match self.rng.below(6) {
                0 if !self.ints.is_empty() => self.rng.pick(&self.ints).clone(),
                1 => "context.Request.Headers.Count".into(),
                2 => "int.MaxValue".into(),
                3 => "-1".into(),
                _ => self.rng.below(20).to_string(),
            };
        }
        let d = d - 1;
        match self.rng.below(12) {
            0 => format!("({} + {})", self.int(d), self.int(d)),
            1 => format!("({} - {})", self.int(d), self.int(d)),
            2 => format!("({} * {})", self.int(d), self.int(d)),
            3 => format!("({} / {})", self.int(d), self.int(d)),
            4 => format!("({} % {})", self.int(d), self.int(d)),
            5 => format!("{}.Length", self.str(d)),
            6 => format!("Math.Max({}, {})", self.int(d), self.int(d)),
            7 => format!("({} ? {} : {})", self.bool(d), self.int(d), self.int(d)),
            8 => format!("{}.Count()", self.seq(d)),
            9 => format!("int.Parse({})", self.str(d)),
            10 => format!("{}.IndexOf({})", self.str(d), self.str(d)),
            _ => format!("Math.Abs({})", self.int(d)),
        }
    }

    fn str(&mut self, d: u32) -> String {
        let leaf = d == 0 || self.rng.one_in(3);
        if leaf {
            return match self.rng.below(8) {
                0 if !self.strs.is_empty() => self.rng.pick(&self.strs).clone(),
                1 => "context.Request.Method".into(),
                2 => "context.Request.Url.Path".into(),
                3 => "context.Request.Headers.GetValueOrDefault(\"X-Name\", \"none\")".into(),
                4 => "context.Request.Url.Query.GetValueOrDefault(\"q\", \"\")".into(),
                5 => "\"\"".into(),
                6 => "context.Request.Body.As<string>(preserveContent: true)".into(),
                _ => format!(
                    "\"{}\"",
                    ["a", "b,c", "42", "ä€", " x ", "{0}"][self.rng.below(6)]
                ),
            };
        }
        let d = d - 1;
        match self.rng.below(14) {
            0 => format!("({} + {})", self.str(d), self.str(d)),
            1 => format!("{}.ToUpper()", self.str(d)),
            2 => format!("{}.Substring({})", self.str(d), self.int(d)),
            3 => format!("{}.Replace({}, {})", self.str(d), self.str(d), self.str(d)),
            4 => format!("{}.ToString()", self.int(d)),
            5 => format!("string.Join(\",\", {})", self.seq(d)),
            6 => format!("$\"{{{}}}-{{{}}}\"", self.str(d), self.int(d)),
            7 => format!("{}.PadLeft({} % 50)", self.str(d), self.int(d)),
            8 => format!("{}.Trim()", self.str(d)),
            9 => format!("({} ? {} : {})", self.bool(d), self.str(d), self.str(d)),
            10 => format!(
                "String.Format(\"{{0}}/{{1}}\", {}, {})",
                self.str(d),
                self.int(d)
            ),
            11 => format!(
                "(string)context.Request.Body.As<JObject>(preserveContent: true)[{}]",
                self.str(d)
            ),
            12 => format!("{}.FirstOrDefault()", self.seq(d)),
            _ => format!("({} ?? {})", self.str(d), self.str(d)),
        }
    }

    fn bool(&mut self, d: u32) -> String {
        if d == 0 || self.rng.one_in(4) {
            return [
                "true",
                "false",
                "context.Request.Headers.ContainsKey(\"X-Name\")",
            ][self.rng.below(3)]
            .into();
        }
        let d = d - 1;
        match self.rng.below(8) {
            0 => format!("({} < {})", self.int(d), self.int(d)),
            1 => format!("({} == {})", self.str(d), self.str(d)),
            2 => format!("{}.Contains({})", self.str(d), self.str(d)),
            3 => format!("!{}", self.bool(d)),
            4 => format!("({} && {})", self.bool(d), self.bool(d)),
            5 => format!("({} || {})", self.bool(d), self.bool(d)),
            6 => format!("string.IsNullOrEmpty({})", self.str(d)),
            _ => format!("{}.Any(x => x.Length > {})", self.seq(d), self.int(d)),
        }
    }

    /// An `IEnumerable<string>`.
    fn seq(&mut self, d: u32) -> String {
        let d = d.saturating_sub(1);
        match self.rng.below(6) {
            0 => format!("new[] {{ {}, {} }}", self.str(d), self.str(d)),
            1 => "context.Request.Headers.Select(h => h.Key)".into(),
            2 => format!("{}.Split(',')", self.str(d)),
            3 => format!("{}.Where(x => x != {})", self.seq(d), self.str(d)),
            4 => format!("{}.OrderBy(x => x)", self.seq(d)),
            _ => format!("{}.Select(x => x + {})", self.seq(d), self.str(d)),
        }
    }

    fn local(&mut self) -> String {
        self.next += 1;
        format!("v{}", self.next)
    }

    /// Statements, declaring locals as they go.
    fn stmts(&mut self, depth: u32, out: &mut String) {
        for _ in 0..self.rng.range(1, 4) {
            match self.rng.below(7) {
                0 => {
                    let v = self.local();
                    let e = self.int(3);
                    out.push_str(&format!("var {v} = {e}; "));
                    self.ints.push(v);
                }
                1 => {
                    let v = self.local();
                    let e = self.str(3);
                    out.push_str(&format!("var {v} = {e}; "));
                    self.strs.push(v);
                }
                2 if !self.ints.is_empty() => {
                    let v = self.rng.pick(&self.ints).clone();
                    let e = self.int(2);
                    out.push_str(&format!("{v} = {v} + {e}; "));
                }
                3 if !self.strs.is_empty() => {
                    // The new value never reads a local: a string that feeds on itself in a
                    // loop grows exponentially, which the VM does not bound yet (issue 19,
                    // item 5).
                    let v = self.rng.pick(&self.strs).clone();
                    let locals = std::mem::take(&mut self.strs);
                    let e = self.str(2);
                    self.strs = locals;
                    out.push_str(&format!("{v} = {e}; "));
                }
                4 if depth > 0 => {
                    let c = self.bool(2);
                    out.push_str(&format!("if ({c}) {{ "));
                    self.scoped(depth - 1, out);
                    out.push_str("} else { ");
                    self.scoped(depth - 1, out);
                    out.push_str("} ");
                }
                5 if depth > 0 => {
                    let i = self.local();
                    let n = self.rng.below(7);
                    out.push_str(&format!("for (int {i} = 0; {i} < {n}; {i}++) {{ "));
                    self.ints.push(i);
                    self.scoped(depth - 1, out);
                    self.ints.pop();
                    out.push_str("} ");
                }
                6 if depth > 0 => {
                    let x = self.local();
                    let s = self.seq(2);
                    out.push_str(&format!("foreach (var {x} in {s}) {{ "));
                    self.strs.push(x);
                    self.scoped(depth - 1, out);
                    self.strs.pop();
                    out.push_str("} ");
                }
                _ => {}
            }
        }
    }

    /// Statements whose locals end with the block.
    fn scoped(&mut self, depth: u32, out: &mut String) {
        let (i, s) = (self.ints.len(), self.strs.len());
        self.stmts(depth, out);
        self.ints.truncate(i);
        self.strs.truncate(s);
    }

    /// A whole program: `@(expr)` or `@{ statements; return expr; }`.
    fn program(&mut self) -> String {
        if self.rng.one_in(3) {
            let e = match self.rng.below(3) {
                0 => self.int(4),
                1 => self.str(4),
                _ => self.bool(4),
            };
            format!("@({e})")
        } else {
            let mut out = String::from("@{ ");
            self.stmts(3, &mut out);
            let e = if self.rng.one_in(2) {
                self.str(3)
            } else {
                self.int(3)
            };
            out.push_str(&format!("return {e}; }}"));
            out
        }
    }
}

/// Runs one input (program text).
pub fn check(input: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(input);
    let Ok((code, _)) = lower_source(&text, &|n| (n == "x").then(|| "42".to_string())) else {
        return Ok(());
    };
    COMPILED.fetch_add(1, Ordering::Relaxed);
    match decode(&encode(&code), &DecodeLimits::default()) {
        Ok(back) if back == code => {}
        Ok(_) => return Err("compiled code decodes to different code".into()),
        Err(e) => return Err(format!("the verifier refuses compiled code: {e}")),
    }
    let mut host = RequestHost::from_json(REQUEST).map_err(|e| format!("request: {e:?}"))?;
    let limits = VmLimits {
        max_steps: 200_000,
        max_heap: 200_000,
        ..VmLimits::default()
    };
    let _ = eval(&code, &mut host, &limits);
    Ok(())
}

/// Whether `b` holds a run of six or more digits.
fn long_number(b: &[u8]) -> bool {
    b.split(|c| !c.is_ascii_digit()).any(|run| run.len() >= 6)
}

#[test]
fn vm() {
    let evals: Vec<Vec<u8>> = super::expressions::eval_exprs()
        .into_iter()
        .map(String::into_bytes)
        .collect();
    let _ = RequestSpec::default();
    let mut generate = |rng: &mut Rng| {
        if rng.one_in(4) && !evals.is_empty() {
            // Digits are never inserted: a mutated loop bound or width could ask for
            // gigabytes, which the VM does not bound yet (issue 19, item 5).
            let seed = rng.pick(&evals);
            let m = mutate(
                seed,
                &evals,
                &[".", "(", ")", "\"", "?.", "!", "null", "-"],
                rng,
                8 << 10,
            );
            if !long_number(&m) {
                return m;
            }
        }
        {
            let mut g = Gen {
                rng,
                ints: Vec::new(),
                strs: Vec::new(),
                next: 0,
            };
            g.program().into_bytes()
        }
    };
    let report = run(Target {
        name: "vm",
        budget: Budget::of(6_000),
        generate: &mut generate,
        check: &check,
    });
    println!(
        "fuzz vm: {} programs compiled and ran",
        COMPILED.load(Ordering::Relaxed)
    );
    assert_clean("vm", &report);
}
