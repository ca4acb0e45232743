//! The published site survives concurrent builds, crashes at any step, a
//! full disk, an unwritable output and symlinked folders: after each, every
//! published file is byte for byte as it was (sha256 of every file), and the
//! next build finishes the job.

mod common;

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::Fixture;
use slareport::build::{build, BuildError, BuildOptions};
use slareport::digest::sha256;
use slareport::publish::{self, Step, LOCK_FILE, TEMP_PREFIX};
use slareport::render::Page;

/// 2026-10-15 00:00 UTC: August and September are complete.
const MID_OCTOBER: i64 = 1_792_022_400;
/// 2026-11-23 00:00 UTC: October is complete too.
const NOW: i64 = 1_795_392_000;

/// The fixture site with outages in August, September and October 2026.
fn site() -> Fixture {
    let fixture = Fixture::valid();
    fixture.write(
        "data/outages.csv",
        &format!(
            "{}{}{}",
            common::OUTAGES,
            "email,2026-08-04T09:00:00+01:00,2026-08-04T09:30:00+01:00,unplanned,network-ola\n",
            "email,2026-09-08T14:00:00+01:00,2026-09-08T14:10:00+01:00,unplanned,\n"
        ),
    );
    fixture
}

fn options(root: &Path, out: &Path, now: i64) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        out: Some(out.to_path_buf()),
        period: None,
        customer: None,
        revise: false,
        as_of: slareport::period::AsOf::Instant(now),
        source_date_epoch: Some(NOW),
        progress: false,
    }
}

/// sha256 of every file below `out` (symlinks followed), but the lock file.
fn snapshot(out: &Path) -> BTreeMap<PathBuf, String> {
    walkdir::WalkDir::new(out)
        .follow_links(true)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file() && e.file_name() != LOCK_FILE)
        .map(|e| (e.path().strip_prefix(out).unwrap().to_path_buf(), sha256(&std::fs::read(e.path()).unwrap())))
        .collect()
}

/// Only the files of published period folders (`<customer>/<YYYY-MM...>/`).
fn periods(snapshot: &BTreeMap<PathBuf, String>) -> BTreeMap<PathBuf, String> {
    snapshot
        .iter()
        .filter(|(p, _)| p.components().nth(1).is_some_and(|c| c.as_os_str().to_string_lossy().starts_with("2026-")) && p.components().count() > 2)
        .map(|(p, h)| (p.clone(), h.clone()))
        .collect()
}

/// Asserts two snapshots are equal, naming the files that differ.
#[track_caller]
fn assert_same(now: &BTreeMap<PathBuf, String>, then: &BTreeMap<PathBuf, String>, what: &str) {
    let differ: Vec<String> = now
        .keys()
        .chain(then.keys())
        .filter(|p| now.get(*p) != then.get(*p))
        .map(|p| format!("{} ({})", p.display(), if !now.contains_key(p) { "gone" } else if !then.contains_key(p) { "new" } else { "changed" }))
        .collect();
    assert!(differ.is_empty(), "{what}: {}", differ.join(", "));
}

#[track_caller]
fn assert_contains(all: &BTreeMap<PathBuf, String>, part: &BTreeMap<PathBuf, String>) {
    for (path, hash) in part {
        assert_eq!(all.get(path), Some(hash), "{} changed or went missing", path.display());
    }
}

fn leftovers(out: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(out)
        .follow_links(true)
        .into_iter()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(TEMP_PREFIX))
        .map(|e| e.path().to_path_buf())
        .collect()
}

#[test]
fn twenty_rounds_of_two_concurrent_builds_in_threads_leave_the_site_intact() {
    let site = site();
    let out = site.path("public");
    build(&options(site.root(), &out, NOW)).unwrap();
    let before = snapshot(&out);
    assert_eq!(periods(&before).keys().filter(|p| p.ends_with("manifest.json")).count(), 3);
    for round in 0..20 {
        let results: Vec<Result<_, BuildError>> = std::thread::scope(|s| {
            let a = s.spawn(|| build(&options(site.root(), &out, NOW)));
            let b = s.spawn(|| build(&options(site.root(), &out, NOW)));
            vec![a.join().unwrap(), b.join().unwrap()]
        });
        for r in &results {
            match r {
                Ok(report) => assert_eq!(report.kept, 3, "round {round}"),
                Err(BuildError::Io(m)) => assert!(m.contains("another slareport build is publishing into"), "round {round}: {m}"),
                Err(e) => panic!("round {round}: {e:?}"),
            }
        }
        assert!(results.iter().any(Result::is_ok), "round {round}: both builds failed");
        assert_same(&snapshot(&out), &before, &format!("round {round}"));
    }
}

/// A build of ROOT into OUT as a process of its own (stderr piped): this
/// test binary running `build_child`. (Not `CARGO_BIN_EXE_slareport`: in a
/// target folder shared by several checkouts that file is whichever
/// checkout linked it last.)
fn spawn_build(root: &Path, out: &Path) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["build_child", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env("BUILD_ROOT", root)
        .env("BUILD_OUT", out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// Run only as the child of the process tests: builds `BUILD_ROOT` into
/// `BUILD_OUT` as `slareport build` does, failing with the build's message.
#[test]
#[ignore = "run by the process tests as a child process"]
fn build_child() {
    let (Some(root), Some(out)) = (std::env::var_os("BUILD_ROOT"), std::env::var_os("BUILD_OUT")) else { return };
    if let Err(e) = build(&options(Path::new(&root), Path::new(&out), NOW)) {
        panic!("{e:?}");
    }
}

#[test]
fn twenty_rounds_of_two_concurrent_build_processes_leave_the_site_intact() {
    let site = site();
    let out = site.path("public");
    let run = || spawn_build(site.root(), &out);
    assert!(run().wait_with_output().unwrap().status.success());
    let before = snapshot(&out);
    for round in 0..20 {
        let (a, b) = (run(), run());
        let outputs = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
        let ok = outputs.iter().filter(|o| o.status.success()).count();
        assert!(ok >= 1, "round {round}: both builds failed");
        for o in outputs.iter().filter(|o| !o.status.success()) {
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(err.contains("another slareport build is publishing into"), "round {round}: {err}");
        }
        assert_same(&snapshot(&out), &before, &format!("round {round}"));
    }
}

/// Pages as a build would hand them over: period folders with a subfolder,
/// customer indexes, the site index.
fn pages(month: &str, version: &str) -> Vec<Page> {
    let mut pages = Vec::new();
    for customer in ["acme", "globex"] {
        for file in ["index.html", "report.html", "results.json", "charts/a.svg", "charts/b.svg", "manifest.json"] {
            pages.push(Page::new(format!("{customer}/{month}/{file}"), format!("{customer} {month} {file}")));
        }
        pages.push(Page::new(format!("{customer}/index.html"), format!("{customer} index {version}")));
        pages.push(Page::new(format!("{customer}/to-date/index.html"), format!("{customer} to date {version}")));
    }
    pages.push(Page::new("style.css", format!("css {version}")));
    pages.push(Page::new("index.html", format!("site index {version}")));
    pages
}

/// The pages a later build hands over: a period folder that is in place is
/// kept (the planner does not render it again).
fn still_to_publish(out: &Path, pages: Vec<Page>) -> Vec<Page> {
    pages
        .into_iter()
        .filter(|p| {
            let folder: PathBuf = p.path.components().take(2).collect();
            let period = p.path.components().nth(1).is_some_and(|c| c.as_os_str().to_string_lossy().starts_with("2026-"));
            p.path.components().count() < 3 || !period || !out.join(folder).exists()
        })
        .collect()
}

/// Run only as the child of `a_build_killed_at_any_step_loses_nothing`: it
/// publishes the November pages and kills itself with SIGKILL just before
/// step `FAULT_STEP` of the writer.
#[test]
#[ignore = "run by a_build_killed_at_any_step_loses_nothing as a child process"]
fn crash_child() {
    let (Ok(out), Ok(step)) = (std::env::var("FAULT_OUT"), std::env::var("FAULT_STEP")) else { return };
    let step: usize = step.parse().unwrap();
    let lock = publish::lock(Path::new(&out)).unwrap();
    let mut n = 0;
    let mut kill = |_: Step<'_>| {
        if n == step {
            let _ = Command::new("kill").args(["-KILL", &std::process::id().to_string()]).status();
            std::thread::sleep(std::time::Duration::from_secs(60));
        }
        n += 1;
        Ok(())
    };
    publish::write_site_with(&lock, &pages("2026-11", "v2"), &mut kill).unwrap();
}

#[cfg(unix)]
#[test]
fn a_build_killed_at_any_step_loses_nothing() {
    use std::os::unix::process::ExitStatusExt;
    // Count the writer's steps (every file write and every rename).
    let scratch = tempfile::tempdir().unwrap();
    let mut steps = 0;
    let lock = publish::lock(scratch.path()).unwrap();
    publish::write_site_with(&lock, &pages("2026-10", "v1"), &mut |_| Ok(())).unwrap();
    publish::write_site_with(&lock, &pages("2026-11", "v2"), &mut |_| {
        steps += 1;
        Ok(())
    })
    .unwrap();
    let complete = snapshot(scratch.path());
    drop(lock);
    assert!(steps > 20, "{steps}");

    for step in 0..steps {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        publish::write_site(&publish::lock(&out).unwrap(), &pages("2026-10", "v1")).unwrap();
        let before = periods(&snapshot(&out));
        let status = Command::new(std::env::current_exe().unwrap())
            .args(["crash_child", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
            .env("FAULT_OUT", &out)
            .env("FAULT_STEP", step.to_string())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert_eq!(status.signal(), Some(9), "step {step}: the child was not killed: {status:?}");
        let after = snapshot(&out);
        // October is untouched; each November folder is whole or absent.
        assert_contains(&after, &before);
        for customer in ["acme", "globex"] {
            let folder = out.join(customer).join("2026-11");
            if folder.exists() {
                let whole: Vec<_> = complete.keys().filter(|p| p.starts_with(format!("{customer}/2026-11"))).collect();
                for p in whole {
                    assert_eq!(after.get(p), complete.get(p), "step {step}: {} is partial", p.display());
                }
            }
        }
        // The next build removes the leftovers and finishes the job.
        let lock = publish::lock(&out).unwrap();
        publish::write_site(&lock, &still_to_publish(&out, pages("2026-11", "v2"))).unwrap();
        assert!(leftovers(&out).is_empty(), "step {step}: {:?}", leftovers(&out));
        assert_same(&snapshot(&out), &complete, &format!("step {step}"));
    }
}

#[cfg(unix)]
#[test]
fn a_build_process_killed_at_random_instants_loses_nothing() {
    let site = site();
    let out = site.path("public");
    let run = || spawn_build(site.root(), &out);
    // August and September first.
    build(&options(site.root(), &out, MID_OCTOBER)).unwrap();
    let before = periods(&snapshot(&out));
    let started = std::time::Instant::now();
    assert!(run().wait().unwrap().success());
    let took = started.elapsed();
    let complete = snapshot(&out);
    for i in 0..12u32 {
        // Back to the August-September site.
        std::fs::remove_dir_all(out.join("acme/2026-10")).unwrap();
        let mut child = run();
        std::thread::sleep(took * i / 10);
        let _ = child.kill();
        let _ = child.wait();
        assert_contains(&snapshot(&out), &before);
        build(&options(site.root(), &out, NOW)).unwrap();
        assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
        assert_same(&snapshot(&out), &complete, &format!("killed after {:?}", took * i / 10));
    }
}

/// Mounts a tmpfs of `size` at `dir` (root, and a kernel that lets us), or
/// says why not.
#[cfg(target_os = "linux")]
fn mount_tmpfs(dir: &Path, size: &str) -> bool {
    Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs", dir.to_str().unwrap()])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn a_full_disk_fails_the_build_and_loses_nothing() {
    let site = site();
    let disk = tempfile::tempdir().unwrap();
    #[cfg(target_os = "linux")]
    let mounted = mount_tmpfs(disk.path(), "1m");
    #[cfg(not(target_os = "linux"))]
    let mounted = false;
    let out = disk.path().join("public");
    build(&options(site.root(), &out, MID_OCTOBER)).unwrap();
    let before = snapshot(&out);
    if mounted {
        // Fill the disk, then build October.
        let filler = disk.path().join("filler");
        let mut f = std::fs::File::create(&filler).unwrap();
        let block = vec![0u8; 4096];
        while io::Write::write_all(&mut f, &block).is_ok() {}
        drop(f);
        let err = build(&options(site.root(), &out, NOW)).unwrap_err();
        assert!(format!("{err:?}").contains("No space left on device"), "{err:?}");
        assert_same(&snapshot(&out), &before, "after the failed build");
        std::fs::remove_file(&filler).unwrap();
        let _ = Command::new("umount").arg(disk.path()).status();
    }
    // Without a small disk to fill (or as well): a writer that fails with
    // ENOSPC at each write in turn.
    let pages_v2 = pages("2026-11", "v2");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let lock = publish::lock(&out).unwrap();
    publish::write_site(&lock, &pages("2026-10", "v1")).unwrap();
    let before = snapshot(&out);
    // Fail at the first write, then the second, ...: each failed build
    // leaves what was published; the first build with room finishes.
    for fail_at in 0.. {
        let mut n = 0;
        let mut full = |step: Step<'_>| {
            if let Step::Write(_) = step {
                n += 1;
                if n > fail_at {
                    return Err(io::Error::from_raw_os_error(28));
                }
            }
            Ok(())
        };
        match publish::write_site_with(&lock, &still_to_publish(&out, pages_v2.clone()), &mut full) {
            Ok(_) => break,
            Err(err) => assert!(err.to_string().contains("No space left on device"), "{err}"),
        }
        assert_contains(&snapshot(&out), &periods(&before));
        assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
    }
    assert_same(&snapshot(&out), &snapshot(scratch_complete(&pages_v2).path()), "after the disk had room");
}

/// A site written in one go from the October pages, then `pages`.
fn scratch_complete(pages: &[Page]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let lock = publish::lock(dir.path()).unwrap();
    publish::write_site(&lock, &self::pages("2026-10", "v1")).unwrap();
    publish::write_site(&lock, pages).unwrap();
    dir
}

#[cfg(unix)]
#[test]
fn an_unwritable_output_fails_the_build_and_loses_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let site = site();
    let out = site.path("public");
    build(&options(site.root(), &out, MID_OCTOBER)).unwrap();
    let before = snapshot(&out);
    let acme = out.join("acme");
    std::fs::set_permissions(&acme, std::fs::Permissions::from_mode(0o555)).unwrap();
    let probe = acme.join("probe");
    let root_ignores_modes = std::fs::write(&probe, "x").is_ok();
    let _ = std::fs::remove_file(&probe);
    if !root_ignores_modes {
        let err = build(&options(site.root(), &out, NOW)).unwrap_err();
        assert!(format!("{err:?}").contains("Permission denied"), "{err:?}");
        assert_same(&snapshot(&out), &before, "after the failed build");
    } else {
        // Root writes anywhere: a read-only bind mount, or else an injected EACCES.
        let ro = Command::new("mount").args(["--bind", "-o", "ro", acme.to_str().unwrap(), acme.to_str().unwrap()]).stderr(std::process::Stdio::null()).status().is_ok_and(|s| s.success())
            && Command::new("mount").args(["-o", "remount,ro,bind", acme.to_str().unwrap()]).status().is_ok_and(|s| s.success());
        if ro {
            let err = build(&options(site.root(), &out, NOW)).unwrap_err();
            let _ = Command::new("umount").arg(&acme).status();
            assert!(format!("{err:?}").contains("Read-only file system"), "{err:?}");
            assert_same(&snapshot(&out), &before, "after the failed build");
        }
        let lock = publish::lock(&out).unwrap();
        let mut denied = |_: Step<'_>| Err(io::Error::from_raw_os_error(13));
        let err = publish::write_site_with(&lock, &pages("2026-11", "v2"), &mut denied).unwrap_err();
        assert!(err.to_string().contains("Permission denied"), "{err}");
        assert_same(&snapshot(&out), &before, "after the failed build");
    }
    std::fs::set_permissions(&acme, std::fs::Permissions::from_mode(0o755)).unwrap();
    build(&options(site.root(), &out, NOW)).unwrap();
    assert_contains(&snapshot(&out), &periods(&before));
}

#[cfg(unix)]
#[test]
fn symlinked_folders_in_the_output_are_kept_and_followed() {
    use std::os::unix::fs::symlink;
    let site = site();
    let elsewhere = tempfile::tempdir().unwrap();
    // The output itself is a symlink, and so is the customer's folder in it.
    let real_out = elsewhere.path().join("site");
    let archive = elsewhere.path().join("archive-acme");
    std::fs::create_dir_all(&real_out).unwrap();
    std::fs::create_dir_all(&archive).unwrap();
    let out = site.path("public");
    symlink(&real_out, &out).unwrap();
    symlink(&archive, real_out.join("acme")).unwrap();
    let report = build(&options(site.root(), &out, MID_OCTOBER)).unwrap();
    assert_eq!(report.published.len(), 2);
    let before = snapshot(&out);
    assert!(archive.join("2026-08/manifest.json").is_file());
    let report = build(&options(site.root(), &out, NOW)).unwrap();
    assert_eq!((report.kept, report.published.len()), (2, 1));
    assert!(std::fs::symlink_metadata(&out).unwrap().file_type().is_symlink());
    assert!(std::fs::symlink_metadata(real_out.join("acme")).unwrap().file_type().is_symlink());
    assert!(archive.join("2026-10/manifest.json").is_file());
    assert_contains(&snapshot(&out), &periods(&before));
}

#[test]
fn a_month_without_its_manifest_or_a_foreign_folder_is_refused_not_rewritten() {
    let site = site();
    let out = site.path("public");
    build(&options(site.root(), &out, NOW)).unwrap();
    std::fs::remove_file(out.join("acme/2026-09/manifest.json")).unwrap();
    let before = snapshot(&out);
    let err = format!("{:?}", build(&options(site.root(), &out, NOW)).unwrap_err());
    assert!(err.contains("acme/2026-09 looks like a published month but its manifest.json cannot be read"), "{err}");
    assert_same(&snapshot(&out), &before, "after the failed build");

    let site = self::site();
    let out = site.path("public");
    build(&options(site.root(), &out, NOW)).unwrap();
    std::fs::create_dir_all(out.join("acme/2026-09-r4294967295")).unwrap();
    let before = snapshot(&out);
    let mut revise = options(site.root(), &out, NOW);
    revise.revise = true;
    let err = format!("{:?}", build(&revise).unwrap_err());
    assert!(err.contains("`2026-09-r4294967295` is not a folder name slareport writes"), "{err}");
    assert_same(&snapshot(&out), &before, "after the failed build");
}
