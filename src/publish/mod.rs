//! The `publish` stage: the only stage that writes to disk.
//!
//! A published period is a snapshot. Its folder is never rewritten: a later
//! build compares what the period would hold now (its figures, the rows
//! behind them, the agreements and note it used) with the manifest of the
//! snapshot, keeps the snapshot when they agree, and refuses when they do
//! not, unless asked for a revision, which is published beside it
//! (`2026-10-r2/`) while the earlier one stays readable.
//!
//! # How the output is written
//!
//! The output folder is **append-only** for periods and **atomic per file**
//! for everything else:
//!
//! 1. [`lock`] takes an exclusive lock on `<out>/.slareport.lock` and holds
//!    it for as long as the [`OutputLock`] lives. A build takes it before it
//!    reads the published periods ([`published`]) and keeps it until the last
//!    page is written, so two builds never interleave: the second one fails
//!    at once with [`PublishError::Busy`].
//! 2. [`write_site`] sorts the pages itself. A page under
//!    `<customer>/<YYYY-MM>/` or `<customer>/<YYYY-MM>-rN/` belongs to a
//!    *period folder*; all pages of one folder are published as one unit:
//!    written into a fresh `.tmp-slareport-<random>` folder beside it (same
//!    file system), every file and folder flushed (`fsync`; a build's
//!    [`Staging`] flushes all its staged folders with one `syncfs` on
//!    Linux), then renamed into place. A period folder that exists already is refused, never
//!    written into, moved or deleted. Every other page (`index.html`,
//!    `style.css`, `<customer>/index.html`, `<customer>/to-date/...`) is
//!    *mutable*: each is written to a temporary file beside it, flushed and
//!    renamed over the old one, so a reader sees the old page or the new one,
//!    never half of one. Period folders go first, the customer indexes next,
//!    the site index last, so no index links to a folder that is not there.
//! 3. A build that dies at any instant leaves at most a `.tmp-slareport-*`
//!    folder or file behind; published periods are whole or absent. The next
//!    build removes those leftovers (they carry our prefix, so nothing else
//!    is ever deleted), finds the missing period not published, and writes it.
//!
//! Symlinks inside the output are followed for reading and writing and never
//! replaced: a customer folder that links to an archive gets its new periods
//! in the archive; a mutable page that is a symlink has its target replaced;
//! an output folder that is a symlink stays one.
//!
//! A folder named like a period whose manifest is missing or unreadable, or
//! whose manifest names another customer, month or revision, or whose
//! revision is out of range (`2026-09-r4294967295`), is *foreign*:
//! [`published`] refuses it with an error instead of taking the month as
//! unpublished and writing over it.

pub mod manifest;
pub mod plan;

use std::collections::BTreeMap;
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use crate::period::Period;
use crate::render::Page;
pub use manifest::Manifest;

/// The highest revision number of a period: far beyond any real use, and far
/// from `u32::MAX`, so `revision + 1` never wraps.
pub const MAX_REVISION: u32 = 9999;

/// The lock file inside the output folder.
pub const LOCK_FILE: &str = ".slareport.lock";

/// The prefix of every temporary folder and file a build writes.
pub const TEMP_PREFIX: &str = ".tmp-slareport-";

/// Why publishing stopped.
#[derive(Debug)]
pub enum PublishError {
    /// Another build holds the lock on the output.
    Busy { out: PathBuf },
    /// A period folder to publish exists already: published periods are never
    /// written into.
    Exists { folder: PathBuf },
    /// A page path the writer will not write.
    BadPage { path: PathBuf, why: String },
    /// A file system operation failed.
    Io { action: &'static str, path: PathBuf, error: io::Error },
}

impl fmt::Display for PublishError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PublishError::Busy { out } => write!(
                f,
                "another slareport build is publishing into {} (it holds {}); wait for it to finish, then build again",
                out.display(),
                out.join(LOCK_FILE).display()
            ),
            PublishError::Exists { folder } => write!(
                f,
                "{} exists already: a published period is never written again; publish a revision with --revise, or move the folder out of the output",
                folder.display()
            ),
            PublishError::BadPage { path, why } => write!(f, "cannot publish {}: {why}", path.display()),
            PublishError::Io { action, path, error } => write!(f, "cannot {action} {}: {error}", path.display()),
        }
    }
}

impl std::error::Error for PublishError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PublishError::Io { error, .. } => Some(error),
            _ => None,
        }
    }
}

fn io_error<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> PublishError + 'a {
    move |error| PublishError::Io { action, path: path.to_path_buf(), error }
}

/// The exclusive right to write an output folder, held until dropped.
#[derive(Debug)]
pub struct OutputLock {
    out: PathBuf,
    _file: File,
}

impl OutputLock {
    /// The output folder this lock guards.
    pub fn out(&self) -> &Path {
        &self.out
    }
}

/// Locks the output folder `out` (created if missing; a symlink to a folder
/// is followed) for one build. Fails at once with [`PublishError::Busy`]
/// when another build holds it. The lock is an OS file lock
/// (`flock`/`LockFileEx`), released when the [`OutputLock`] is dropped or
/// the process dies, so a killed build never leaves the output locked.
pub fn lock(out: &Path) -> Result<OutputLock, PublishError> {
    fs::create_dir_all(out).map_err(io_error("create the output folder", out))?;
    let path = out.join(LOCK_FILE);
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io_error("open the lock file", &path))?;
    match fs4::FileExt::try_lock(&file) {
        Ok(()) => Ok(OutputLock { out: out.to_path_buf(), _file: file }),
        Err(fs4::TryLockError::WouldBlock) => Err(PublishError::Busy { out: out.to_path_buf() }),
        Err(fs4::TryLockError::Error(error)) => Err(PublishError::Io { action: "lock", path, error }),
    }
}

/// A published period of a customer, as found in the output folder.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    pub customer: String,
    pub period: Period,
    pub revision: u32,
    /// The folder, relative to the output root (`acme/2026-10-r2`).
    pub folder: PathBuf,
    pub manifest: Manifest,
}

/// The folder name of a revision: `2026-10` for the first, `2026-10-r2` after.
pub fn folder_name(period: Period, revision: u32) -> String {
    if revision <= 1 {
        period.to_string()
    } else {
        format!("{period}-r{revision}")
    }
}

/// The period and revision of a folder name slareport writes: `2026-10`, or
/// `2026-10-rN` with N from 2 to [`MAX_REVISION`] written without leading
/// zeros.
fn parse_folder_name(name: &str) -> Option<(Period, u32)> {
    let (period, revision) = match name.split_once("-r") {
        Some((p, r)) => (p, r.parse::<u32>().ok().filter(|r| (2..=MAX_REVISION).contains(r))?),
        None => (name, 1),
    };
    let period: Period = period.parse().ok()?;
    (folder_name(period, revision) == name).then_some((period, revision))
}

/// A name that starts like a period folder (`2026-10...`): either one
/// slareport writes, or a foreign folder that must not be taken for an
/// unpublished month.
fn looks_like_period(name: &str) -> bool {
    name.get(..7).is_some_and(|p| p.parse::<Period>().is_ok())
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// Every published period of `customer` under `out`, oldest first, each
/// period's revisions in order.
///
/// A folder named like a period that slareport cannot vouch for is an error,
/// never skipped: its manifest is missing, unreadable or names another
/// customer, month or revision, or its name is not one slareport writes.
/// Skipping it would let the build take the month as unpublished and write
/// it again. Take the lock ([`lock`]) before calling this.
pub fn published(out: &Path, customer: &str) -> io::Result<Vec<Published>> {
    let dir = out.join(customer);
    let mut found = Vec::new();
    let entries = match fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(found),
        Err(e) => return Err(io::Error::new(e.kind(), format!("cannot read {}: {e}", dir.display()))),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !looks_like_period(&name) {
            continue;
        }
        let path = entry.path();
        let refuse = |why: String| {
            invalid(format!(
                "{} looks like a published month but {why}; it is left as it is and nothing is written over it: restore it, or move it out of the output",
                path.display()
            ))
        };
        let Some((period, revision)) = parse_folder_name(&name) else {
            return Err(refuse(format!(
                "`{name}` is not a folder name slareport writes (YYYY-MM, or YYYY-MM-rN with N from 2 to {MAX_REVISION})"
            )));
        };
        if !path.is_dir() {
            return Err(refuse("it is not a folder".into()));
        }
        let manifest_path = path.join(manifest::FILE);
        let text = fs::read_to_string(&manifest_path)
            .map_err(|e| refuse(format!("its {} cannot be read ({e})", manifest::FILE)))?;
        let manifest: Manifest = serde_json::from_str(&text)
            .map_err(|e| refuse(format!("its {} is not one slareport wrote ({e})", manifest::FILE)))?;
        if manifest.customer != customer || manifest.period != period.to_string() || manifest.revision != revision {
            return Err(refuse(format!(
                "its {} is for {}/{} revision {}",
                manifest::FILE,
                manifest.customer,
                manifest.period,
                manifest.revision
            )));
        }
        found.push(Published { customer: customer.to_string(), period, revision, folder: PathBuf::from(customer).join(&name), manifest });
    }
    found.sort_by_key(|p| (p.period, p.revision));
    Ok(found)
}

/// The latest revision of each published period.
pub fn latest(published: &[Published]) -> BTreeMap<Period, &Published> {
    let mut out: BTreeMap<Period, &Published> = BTreeMap::new();
    for p in published {
        out.insert(p.period, p);
    }
    out
}

/// A point of the writer at which a test may inject a failure (return an
/// error: a full disk, a denied permission) or stop the process (a crash).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    /// About to create and write this (temporary) file.
    Write(&'a Path),
    /// About to rename `from` to `to`: a period folder into place, or a
    /// mutable page over the old one.
    Rename { from: &'a Path, to: &'a Path },
}

/// What [`write_site`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Written {
    /// Period folders published, relative to the output.
    pub periods: Vec<PathBuf>,
    /// Mutable pages replaced (or created).
    pub replaced: usize,
    /// Mutable pages already as they should be, left alone.
    pub unchanged: usize,
    /// Leftovers of an interrupted build that were removed.
    pub cleaned: usize,
}

/// Writes `pages` (paths relative to the output) into the locked output:
/// period folders append-only, each as one unit; every other page replaced
/// atomically. See the module documentation for the rules.
pub fn write_site(lock: &OutputLock, pages: &[Page]) -> Result<Written, PublishError> {
    write_site_with(lock, pages, &mut |_| Ok(()))
}

/// [`write_site`] with a hook called before every file write and every
/// rename; an error from the hook fails the write there, as the file
/// system would.
pub fn write_site_with(
    lock: &OutputLock,
    pages: &[Page],
    at: &mut dyn FnMut(Step<'_>) -> io::Result<()>,
) -> Result<Written, PublishError> {
    let out = lock.out();
    // Sort the pages before touching anything: a bad page or an existing
    // period folder stops the build with nothing written.
    let mut folders: BTreeMap<PathBuf, Vec<(PathBuf, &[u8])>> = BTreeMap::new();
    let mut mutable: Vec<&Page> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for page in pages {
        if !seen.insert(page.path.clone()) {
            return Err(PublishError::BadPage { path: page.path.clone(), why: "the build produced it twice".into() });
        }
        match classify(&page.path)? {
            Some((folder, inner)) => folders.entry(folder).or_default().push((inner, &page.bytes)),
            None => mutable.push(page),
        }
    }
    for folder in folders.keys() {
        if fs::symlink_metadata(out.join(folder)).is_ok() {
            return Err(PublishError::Exists { folder: out.join(folder) });
        }
    }
    let mut written = Written { cleaned: clean_leftovers(out)?, ..Written::default() };
    for (folder, files) in &folders {
        publish_folder(out, folder, files, at)?;
        written.periods.push(folder.clone());
    }
    replace_pages(out, mutable, at, &mut written)?;
    Ok(written)
}

/// Replaces the mutable pages, deeper pages first and the site's own index
/// last, so an index never links to a page that is not there yet; counts
/// them in `written`.
fn replace_pages(out: &Path, mut mutable: Vec<&Page>, at: &mut dyn FnMut(Step<'_>) -> io::Result<()>, written: &mut Written) -> Result<(), PublishError> {
    mutable.sort_by_key(|p| (std::cmp::Reverse(p.path.components().count()), p.path.file_name().is_some_and(|n| n == "index.html"), p.path.clone()));
    for page in mutable {
        if replace_file(out, &page.path, &page.bytes, at)? {
            written.replaced += 1;
        } else {
            written.unchanged += 1;
        }
    }
    Ok(())
}

/// `Some((period folder, path inside it))` for a page of a period folder,
/// `None` for a mutable page; an error for a path the writer refuses.
fn classify(path: &Path) -> Result<Option<(PathBuf, PathBuf)>, PublishError> {
    let bad = |why: &str| PublishError::BadPage { path: path.to_path_buf(), why: why.to_string() };
    let mut names = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(n) => names.push(n.to_string_lossy().into_owned()),
            _ => return Err(bad("a page path is relative to the output, without `..`, `.` or a root")),
        }
    }
    if names.is_empty() {
        return Err(bad("the path is empty"));
    }
    if names.iter().any(|n| n.starts_with(TEMP_PREFIX) || n == LOCK_FILE) {
        return Err(bad("the name is reserved for the writer's own temporary and lock files"));
    }
    if names.len() >= 2 && looks_like_period(&names[1]) {
        if parse_folder_name(&names[1]).is_none() {
            return Err(bad(&format!(
                "`{}` is not a period folder name (YYYY-MM, or YYYY-MM-rN with N from 2 to {MAX_REVISION})",
                names[1]
            )));
        }
        if names.len() == 2 {
            return Err(bad("a page cannot take the place of a period folder"));
        }
        let folder = PathBuf::from(&names[0]).join(&names[1]);
        let inner: PathBuf = names[2..].iter().collect();
        return Ok(Some((folder, inner)));
    }
    Ok(None)
}

/// A fresh name for a temporary file or folder: the prefix, the process,
/// the time and a counter, so no two builds or calls share one.
fn temp_name(suffix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("{TEMP_PREFIX}{:x}-{nanos:x}-{n}{suffix}", std::process::id())
}

/// Removes what an interrupted build left: `.tmp-slareport-*` folders and
/// files in the output and its folders (not inside published periods, which
/// hold none). Returns how many were removed.
fn clean_leftovers(out: &Path) -> Result<usize, PublishError> {
    let mut leftovers = Vec::new();
    let walk = walkdir::WalkDir::new(out).follow_links(true).min_depth(1).max_depth(8).into_iter().filter_entry(|e| {
        let name = e.file_name().to_string_lossy();
        // Never descend into published periods; a temporary folder is removed whole.
        if e.depth() == 2 && looks_like_period(&name) {
            return false;
        }
        if name.starts_with(TEMP_PREFIX) && e.file_type().is_dir() {
            leftovers.push(e.path().to_path_buf());
            return false;
        }
        true
    });
    let mut files = Vec::new();
    for entry in walk.flatten() {
        if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            files.push(entry.path().to_path_buf());
        }
    }
    let mut removed = 0;
    for path in leftovers.iter().chain(files.iter()) {
        let meta = match fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(_) => continue,
        };
        let result = if meta.is_dir() { fs::remove_dir_all(path) } else { fs::remove_file(path) };
        result.map_err(io_error("remove the leftover", path))?;
        removed += 1;
    }
    Ok(removed)
}

/// Creates `path` (it must not exist), writes `bytes` and, unless the
/// flush is `Deferred`, flushes them.
fn write_new(path: &Path, bytes: &[u8], flush: Flush, at: &mut dyn FnMut(Step<'_>) -> io::Result<()>) -> Result<(), PublishError> {
    let fail = io_error("write", path);
    at(Step::Write(path)).map_err(io_error("write", path))?;
    let mut file = OpenOptions::new().write(true).create_new(true).open(path).map_err(io_error("create", path))?;
    file.write_all(bytes).map_err(io_error("write", path))?;
    match flush {
        Flush::Each => file.sync_all().map_err(fail),
        Flush::Deferred => Ok(()),
    }
}

/// When a staged file reaches the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flush {
    /// Each file and folder as it is written (`fsync`).
    Each,
    /// Once for everything staged, before the first rename into place
    /// ([`flush_file_system`]).
    Deferred,
}

/// How [`Staging`] flushes: on Linux one `syncfs` of the output's file
/// system flushes every staged file and folder at once (tens of thousands
/// of `fsync` calls cost a build more time than everything else); elsewhere
/// each file as it is written.
const STAGING_FLUSH: Flush = if cfg!(target_os = "linux") { Flush::Deferred } else { Flush::Each };

/// Flushes everything written to the file system holding `dir`.
#[cfg(target_os = "linux")]
fn flush_file_system(dir: &Path) -> Result<(), PublishError> {
    use std::os::fd::AsRawFd;
    let folder = File::open(dir).map_err(io_error("flush the file system of", dir))?;
    // SAFETY: syncfs only reads the descriptor, which `folder` keeps open.
    if unsafe { libc::syncfs(folder.as_raw_fd()) } != 0 {
        return Err(io_error("flush the file system of", dir)(io::Error::last_os_error()));
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn flush_file_system(_dir: &Path) -> Result<(), PublishError> {
    Ok(())
}

/// Flushes a folder's entries (a new name or a rename in it) to disk.
fn sync_dir(dir: &Path) -> Result<(), PublishError> {
    #[cfg(unix)]
    {
        File::open(dir).and_then(|d| d.sync_all()).map_err(io_error("flush the folder", dir))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Creates `dir` and its missing parents, flushing each new entry.
fn create_dirs(dir: &Path) -> Result<(), PublishError> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        create_dirs(parent)?;
    }
    match fs::create_dir(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => return Ok(()),
        Err(e) => return Err(PublishError::Io { action: "create the folder", path: dir.to_path_buf(), error: e }),
    }
    match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => sync_dir(p),
        _ => Ok(()),
    }
}

/// Publishes one period folder: every file into a temporary folder beside
/// it, flushed, then the folder renamed into place.
fn publish_folder(
    out: &Path,
    folder: &Path,
    files: &[(PathBuf, &[u8])],
    at: &mut dyn FnMut(Step<'_>) -> io::Result<()>,
) -> Result<(), PublishError> {
    let tmp = stage_folder(out, folder, files, Flush::Each, at)?;
    rename_into_place(out, folder, &tmp, at)
}

/// Writes a period folder's files into a fresh temporary folder beside its
/// place, every file and folder flushed; returns the temporary folder.
fn stage_folder(
    out: &Path,
    folder: &Path,
    files: &[(PathBuf, &[u8])],
    flush: Flush,
    at: &mut dyn FnMut(Step<'_>) -> io::Result<()>,
) -> Result<PathBuf, PublishError> {
    let dest = out.join(folder);
    let parent = dest.parent().unwrap_or(out).to_path_buf();
    create_dirs(&parent)?;
    let tmp = parent.join(temp_name(""));
    let result = (|| {
        fs::create_dir(&tmp).map_err(io_error("create the folder", &tmp))?;
        let mut dirs = vec![tmp.clone()];
        for (inner, bytes) in files {
            let path = tmp.join(inner);
            if let Some(p) = path.parent() {
                if !p.is_dir() {
                    fs::create_dir_all(p).map_err(io_error("create the folder", p))?;
                    dirs.push(p.to_path_buf());
                }
            }
            write_new(&path, bytes, flush, at)?;
        }
        if flush == Flush::Each {
            // Deepest first, so each folder's entry in its parent is flushed last.
            dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
            for d in &dirs {
                sync_dir(d)?;
            }
        }
        Ok(())
    })();
    if result.is_err() && tmp.exists() {
        // Only our own temporary folder; the next build would remove it too.
        let _ = fs::remove_dir_all(&tmp);
    }
    result.map(|()| tmp)
}

/// Renames a staged folder into its place (refused if something is there).
fn rename_into_place(out: &Path, folder: &Path, tmp: &Path, at: &mut dyn FnMut(Step<'_>) -> io::Result<()>) -> Result<(), PublishError> {
    let dest = out.join(folder);
    let parent = dest.parent().unwrap_or(out).to_path_buf();
    let result = (|| {
        if fs::symlink_metadata(&dest).is_ok() {
            return Err(PublishError::Exists { folder: dest.clone() });
        }
        at(Step::Rename { from: tmp, to: &dest }).map_err(io_error("rename into place", &dest))?;
        fs::rename(tmp, &dest).map_err(io_error("rename into place", &dest))?;
        sync_dir(&parent)
    })();
    if result.is_err() && tmp.exists() {
        let _ = fs::remove_dir_all(tmp);
    }
    result
}

/// A site written while it is produced: each period folder is written to
/// disk (under a temporary name, flushed) as soon as its pages exist, so a
/// build never holds the whole site in memory, and nothing is visible
/// until [`Staging::commit`] renames every staged folder into place and
/// replaces the mutable pages, in the order [`write_site`] follows. A
/// staging dropped without a commit removes its temporary folders (and a
/// killed build leaves them to the next build's clean-up): the published
/// site is as it was.
pub struct Staging<'a> {
    lock: &'a OutputLock,
    /// (period folder, temporary folder), staged so far.
    staged: std::sync::Mutex<Vec<(PathBuf, PathBuf)>>,
    cleaned: usize,
}

impl<'a> Staging<'a> {
    /// Starts writing into the locked output: removes what an interrupted
    /// build left first.
    pub fn begin(lock: &'a OutputLock) -> Result<Staging<'a>, PublishError> {
        let cleaned = clean_leftovers(lock.out())?;
        Ok(Staging { lock, staged: std::sync::Mutex::new(Vec::new()), cleaned })
    }

    /// Writes the pages of one or more period folders to disk, not yet in
    /// place. Every page must belong to a period folder not published and
    /// not staged yet. May be called from several threads at once.
    pub fn stage(&self, pages: &[Page]) -> Result<(), PublishError> {
        let out = self.lock.out();
        let mut folders: BTreeMap<PathBuf, Vec<(PathBuf, &[u8])>> = BTreeMap::new();
        for page in pages {
            match classify(&page.path)? {
                Some((folder, inner)) => folders.entry(folder).or_default().push((inner, &page.bytes)),
                None => return Err(PublishError::BadPage { path: page.path.clone(), why: "only pages of a period folder are staged".into() }),
            }
        }
        for (folder, files) in folders {
            if fs::symlink_metadata(out.join(&folder)).is_ok() {
                return Err(PublishError::Exists { folder: out.join(&folder) });
            }
            let mut seen = std::collections::BTreeSet::new();
            if let Some((inner, _)) = files.iter().find(|(inner, _)| !seen.insert(inner.clone())) {
                return Err(PublishError::BadPage { path: folder.join(inner), why: "the build produced it twice".into() });
            }
            let tmp = stage_folder(out, &folder, &files, STAGING_FLUSH, &mut |_| Ok(()))?;
            let mut staged = self.staged.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if staged.iter().any(|(f, _)| *f == folder) {
                drop(staged);
                let _ = fs::remove_dir_all(&tmp);
                return Err(PublishError::BadPage { path: folder, why: "the build produced it twice".into() });
            }
            staged.push((folder, tmp));
        }
        Ok(())
    }

    /// Renames every staged folder into place, then writes `mutable` (pages
    /// outside period folders) as [`write_site`] does.
    pub fn commit(self, mutable: &[Page]) -> Result<Written, PublishError> {
        let out = self.lock.out();
        let mut seen = std::collections::BTreeSet::new();
        for page in mutable {
            if !seen.insert(&page.path) {
                return Err(PublishError::BadPage { path: page.path.clone(), why: "the build produced it twice".into() });
            }
            if classify(&page.path)?.is_some() {
                return Err(PublishError::BadPage { path: page.path.clone(), why: "a page of a period folder must be staged".into() });
            }
        }
        let staged = {
            let mut staged = self.staged.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            // Last first, so they are taken off the end in order.
            staged.sort_by(|a, b| b.cmp(a));
            staged.len()
        };
        // On an error below, dropping `self` removes what is still staged.
        if STAGING_FLUSH == Flush::Deferred && staged > 0 {
            // Every staged file on disk before any folder is renamed into place.
            flush_file_system(out)?;
        }
        let mut written = Written { cleaned: self.cleaned, ..Written::default() };
        for _ in 0..staged {
            let Some((folder, tmp)) = self.staged.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop() else { break };
            rename_into_place(out, &folder, &tmp, &mut |_| Ok(()))?;
            written.periods.push(folder);
        }
        replace_pages(out, mutable.iter().collect(), &mut |_| Ok(()), &mut written)?;
        Ok(written)
    }
}

impl Drop for Staging<'_> {
    fn drop(&mut self) {
        let staged = std::mem::take(&mut *self.staged.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        for (_, tmp) in staged {
            let _ = fs::remove_dir_all(tmp);
        }
    }
}

/// Replaces one mutable page atomically. A page that is a symlink keeps its
/// link: its target is replaced. Returns false when the page was already
/// byte for byte as it should be.
fn replace_file(
    out: &Path,
    page: &Path,
    bytes: &[u8],
    at: &mut dyn FnMut(Step<'_>) -> io::Result<()>,
) -> Result<bool, PublishError> {
    let mut dest = out.join(page);
    if fs::symlink_metadata(&dest).is_ok_and(|m| m.file_type().is_symlink()) {
        dest = fs::canonicalize(&dest).map_err(io_error("follow the symlink", &dest))?;
    }
    if fs::read(&dest).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    let parent = dest.parent().unwrap_or(out).to_path_buf();
    create_dirs(&parent)?;
    let name = dest.file_name().map_or_else(String::new, |n| format!("-{}", n.to_string_lossy()));
    let tmp = parent.join(temp_name(&name));
    let result = (|| {
        write_new(&tmp, bytes, Flush::Each, at)?;
        at(Step::Rename { from: &tmp, to: &dest }).map_err(io_error("replace", &dest))?;
        fs::rename(&tmp, &dest).map_err(io_error("replace", &dest))?;
        sync_dir(&parent)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map(|()| true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    #[test]
    fn revision_folders() {
        assert_eq!(folder_name(p("2026-10"), 1), "2026-10");
        assert_eq!(folder_name(p("2026-10"), 3), "2026-10-r3");
        assert_eq!(parse_folder_name("2026-10-r3"), Some((p("2026-10"), 3)));
        assert_eq!(parse_folder_name("2026-10"), Some((p("2026-10"), 1)));
        assert_eq!(parse_folder_name("2026-10-r1"), None);
        assert_eq!(parse_folder_name("2026-10-r03"), None);
        assert_eq!(parse_folder_name("2026-10-r+3"), None);
        assert_eq!(parse_folder_name("2026-09-r4294967295"), None);
        assert_eq!(parse_folder_name(&format!("2026-09-r{}", MAX_REVISION + 1)), None);
        assert_eq!(parse_folder_name("charts"), None);
        assert!(looks_like_period("2026-09-r4294967295"));
        assert!(!looks_like_period("to-date"));
    }

    #[test]
    fn pages_are_sorted_into_period_folders_and_mutable_pages() {
        let c = |s: &str| classify(Path::new(s));
        assert_eq!(c("acme/2026-10/charts/a.svg").unwrap(), Some(("acme/2026-10".into(), "charts/a.svg".into())));
        assert_eq!(c("acme/2026-10-r2/index.html").unwrap(), Some(("acme/2026-10-r2".into(), "index.html".into())));
        assert_eq!(c("acme/index.html").unwrap(), None);
        assert_eq!(c("acme/to-date/index.html").unwrap(), None);
        assert_eq!(c("index.html").unwrap(), None);
        for bad in ["../x", "/abs", "acme/2026-10", "acme/2026-10-r0/x", "acme/.tmp-slareport-1/x", ".slareport.lock", ""] {
            assert!(c(bad).is_err(), "{bad}");
        }
    }

    fn pages(list: &[(&str, &str)]) -> Vec<Page> {
        list.iter().map(|(p, b)| Page::new(*p, *b)).collect()
    }

    #[test]
    fn periods_are_written_once_and_mutable_pages_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let lock = lock(&out).unwrap();
        let w = write_site(&lock, &pages(&[("a/2026-10/index.html", "one"), ("a/index.html", "i1"), ("index.html", "s1")])).unwrap();
        assert_eq!(w.periods, vec![PathBuf::from("a/2026-10")]);
        assert_eq!(w.replaced, 2);
        // The same folder again is refused before anything is written.
        let again = write_site(&lock, &pages(&[("a/index.html", "i2"), ("a/2026-10/index.html", "two")]));
        assert!(matches!(again, Err(PublishError::Exists { .. })), "{again:?}");
        assert_eq!(fs::read_to_string(out.join("a/2026-10/index.html")).unwrap(), "one");
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "i1");
        let w = write_site(&lock, &pages(&[("a/index.html", "i2"), ("index.html", "s1")])).unwrap();
        assert_eq!((w.replaced, w.unchanged), (1, 1));
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "i2");
    }

    #[test]
    fn staged_folders_are_invisible_until_committed_and_gone_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let lock = lock(&out).unwrap();
        write_site(&lock, &pages(&[("a/2026-09/index.html", "sep"), ("a/index.html", "i1")])).unwrap();
        let listing = || {
            let mut all: Vec<String> = walkdir::WalkDir::new(&out).min_depth(1).into_iter().map(|e| e.unwrap().path().strip_prefix(&out).unwrap().display().to_string()).collect();
            all.sort();
            all
        };
        let before = listing();
        // Staged, then the build fails (dropped without a commit): as it was.
        {
            let staging = Staging::begin(&lock).unwrap();
            staging.stage(&pages(&[("a/2026-10/index.html", "oct"), ("a/2026-10/charts/x.svg", "<svg/>")])).unwrap();
            staging.stage(&pages(&[("b/2026-10/index.html", "b-oct")])).unwrap();
            // Nothing is in place while staged; only temporary folders exist.
            assert!(!out.join("a/2026-10").exists() && !out.join("b/2026-10").exists());
            // A mutable page cannot be staged; a published folder cannot be staged again.
            assert!(matches!(staging.stage(&pages(&[("a/index.html", "i2")])), Err(PublishError::BadPage { .. })));
            assert!(matches!(staging.stage(&pages(&[("a/2026-09/index.html", "again")])), Err(PublishError::Exists { .. })));
            assert!(matches!(staging.stage(&pages(&[("a/2026-10/other.html", "twice")])), Err(PublishError::BadPage { .. })));
        }
        // (The new customer's folder, made to stage into, stays: empty.)
        assert_eq!(fs::read_dir(out.join("b")).unwrap().count(), 0);
        let after: Vec<String> = listing().into_iter().filter(|p| p != "b").collect();
        assert_eq!(after, before, "a staging dropped leaves the site as it was, without leftovers");
        // Staged and committed: in place, with the mutable pages after them.
        let staging = Staging::begin(&lock).unwrap();
        staging.stage(&pages(&[("a/2026-10/index.html", "oct")])).unwrap();
        let w = staging.commit(&pages(&[("a/index.html", "i2")])).unwrap();
        assert_eq!(w.periods, vec![PathBuf::from("a/2026-10")]);
        assert_eq!(w.replaced, 1);
        assert_eq!(fs::read_to_string(out.join("a/2026-10/index.html")).unwrap(), "oct");
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "i2");
    }

    #[test]
    fn a_second_lock_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let first = lock(dir.path()).unwrap();
        let second = lock(dir.path());
        assert!(matches!(second, Err(PublishError::Busy { .. })), "{second:?}");
        assert!(second.unwrap_err().to_string().contains("another slareport build is publishing into"));
        drop(first);
        lock(dir.path()).unwrap();
    }

    #[test]
    fn a_failed_write_leaves_the_site_as_it_was_and_the_next_one_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let lock = lock(&out).unwrap();
        write_site(&lock, &pages(&[("a/index.html", "one")])).unwrap();
        let mut n = 0;
        let mut fail_third = |_: Step<'_>| {
            n += 1;
            if n == 3 { Err(io::Error::other("disk full")) } else { Ok(()) }
        };
        let bad = pages(&[("a/2026-11/x.html", "x"), ("a/2026-11/y.html", "y"), ("a/2026-11/z.html", "z"), ("a/index.html", "two")]);
        assert!(write_site_with(&lock, &bad, &mut fail_third).is_err());
        assert!(!out.join("a/2026-11").exists());
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "one");
        // A leftover of a killed build is removed by the next one.
        fs::create_dir_all(out.join("a").join(format!("{TEMP_PREFIX}dead/charts"))).unwrap();
        fs::write(out.join(format!("{TEMP_PREFIX}dead-index.html")), "half").unwrap();
        let w = write_site(&lock, &bad).unwrap();
        assert_eq!(w.cleaned, 2);
        let names: Vec<String> = walkdir::WalkDir::new(&out).into_iter().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        assert!(!names.iter().any(|n| n.starts_with(TEMP_PREFIX)), "{names:?}");
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_in_the_output_are_followed_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("archive");
        let real = dir.path().join("real");
        fs::create_dir_all(&archive).unwrap();
        fs::create_dir_all(&real).unwrap();
        let out = dir.path().join("public");
        std::os::unix::fs::symlink(&real, &out).unwrap();
        std::os::unix::fs::symlink(&archive, real.join("g")).unwrap();
        fs::write(archive.join("target.html"), "old").unwrap();
        std::os::unix::fs::symlink(archive.join("target.html"), real.join("g-index.html")).unwrap();
        let lock = lock(&out).unwrap();
        write_site(&lock, &pages(&[("g/2026-10/index.html", "m"), ("g-index.html", "new")])).unwrap();
        assert!(fs::symlink_metadata(&out).unwrap().file_type().is_symlink());
        assert!(fs::symlink_metadata(real.join("g")).unwrap().file_type().is_symlink());
        assert!(fs::symlink_metadata(real.join("g-index.html")).unwrap().file_type().is_symlink());
        assert_eq!(fs::read_to_string(archive.join("2026-10/index.html")).unwrap(), "m");
        assert_eq!(fs::read_to_string(archive.join("target.html")).unwrap(), "new");
    }

    #[test]
    fn foreign_and_unvouched_period_folders_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        fs::create_dir_all(out.join("a/2026-09-r4294967295")).unwrap();
        let e = published(out, "a").unwrap_err().to_string();
        assert!(e.contains("is not a folder name slareport writes"), "{e}");
        fs::remove_dir(out.join("a/2026-09-r4294967295")).unwrap();
        fs::create_dir_all(out.join("a/2026-09")).unwrap();
        let e = published(out, "a").unwrap_err().to_string();
        assert!(e.contains("manifest.json cannot be read"), "{e}");
        fs::create_dir_all(out.join("a/to-date")).unwrap();
        fs::remove_dir(out.join("a/2026-09")).unwrap();
        assert!(published(out, "a").unwrap().is_empty());
    }
}
