//! JUnit XML validated against the JUnit XML schema (xmllint) and read back, LCOV parsed
//! back, JSON read back.

mod common;
use common::{run, POLICY};
use quick_xml::events::Event;
use std::collections::HashMap;

const YAML: &str = r#"
world: { backends: { "*": { status: 200 } } }
cases:
  - name: passes
    request: { url: /shop/items/1 }
    expect: { status: 200 }
  - name: "fails <&>"
    request: { url: /shop/items/1, headers: { X-Teapot: "1" } }
    expect: { status: 200 }
  - name: errs
    request: { url: /shop/items/1, subscription: nobody }
"#;

#[test]
fn junit_follows_the_junit_schema() {
    let r = run(POLICY, YAML);
    let xml = gatehouse_testing::report::junit(&r).expect("junit");
    // The structure the JUnit XSD (testsuites > testsuite > testcase > failure|error)
    // requires: names, counts and times on suites, name/classname/time on cases,
    // a message on each failure and error.
    let mut r2 = quick_xml::Reader::from_str(&xml);
    let mut names: Vec<(String, String, HashMap<String, String>)> = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    loop {
        match r2.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) => {
                let empty = false;
                let name = e.name().into_inner().to_string();
                let attrs: HashMap<String, String> = e
                    .attributes()
                    .map(|a| {
                        let a = a.expect("attribute");
                        let raw = a.value.to_string();
                        let value = quick_xml::escape::unescape(&raw)
                            .expect("value")
                            .into_owned();
                        (a.key.into_inner().to_string(), value)
                    })
                    .collect();
                names.push((
                    name.clone(),
                    stack.last().cloned().unwrap_or_default(),
                    attrs,
                ));
                if !empty {
                    stack.push(name);
                }
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let root = &names[0];
    assert_eq!(root.0, "testsuites");
    assert_eq!(root.2["tests"], "3");
    assert_eq!(root.2["failures"], "1");
    assert_eq!(root.2["errors"], "1");
    let suites: Vec<_> = names.iter().filter(|e| e.0 == "testsuite").collect();
    assert_eq!(suites.len(), 1);
    assert_eq!(suites[0].1, "testsuites");
    for a in ["name", "tests", "failures", "errors"] {
        assert!(suites[0].2.contains_key(a), "testsuite@{a}");
    }
    let cases: Vec<_> = names.iter().filter(|e| e.0 == "testcase").collect();
    assert_eq!(cases.len(), 3);
    for c in &cases {
        assert_eq!(c.1, "testsuite");
        for a in ["name", "classname", "time"] {
            assert!(c.2.contains_key(a), "testcase@{a}");
        }
        assert!(c.2["time"].parse::<f64>().is_ok());
    }
    assert_eq!(cases[1].2["name"], "fails <&>", "escaped and read back");
    let failure = names.iter().find(|e| e.0 == "failure").expect("a failure");
    assert_eq!(failure.1, "testcase");
    assert!(
        failure.2["message"].starts_with("status: expected 200, got 418"),
        "{:?}",
        failure.2
    );
    let error = names.iter().find(|e| e.0 == "error").expect("an error");
    assert!(
        error.2["message"].contains("no subscription `nobody`"),
        "{:?}",
        error.2
    );
    // And quick-junit reads its own output back.
    let back = quick_junit::Report::deserialize_from_str(&xml).expect("deserializes");
    assert_eq!(back.tests, 3);
}

/// Runs `xmllint --schema tests/data/junit.xsd` on `xml`: `Ok` when it validates, else
/// xmllint's complaint. xmllint (Debian's `libxml2-utils`) is installed by `.ci/run`.
fn xmllint(xml: &str) -> Result<(), String> {
    use std::io::Write;
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/junit.xsd");
    let mut child = std::process::Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema", schema, "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("xmllint is not installed: apt-get install libxml2-utils (as .ci/run does)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(xml.as_bytes())
        .expect("xml to xmllint");
    let out = child.wait_with_output().expect("xmllint runs");
    match out.status.success() {
        true => Ok(()),
        false => Err(String::from_utf8_lossy(&out.stderr).into_owned()),
    }
}

#[test]
fn junit_validates_against_the_junit_xml_schema() {
    let r = run(POLICY, YAML);
    let xml = gatehouse_testing::report::junit(&r).expect("junit");
    assert!(xml.contains("<failure") && xml.contains("<error"), "{xml}");
    xmllint(&xml).unwrap_or_else(|e| panic!("does not validate: {e}\n{xml}"));
    // The validator is not a rubber stamp: a case without a name, a negative count and a
    // stray element are each refused.
    for bad in [
        xml.replacen("<testcase name=", "<testcase label=", 1),
        xml.replacen(r#"tests="3""#, r#"tests="-3""#, 1),
        xml.replacen("</testsuite>", "<note/></testsuite>", 1),
    ] {
        assert_ne!(bad, xml, "the mutation applies");
        assert!(xmllint(&bad).is_err(), "validates: {bad}");
    }
}

#[test]
fn lcov_parses_back_into_the_coverage_counts() {
    let r = run(POLICY, YAML);
    let lcov = r.coverage.lcov("proj");
    let mut records = Vec::new();
    let mut cur: HashMap<&str, Vec<String>> = HashMap::new();
    for line in lcov.lines() {
        if line == "end_of_record" {
            records.push(std::mem::take(&mut cur));
            continue;
        }
        let (k, v) = line.split_once(':').expect("KEY:VALUE");
        cur.entry(k).or_default().push(v.to_string());
    }
    assert!(cur.is_empty(), "the last record is closed");
    assert_eq!(records.len(), 1);
    let rec = &records[0];
    assert_eq!(rec["SF"], ["proj/apis/shop/policy.xml"]);
    let da: Vec<(u32, u64)> = rec["DA"]
        .iter()
        .map(|d| {
            let (l, n) = d.split_once(',').expect("DA:line,hits");
            (l.parse().expect("line"), n.parse().expect("hits"))
        })
        .collect();
    assert_eq!(rec["LF"], [da.len().to_string()]);
    assert_eq!(
        rec["LH"],
        [da.iter().filter(|(_, n)| *n > 0).count().to_string()]
    );
    // The on-error set-header (line 31) never ran; the forward-request ran in one case.
    assert!(da.contains(&(31, 0)), "{da:?}");
    assert!(da.contains(&(20, 1)), "{da:?}");
    let brda: Vec<Vec<String>> = rec["BRDA"]
        .iter()
        .map(|b| b.split(',').map(String::from).collect())
        .collect();
    assert_eq!(
        brda,
        [["7", "0", "0", "1"], ["7", "0", "1", "1"]].map(|r| r.map(String::from).to_vec())
    );
    assert_eq!(rec["BRF"], ["2"]);
    assert_eq!(rec["BRH"], ["2"]);
    let t = r.coverage.total();
    assert_eq!((t.branches, t.branches_hit), (2, 2));
    assert!(t.statements_hit < t.statements);
}

#[test]
fn the_json_report_reads_back() {
    let r = run(POLICY, YAML);
    let j = gatehouse_testing::report::json(&r);
    let text = j.to_string();
    let back: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(back["passed"], 1);
    assert_eq!(back["failed"], 2);
    assert_eq!(back["cases"][1]["failures"][0]["what"], "status");
    assert_eq!(back["cases"][1]["failures"][0]["line"], 9);
    assert!(back["coverage"]["statements"].as_u64().unwrap_or(0) > 0);
}
