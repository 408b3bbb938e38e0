//! `gatehouse run` with a bundle written by the compiler and the bundle encoder.

use super::harness::get;
use super::run_cmd::{free_port, project};
use std::process::{Command, Stdio};
use std::time::Duration;

#[tokio::test]
async fn run_serves_a_bundle_with_secrets_from_the_environment() {
    let (listen, admin, echo) = (free_port(), free_port(), free_port());
    let dir = project("run-bundle", echo);
    let report = gatehouse_compiler::build_project(&dir.0, &Default::default());
    let program = report.program.expect("the project builds");
    let bundle = dir.0.join("gateway.ghb");
    std::fs::write(&bundle, gatehouse_runtime::bundle::encode_program(&program))
        .expect("write bundle");
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args([
            "run",
            &bundle.display().to_string(),
            "--listen",
            &listen.to_string(),
        ])
        .args(["--admin", &admin.to_string(), "--echo", &echo.to_string()])
        .env("GATEHOUSE_NAMED_VALUE_TOKEN", "from-env")
        .stderr(Stdio::null())
        .spawn()
        .expect("start gatehouse");
    let mut answer = None;
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(listen).await.is_ok()
            && tokio::net::TcpStream::connect(echo).await.is_ok()
        {
            answer = Some(get(listen, "/echo/hello").await);
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    let (status, _, body) = answer.expect("the gateway comes up");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let v: serde_json::Value = serde_json::from_slice(&body).expect("echo JSON");
    assert_eq!(v["headers"]["x-token"][0], "from-env");
}

#[test]
fn a_corrupt_bundle_refuses_to_start() {
    let dir = crate::support::TempDir::new("run-corrupt-bundle");
    let bundle = dir.0.join("broken.ghb");
    let mut bytes = gatehouse_runtime::bundle::MAGIC.to_vec();
    bytes.extend_from_slice(&[0xff; 64]);
    std::fs::write(&bundle, bytes).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args([
            "run",
            &bundle.display().to_string(),
            "--listen",
            &free_port().to_string(),
        ])
        .args(["--admin", &free_port().to_string()])
        .output()
        .expect("run gatehouse");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("broken.ghb"), "{stderr}");
}
