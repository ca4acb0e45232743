//! `slareport serve`: the site built into a temporary folder, served on
//! 127.0.0.1, rebuilt whole when an input changes, and reloaded in the
//! browser.
//!
//! Every rebuild is a full `build` into a fresh folder (never the site's real
//! output, whose published months are snapshots): partial rebuilds leave
//! stale pages. Changes are debounced, so saving several files rebuilds
//! once. When a build fails, the last good site stays served, the error is
//! printed and every open page shows it. Open pages learn of a new build by
//! polling `/__slareport/status` once a second, from a small script added to
//! HTML responses only (the files on disk are the built site as it is).

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use notify::Watcher;

use crate::build::{build, BuildError, BuildOptions};

/// Threads answering requests.
const RESPONDERS: usize = 8;

/// What to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// How to build: `out` is ignored (each build goes to a temporary folder).
    pub build: BuildOptions,
    /// 0 for any free port.
    pub port: u16,
    /// How long inputs must be quiet before a rebuild.
    pub debounce: Duration,
}

/// The state open pages poll.
#[derive(Debug, Default)]
struct State {
    /// The folder of the last good build.
    root: Option<PathBuf>,
    /// Counts builds, good or bad: a page reloads when it changes.
    generation: u64,
    /// The last build's error, when it failed.
    error: Option<String>,
}

/// A running server. Dropping it stops the server and removes its folder.
pub struct Server {
    addr: SocketAddr,
    http: Arc<tiny_http::Server>,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
    _watcher: notify::RecommendedWatcher,
    temp: PathBuf,
}

/// Why the server did not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on 127.0.0.1:{port}: {message}")]
    Listen { port: u16, message: String },
    #[error("cannot watch {path} for changes: {message}")]
    Watch { path: PathBuf, message: String },
    #[error("cannot create a temporary folder for the site: {0}")]
    Temp(String),
}

impl Server {
    /// The site's address, `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Serves until the process ends.
    pub fn wait(mut self) {
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for _ in 0..=RESPONDERS {
            self.http.unblock();
        }
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
        let _ = std::fs::remove_dir_all(&self.temp);
    }
}

/// Builds the site once, then serves it and rebuilds on change. The first
/// build's outcome is printed like every later one; a server starts even
/// when it fails, showing the error until the inputs are fixed.
pub fn start(options: ServeOptions) -> Result<Server, ServeError> {
    let root = options.build.root.clone();
    let temp = std::env::temp_dir().join(format!("slareport-serve-{}-{}", std::process::id(), unique()));
    std::fs::create_dir_all(&temp).map_err(|e| ServeError::Temp(e.to_string()))?;
    let http = tiny_http::Server::http(("127.0.0.1", options.port))
        .map_err(|e| ServeError::Listen { port: options.port, message: e.to_string() })?;
    let addr = http.server_addr().to_ip().ok_or_else(|| ServeError::Listen { port: options.port, message: "not an IP address".into() })?;
    let http = Arc::new(http);
    let state = Arc::new(Mutex::new(State::default()));
    let stop = Arc::new(AtomicBool::new(false));

    rebuild(&options.build, &temp, &state);

    let (changes, changed) = mpsc::channel::<()>();
    let output = output_folder(&options.build);
    let watched_root = root.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event {
            // Reading the inputs (as every build does) is not a change.
            let changes_content = matches!(
                event.kind,
                notify::EventKind::Create(_) | notify::EventKind::Remove(_) | notify::EventKind::Any
            ) || matches!(event.kind, notify::EventKind::Modify(kind) if !matches!(kind, notify::event::ModifyKind::Metadata(_)));
            if changes_content && event.paths.iter().any(|p| is_input(&watched_root, output.as_deref(), p)) {
                let _ = changes.send(());
            }
        }
    })
    .map_err(|e| ServeError::Watch { path: root.clone(), message: e.to_string() })?;
    watcher
        .watch(&root, notify::RecursiveMode::Recursive)
        .map_err(|e| ServeError::Watch { path: root.clone(), message: e.to_string() })?;

    let builder = {
        let (state, stop, temp, build_options, debounce) = (state.clone(), stop.clone(), temp.clone(), options.build.clone(), options.debounce);
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                match changed.recv_timeout(Duration::from_millis(200)) {
                    Ok(()) => {
                        // Wait until the inputs have been quiet for `debounce`.
                        while changed.recv_timeout(debounce).is_ok() {}
                        if stop.load(Ordering::SeqCst) {
                            break;
                        }
                        eprintln!("slareport: inputs changed; rebuilding");
                        rebuild(&build_options, &temp, &state);
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                }
            }
        })
    };
    // Several responders: a response stuck writing to a connection the
    // browser no longer reads must not hold up every other request.
    let mut threads = vec![builder];
    for _ in 0..RESPONDERS {
        let (http, state, stop) = (http.clone(), state.clone(), stop.clone());
        threads.push(std::thread::spawn(move || {
            for request in http.incoming_requests() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                respond(request, &state);
            }
        }));
    }
    Ok(Server { addr, http, stop, threads, _watcher: watcher, temp })
}

fn unique() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

/// The site's own output folder, which changes without being an input.
fn output_folder(options: &BuildOptions) -> Option<PathBuf> {
    let text = std::fs::read_to_string(options.root.join(crate::load::CONFIG_FILE)).ok()?;
    let value: toml::Table = toml::from_str(&text).ok()?;
    let output = value.get("output").and_then(|v| v.as_str()).unwrap_or("public");
    Some(options.root.join(output))
}

/// Whether a changed path is an input of the build: the site file,
/// agreements, data, notes, corrections or themes (not the output, not
/// editors' swap files).
fn is_input(root: &Path, output: Option<&Path>, path: &Path) -> bool {
    if output.is_some_and(|o| path.starts_with(o)) {
        return false;
    }
    let Ok(relative) = path.strip_prefix(root) else { return false };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") || name.ends_with(".tmp") {
        return false;
    }
    match relative.components().next() {
        Some(Component::Normal(first)) => {
            let first = first.to_string_lossy();
            first == crate::load::CONFIG_FILE || ["agreements", "data", "notes", "corrections", "themes"].contains(&first.as_ref())
        }
        _ => false,
    }
}

/// Builds into a fresh folder under `temp`; on success it becomes the
/// served site and the previous one is removed.
fn rebuild(options: &BuildOptions, temp: &Path, state: &Mutex<State>) {
    let generation = state.lock().map_or(0, |s| s.generation) + 1;
    let out = temp.join(format!("build-{generation}"));
    let mut options = options.clone();
    options.out = Some(out.clone());
    options.progress = false;
    let outcome = build(&options);
    let Ok(mut s) = state.lock() else { return };
    s.generation = generation;
    match outcome {
        Ok(report) => {
            for w in &report.warnings {
                eprintln!("{w}");
            }
            eprintln!(
                "slareport: built {} ({})",
                crate::measure::format::plural(report.published.len(), "report", "reports"),
                out.display()
            );
            if let Some(old) = s.root.replace(out) {
                let _ = std::fs::remove_dir_all(old);
            }
            s.error = None;
        }
        Err(e) => {
            let text = match e {
                BuildError::Problems(problems) => problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"),
                BuildError::Refused(reasons) => reasons.join("\n"),
                BuildError::Io(message) => message,
            };
            eprintln!("{text}");
            eprintln!("slareport: the build failed; still serving the last good site");
            s.error = Some(text);
        }
    }
}

/// The script added to served HTML pages: reload on a new build, show a
/// failed build's error.
const RELOAD_SCRIPT: &str = r#"<script>
(function () {
  var seen = null;
  function show(error) {
    var box = document.getElementById("slareport-build-error");
    if (!error) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("pre");
      box.id = "slareport-build-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;margin:0;padding:1rem;background:#fff3f3;color:#6b0000;border-top:4px solid #a4161a;white-space:pre-wrap;z-index:9999;font-size:14px";
      document.body.appendChild(box);
    }
    box.textContent = "The build failed; this is the last good site.\n\n" + error;
  }
  function poll() {
    fetch("/__slareport/status", { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (s) {
      if (seen !== null && s.generation !== seen && !s.error) { location.reload(); return; }
      seen = s.generation;
      show(s.error);
    }).catch(function () {}).then(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
</script>
"#;

fn respond(request: tiny_http::Request, state: &Mutex<State>) {
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/").to_string();
    let (root, generation, error) = match state.lock() {
        Ok(s) => (s.root.clone(), s.generation, s.error.clone()),
        Err(_) => (None, 0, Some("internal error".into())),
    };
    if path == "/__slareport/status" {
        let body = serde_json::json!({ "generation": generation, "error": error }).to_string();
        let _ = request.respond(with_type(tiny_http::Response::from_string(body), "application/json"));
        return;
    }
    let Some(root) = root else {
        let text = format!("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title></head><body><main><h1>The site did not build</h1><pre>{}</pre></main>{RELOAD_SCRIPT}</body></html>", crate::draw::xml_escape(error.as_deref().unwrap_or("")));
        let _ = request.respond(with_type(tiny_http::Response::from_string(text).with_status_code(500), "text/html; charset=utf-8"));
        return;
    };
    let Some(file) = resolve(&root, &path) else {
        let _ = request.respond(with_type(tiny_http::Response::from_string("not found").with_status_code(404), "text/plain; charset=utf-8"));
        return;
    };
    let Ok(bytes) = std::fs::read(&file) else {
        let _ = request.respond(with_type(tiny_http::Response::from_string("not found").with_status_code(404), "text/plain; charset=utf-8"));
        return;
    };
    let kind = content_type(&file);
    let bytes = if kind.starts_with("text/html") { with_script(bytes) } else { bytes };
    let _ = request.respond(with_type(tiny_http::Response::from_data(bytes), kind));
}

fn with_type<R: std::io::Read>(response: tiny_http::Response<R>, kind: &str) -> tiny_http::Response<R> {
    let mut response = response;
    if let Ok(h) = tiny_http::Header::from_bytes(&b"Content-Type"[..], kind.as_bytes()) {
        response.add_header(h);
    }
    if let Ok(h) = tiny_http::Header::from_bytes(&b"Cache-Control"[..], &b"no-store"[..]) {
        response.add_header(h);
    }
    response
}

/// Browsers ask an http origin for /favicon.ico, which the site does not
/// have (a 404 in the console); an empty icon in the served page stops them.
const NO_ICON: &str = "<link rel=\"icon\" href=\"data:,\">\n";

/// Adds the reload script before `</body>` (and the empty icon before
/// `</head>`).
fn with_script(bytes: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8_lossy(&bytes);
    let text = match text.find("</head>") {
        Some(at) => format!("{}{NO_ICON}{}", &text[..at], &text[at..]),
        None => text.into_owned(),
    };
    match text.rfind("</body>") {
        Some(at) => {
            let mut out = Vec::with_capacity(bytes.len() + RELOAD_SCRIPT.len());
            out.write_all(text[..at].as_bytes()).ok();
            out.write_all(RELOAD_SCRIPT.as_bytes()).ok();
            out.write_all(text[at..].as_bytes()).ok();
            out
        }
        None => text.into_bytes(),
    }
}

/// The file a URL path names inside `root`: percent-decoded, no `..`, a
/// folder meaning its index.html.
fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    let mut file = root.to_path_buf();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p if p.contains('\\') => return None,
            p => file.push(p),
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "toml" | "md" | "txt" => "text/plain; charset=utf-8",
        "js" => "text/javascript",
        "png" => "image/png",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_inputs_trigger_a_rebuild() {
        let root = Path::new("/site");
        let out = Some(Path::new("/site/public"));
        assert!(is_input(root, out, Path::new("/site/notes/acme/2026-10.md")));
        assert!(is_input(root, out, Path::new("/site/slareport.toml")));
        assert!(is_input(root, out, Path::new("/site/themes/house/style.css")));
        assert!(!is_input(root, out, Path::new("/site/public/index.html")));
        assert!(!is_input(root, out, Path::new("/site/notes/acme/.2026-10.md.swp")));
        assert!(!is_input(root, out, Path::new("/site/README.md")));
    }

    #[test]
    fn urls_stay_inside_the_site() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("acme/2026-10")).unwrap();
        std::fs::write(dir.path().join("acme/2026-10/index.html"), "x").unwrap();
        assert_eq!(resolve(dir.path(), "/acme/2026-10/"), Some(dir.path().join("acme/2026-10/index.html")));
        assert_eq!(resolve(dir.path(), "/acme/%32026-10/index.html"), Some(dir.path().join("acme/2026-10/index.html")));
        assert_eq!(resolve(dir.path(), "/acme/%2e%2e/%2e%2e/etc/passwd"), None);
        assert_eq!(resolve(dir.path(), "/acme/../../etc/passwd"), None);
        assert_eq!(with_script(b"<body>x</body>".to_vec()).len(), "<body>x</body>".len() + RELOAD_SCRIPT.len());
    }
}
