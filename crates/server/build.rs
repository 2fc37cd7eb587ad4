//! Builds the web UI (`web/`, TypeScript + Vite) so that the server can embed `web/dist`.
//!
//! `cargo run --release -- demo` must need no manual npm step, so this script runs
//! `npm ci` (or `npm install` without a lock) when `web/node_modules` is missing or older than
//! the lock, and `npm run build` when any web source is newer than `web/dist/index.html`.
//! Nothing here fails the Rust build: without npm, or when the web build fails, it prints a
//! `cargo:warning` and the server embeds what `web/dist` holds, or, when there is nothing, a
//! one-page placeholder (written to `OUT_DIR`) saying the UI was not built.
//! `TANSIQ_SKIP_WEB=1` skips npm entirely (the embedded UI is then whatever `web/dist` holds).
//!
//! The directory to embed is handed to the crate as the `TANSIQ_WEB_DIST` environment variable.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

/// Inputs of the web build, relative to `web/`; any change re-runs this script. Each must
/// exist: cargo re-runs a build script on every build while a watched path is missing.
const WATCHED: &[&str] =
    &["src", "index.html", "package.json", "package-lock.json", "vite.config.ts", "tsconfig.json"];

/// Region files the UI bundles for its basemap.
const WATCHED_DATA: &[&str] = &["data/region/countries.geojson"];

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let root = manifest.join("../..");
    let web = root.join("web");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());

    println!("cargo:rerun-if-env-changed=TANSIQ_SKIP_WEB");
    for path in WATCHED {
        println!("cargo:rerun-if-changed={}", web.join(path).display());
    }
    for path in WATCHED_DATA {
        println!("cargo:rerun-if-changed={}", root.join(path).display());
    }

    let skip = std::env::var("TANSIQ_SKIP_WEB").is_ok_and(|v| !v.is_empty() && v != "0");
    if web.join("package.json").is_file() && !skip {
        // Several cargo invocations (profiles, target dirs) may run this at once on one
        // checkout; npm must not run twice in the same folder.
        let lock = Lock::acquire(&web.join(".build.lock"));
        if let Err(message) = build_web(&web, &root) {
            println!("cargo:warning=web UI not rebuilt: {message}");
        }
        drop(lock);
    }

    let dist = web.join("dist");
    let embed = if dist.join("index.html").is_file() {
        dist
    } else {
        if !skip {
            println!(
                "cargo:warning=web/dist is missing: the server will serve a page saying the UI \
                 was not built (install Node.js and npm, then rebuild)"
            );
        }
        placeholder(&out)
    };
    println!("cargo:rustc-env=TANSIQ_WEB_DIST={}", embed.display());
}

/// A lock file held while npm runs. It names the build script's process; a lock whose process
/// is gone (a build interrupted with Ctrl-C) or that is older than ten minutes is abandoned.
struct Lock(Option<PathBuf>);

impl Lock {
    fn acquire(path: &Path) -> Lock {
        for _ in 0..600 {
            match std::fs::File::create_new(path) {
                Ok(mut file) => {
                    use std::io::Write;
                    let _ = write!(file, "{}", std::process::id());
                    return Lock(Some(path.to_path_buf()));
                }
                Err(_) => {
                    let age = modified(path).and_then(|t| t.elapsed().ok());
                    let owner = std::fs::read_to_string(path).ok();
                    let gone =
                        owner.and_then(|pid| pid.trim().parse::<u32>().ok()).is_some_and(|pid| {
                            Path::new("/proc/self").exists()
                                && !Path::new(&format!("/proc/{pid}")).exists()
                        });
                    if gone || age.is_some_and(|a| a.as_secs() > 600) {
                        let _ = std::fs::remove_file(path);
                        continue;
                    }
                    std::thread::sleep(std::time::Duration::from_secs(1));
                }
            }
        }
        println!("cargo:warning=gave up waiting for {}", path.display());
        Lock(None)
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Runs npm in `web/` when its inputs changed since the last build.
fn build_web(web: &Path, root: &Path) -> Result<(), String> {
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    if Command::new(npm).arg("--version").output().is_err() {
        return Err("npm was not found on PATH (Node.js 20+ is needed to build web/)".into());
    }
    let lock = web.join("package-lock.json");
    let installed = web.join("node_modules/.package-lock.json");
    let stale_modules =
        match (modified(&installed), newest(&[web.join("package.json"), lock.clone()])) {
            (Some(have), Some(want)) => have < want,
            _ => true,
        };
    if stale_modules {
        let install = if lock.is_file() { "ci" } else { "install" };
        run(Command::new(npm).args([install, "--no-audit", "--no-fund"]).current_dir(web))?;
    }
    let mut inputs: Vec<PathBuf> = WATCHED.iter().map(|p| web.join(p)).collect();
    inputs.extend(WATCHED_DATA.iter().map(|p| root.join(p)));
    let built = modified(&web.join("dist/index.html"));
    let stale_dist = match (built, newest(&inputs)) {
        (Some(built), Some(source)) => built < source,
        _ => true,
    };
    if stale_dist {
        run(Command::new(npm).args(["run", "build"]).current_dir(web))?;
    }
    Ok(())
}

fn run(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    let output = command.output().map_err(|e| format!("{shown}: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let tail: Vec<&str> = stderr.lines().chain(stdout.lines()).rev().take(12).collect();
    for line in tail.iter().rev() {
        println!("cargo:warning=  {line}");
    }
    Err(format!("{shown} failed ({})", output.status))
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The newest modification time of the given files and of everything under the given folders.
fn newest(paths: &[PathBuf]) -> Option<SystemTime> {
    fn walk(path: &Path, best: &mut Option<SystemTime>) {
        let Ok(meta) = std::fs::metadata(path) else { return };
        if let Ok(time) = meta.modified() {
            *best = (*best).max(Some(time));
        }
        if meta.is_dir() {
            for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
                walk(&entry.path(), best);
            }
        }
    }
    let mut best = None;
    for path in paths {
        walk(path, &mut best);
    }
    best
}

/// A one-page stand-in for the UI, so that the server compiles and says what is missing.
fn placeholder(out: &Path) -> PathBuf {
    let dir = out.join("web-placeholder");
    let page = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
        <title>Tansiq</title></head><body style=\"font-family:sans-serif;background:#111;\
        color:#eee;padding:2em\"><h1>Tansiq</h1><p>The web UI was not built into this binary \
        (npm was missing, the web build failed, or TANSIQ_SKIP_WEB was set). Install Node.js \
        and npm and rebuild; the API under <code>/api/v1</code> works without it.</p>\
        </body></html>\n";
    if let Err(error) =
        std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(dir.join("index.html"), page))
    {
        println!("cargo:warning=cannot write the UI placeholder: {error}");
    }
    dir
}
