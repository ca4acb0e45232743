//! `init` and `serve` as a new user meets them: a new site that checks and
//! builds at once, and a preview that follows the files as they are edited.

use std::io::{Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use slareport::build::{build, BuildOptions};
use slareport::init::{init, InitError, InitOptions};
use slareport::serve::{start, ServeOptions};

/// 2026-11-23 00:00 UTC.
const NOW: i64 = 1_795_392_000;

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn build_options(root: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        out: None,
        period: None,
        customer: None,
        revise: false,
        as_of: slareport::period::AsOf::Instant(NOW),
        source_date_epoch: Some(NOW),
        progress: false,
    }
}

/// A GET over plain HTTP/1.0: (status, body).
fn get(url: &str) -> (u16, String) {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(stream, "GET /{path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response.split(' ').nth(1).unwrap().parse().unwrap();
    let body = response.split_once("\r\n\r\n").map_or(String::new(), |(_, b)| b.to_string());
    (status, body)
}

/// Polls `url` until `until` holds of its body, for at most 30 s.
fn wait_for(url: &str, what: &str, until: impl Fn(u16, &str) -> bool) -> String {
    let start = Instant::now();
    loop {
        let (status, body) = get(url);
        if until(status, &body) {
            return body;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "{url}: still no {what} after 30 s (status {status})");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn init_makes_a_site_that_checks_and_builds_and_refuses_a_folder_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("new-site");
    let files = init(&InitOptions { dir: site.clone(), today: today() }).unwrap();
    assert_eq!(
        files,
        [
            "slareport.toml",
            "agreements/example/email.toml",
            "agreements/_internal/network.toml",
            "agreements/_suppliers/hostco.toml",
            "data/outages.csv",
            "data/tickets.csv",
            "notes/example/2026-10.md",
            "schemas/slareport.schema.json",
            "schemas/agreement.schema.json",
            ".gitignore",
        ]
    );
    let report = slareport::check::check(&site);
    assert!(report.problems.is_empty(), "{}", report.problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"));
    assert_eq!(
        report.summary.as_ref().unwrap().to_string(),
        "loaded 3 agreements (1 SLA, 1 OLA, 1 UPC) with 4 targets for 1 customer\n  outages          4 rows  (1 file)\n  tickets         12 rows  (1 file)\n"
    );

    let built = build(&build_options(&site)).unwrap_or_else(|e| panic!("{e:?}"));
    let published: Vec<String> = built.published.iter().map(|(c, p, r)| format!("{c}/{p}/{r}")).collect();
    assert_eq!(published, ["example/2026-10/1"]);
    let page = std::fs::read_to_string(site.join("public/example/2026-10/index.html")).unwrap();
    assert!(page.contains("Write the commentary of the month here"), "the note is on the page");

    // A folder that holds anything is left alone.
    let before = std::fs::read_to_string(site.join("slareport.toml")).unwrap();
    match init(&InitOptions { dir: site.clone(), today: today() }) {
        Err(InitError::NotEmpty(p)) => assert_eq!(p, site),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(std::fs::read_to_string(site.join("slareport.toml")).unwrap(), before);
}

#[test]
fn serve_rebuilds_on_change_keeps_the_last_good_site_and_never_writes_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    init(&InitOptions { dir: site.clone(), today: today() }).unwrap();
    let server = start(ServeOptions { build: build_options(&site), port: 0, debounce: Duration::from_millis(200) }).unwrap();
    let page = format!("{}example/2026-10/index.html", server.url());
    let status = format!("{}__slareport/status", server.url());

    let (code, body) = get(&page);
    assert_eq!(code, 200);
    assert!(body.contains("Write the commentary of the month here"));
    assert!(body.contains("/__slareport/status"), "served pages carry the reload script");
    assert_eq!(get(&format!("{}example/2026-10/style.css", server.url())).0, 200);
    assert_eq!(get(&format!("{}no-such-page.html", server.url())).0, 404);

    // Editing the note changes the served page.
    let note = site.join("notes/example/2026-10.md");
    let text = std::fs::read_to_string(&note).unwrap();
    std::fs::write(&note, text.replace("Write the commentary of the month here", "Mail was slow on the 6th")).unwrap();
    let body = wait_for(&page, "edited note", |code, body| code == 200 && body.contains("Mail was slow on the 6th"));
    assert!(!body.contains("Write the commentary of the month here"));

    // A broken agreement: the error is reported, the last good site stays.
    let sla = site.join("agreements/example/email.toml");
    let good = std::fs::read_to_string(&sla).unwrap();
    std::fs::write(&sla, good.replace("objective = 99.5 ", "objective = \"high\" ")).unwrap();
    let state = wait_for(&status, "build error", |_, body| body.contains("expected a number"));
    assert!(state.contains("agreements/example/email.toml"), "{state}");
    let (code, body) = get(&page);
    assert_eq!(code, 200);
    assert!(body.contains("Mail was slow on the 6th"));

    // Fixed again: the error goes.
    std::fs::write(&sla, good).unwrap();
    wait_for(&status, "recovery", |_, body| body.contains("\"error\":null"));

    // The site's own output folder was never written.
    assert!(!site.join("public").exists());
    drop(server);
}
