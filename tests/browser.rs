//! Headless-browser accessibility test of the public site.
//!
//! Starts `yangguang demo` on a free loopback port with a fresh data
//! directory, waits for `/healthz`, then runs against it, in turn,
//! `node tests/browser/a11y.mjs` (axe-core WCAG 2.1 A/AA on every public
//! page, no-JavaScript rendering, keyboard skip link, 长者模式, the
//! working-day calculator form), `signin.mjs` (password and one-time code)
//! and `publish.mjs` (主动公开 end to end, from the draft to the withdrawal).
//!
//! Needs Debian's Chromium (`/usr/bin/chromium`, or `YANGGUANG_CHROMIUM`)
//! and `npm ci` in tests/browser; `.ci/browser-setup` installs both. Without
//! them the test prints `SKIPPED (browser): …` and passes, unless
//! `YANGGUANG_REQUIRE_BROWSER=1` (set by CI), when it fails instead.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const HEALTH_TIMEOUT: Duration = Duration::from_secs(60);

/// The demo server and its data directory; both go away on drop, also when
/// the test panics.
struct Server {
    child: Child,
    dir: PathBuf,
    log: PathBuf,
}

impl Server {
    fn log_text(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_else(|e| format!("(no server log: {e})"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// Reports a missing prerequisite: fails under YANGGUANG_REQUIRE_BROWSER=1,
/// otherwise prints a visible skip line and lets the test pass.
fn missing(reason: &str) {
    if std::env::var("YANGGUANG_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
        panic!(
            "browser test prerequisites missing (YANGGUANG_REQUIRE_BROWSER=1): {reason}; run .ci/browser-setup"
        );
    }
    // Straight to the stderr handle, not eprintln!, which libtest captures:
    // the skip must show in a plain `cargo test` too.
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED (browser): {reason}; run .ci/browser-setup to enable this test"
    );
}

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    l.local_addr().expect("local addr").port()
}

/// Status code of `GET path`, or None if the server does not answer (yet).
fn http_status(port: u16, path: &str) -> Option<u16> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(1)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    s.set_write_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    let head = String::from_utf8_lossy(&buf);
    head.lines().next()?.split_whitespace().nth(1)?.parse().ok()
}

fn start_demo(port: u16) -> Server {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir =
        std::env::temp_dir().join(format!("yangguang-browser-{}-{nanos}", std::process::id()));
    fs::create_dir_all(&dir).expect("create temp dir");
    let data = dir.join("data");
    let log = dir.join("server.log");
    let out = File::create(&log).expect("create server log");
    let err = out.try_clone().expect("clone server log");
    let child = Command::new(env!("CARGO_BIN_EXE_yangguang"))
        .arg("demo")
        .arg("--laws")
        .arg("none")
        .arg("--data-dir")
        .arg(&data)
        .arg("--addr")
        .arg(format!("127.0.0.1:{port}"))
        // A fresh SQLite demo whatever the caller's environment points at.
        .env_remove("YANGGUANG_DATABASE")
        .env_remove("YANGGUANG_DATA_DIR")
        .env_remove("YANGGUANG_AUDIT_KEY")
        .env_remove("YANGGUANG_DATA_KEY")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .expect("start yangguang demo");
    Server { child, dir, log }
}

fn wait_healthy(server: &mut Server, port: u16) {
    let start = Instant::now();
    loop {
        if http_status(port, "/healthz") == Some(200) {
            eprintln!(
                "browser: demo server healthy on port {port} after {:.1} s",
                start.elapsed().as_secs_f64()
            );
            return;
        }
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!(
                "yangguang demo exited early ({status}); its log:\n{}",
                server.log_text()
            );
        }
        if start.elapsed() > HEALTH_TIMEOUT {
            panic!(
                "/healthz on port {port} not 200 within {} s; server log:\n{}",
                HEALTH_TIMEOUT.as_secs(),
                server.log_text()
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn public_pages_are_accessible_staff_sign_in_and_publish_end_to_end_in_headless_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let chromium =
        std::env::var("YANGGUANG_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).is_file() {
        return missing(&format!("{chromium} not found (apt-get install chromium)"));
    }
    let modules = root.join("tests/browser/node_modules");
    for pkg in ["playwright-core", "axe-core"] {
        if !modules.join(pkg).join("package.json").is_file() {
            return missing(&format!(
                "{} missing (npm ci in tests/browser)",
                modules.join(pkg).display()
            ));
        }
    }
    if Command::new("node")
        .arg("--version")
        .output()
        .map(|o| !o.status.success())
        .unwrap_or(true)
    {
        return missing("node not found on PATH");
    }

    let t0 = Instant::now();
    let port = free_port();
    let mut server = start_demo(port);
    wait_healthy(&mut server, port);

    let base = format!("http://127.0.0.1:{port}");
    let bin = env!("CARGO_BIN_EXE_yangguang");
    let data = server.dir.join("data");
    let data = data.to_str().expect("temp data dir is UTF-8");

    // The public site: axe, no JavaScript, keyboard, 长者模式, the calculator.
    run_node(root, &server, "a11y.mjs", &[&base]);
    // Signing in as a person does: password, one-time code, a change, sign-out.
    run_node(root, &server, "signin.mjs", &[&base, bin, data]);
    // 主动公开 end to end: draft, submit, review, confidentiality review
    // (refused once), publish as B岗, found in the catalog and by search,
    // withdrawn and gone from both.
    run_node(root, &server, "publish.mjs", &[&base, bin, data]);
    eprintln!("browser: whole test {:.1} s", t0.elapsed().as_secs_f64());
}

/// Runs `node tests/browser/SCRIPT ARGS…`, prints its output and timing,
/// and fails the test (with the server log) unless it exits 0.
fn run_node(root: &Path, server: &Server, script: &str, args: &[&str]) {
    let t = Instant::now();
    let out = Command::new("node")
        .arg(format!("tests/browser/{script}"))
        .args(args)
        .current_dir(root)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("run node tests/browser/{script}: {e}"));
    eprintln!("{}", String::from_utf8_lossy(&out.stdout));
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    eprintln!("browser: {script} took {:.1} s", t.elapsed().as_secs_f64());
    if !out.status.success() {
        eprintln!("demo server log:\n{}", server.log_text());
    }
    assert!(
        out.status.success(),
        "tests/browser/{script} failed ({}); see the FAIL lines above",
        out.status
    );
}

/// The browser prerequisites of the tests below: Chromium, the node
/// modules, node. `Err` carries the reason for `missing`.
fn browser_ready(root: &Path) -> Result<(), String> {
    let chromium =
        std::env::var("YANGGUANG_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).is_file() {
        return Err(format!("{chromium} not found (apt-get install chromium)"));
    }
    let modules = root.join("tests/browser/node_modules");
    for pkg in ["playwright-core", "axe-core"] {
        if !modules.join(pkg).join("package.json").is_file() {
            return Err(format!(
                "{} missing (npm ci in tests/browser)",
                modules.join(pkg).display()
            ));
        }
    }
    let node_ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !node_ok {
        return Err("node not found on PATH".into());
    }
    Ok(())
}

/// Runs `script` (tests/browser/) against a demo server of its own, with
/// the server's address, the binary (for one-time codes) and its data dir.
fn walk_on_own_demo(script: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if let Err(reason) = browser_ready(root) {
        return missing(&reason);
    }
    let port = free_port();
    let mut server = start_demo(port);
    wait_healthy(&mut server, port);
    let base = format!("http://127.0.0.1:{port}");
    let data = server.dir.join("data");
    let data = data.to_str().expect("temp data dir is UTF-8");
    run_node(
        root,
        &server,
        script,
        &[&base, env!("CARGO_BIN_EXE_yangguang"), data],
    );
}

/// 三重一大 end to end on a demo server of its own: a topic submitted,
/// approved, recorded and sent to a meeting; the meeting scheduled,
/// notified (refused without a special reason first), held with votes and
/// a decision; minutes approved and issued; a comment during publicity;
/// the demo's closed 局长办公会议 archived.
#[test]
fn collective_decision_from_topic_to_archive_in_headless_chromium() {
    walk_on_own_demo("decisions.mjs");
}

/// 依申请公开 end to end on a demo server of its own: the public applies
/// without an account (a refused field first), the office sends a
/// supplement notice, the applicant supplements online, the office extends
/// and replies, the applicant follows and downloads the letter; axe-core
/// on every public page.
#[test]
fn information_request_from_application_to_reply_in_headless_chromium() {
    walk_on_own_demo("requests.mjs");
}

/// 网上办文 end to end on a demo server of its own: a 收文 filed with its
/// scan, approved (a whitespace-only opinion refused first), registered
/// with the year's next number, routed to a lead and a co-handling
/// division with a limit, claimed, handled (办结 refused while the
/// co-division works) and closed with its whole trail; a 发文 drafted,
/// co-signed, consolidated in a new version, signed along the 一般业务 path
/// by the people it names, rechecked, numbered 苏安监〔YYYY〕N号, printed and
/// issued, its red-header page and .docx served; axe-core on every page.
#[test]
fn outgoing_and_incoming_documents_walk_their_whole_path_in_headless_chromium() {
    walk_on_own_demo("docflow.mjs");
}

/// 权力清单 and 办件 end to end on a demo server of its own: the public list
/// (232 items, 行政许可 shows 8, search) and an item page with its
/// flowchart; a changed BPMN imported as 第2版 and drawn on the public page,
/// a scriptTask refused naming the element; a licensing case for an
/// important item through the group review to 准予许可 and 办结, a penalty
/// case through 告知 and a hearing (a late notice refused) to 法制审核; at
/// each stop the step the public chart highlights is the engine's current
/// step; a wrong query code reveals nothing; axe-core on every page.
#[test]
fn power_list_cases_and_public_tracking_walk_in_headless_chromium() {
    walk_on_own_demo("powers.mjs");
}
