//! The daily report as PDF: the HTML report printed by headless Chromium, so that Arabic is
//! shaped and laid out right to left by a real text engine, with a bundled font covering Arabic
//! (DejaVu Sans, `assets/fonts`, see its README) embedded in the page so the output does not
//! depend on the fonts installed. Chromium is found at `TANSIQ_CHROMIUM`, else
//! `/usr/bin/chromium` (Debian's package, which `scripts/test` installs); without it the route
//! answers 503 `pdf_unavailable` and the JSON and HTML forms still work.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use thiserror::Error;

const FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
/// Longest a print may take before it is abandoned.
const PRINT_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Error)]
pub enum PdfError {
    #[error("chromium is not installed at {0}; pdf reports need it")]
    NoChromium(String),
    #[error("cannot prepare the pdf print: {0}")]
    Io(String),
    #[error("chromium did not print the report: {0}")]
    Print(String),
    #[error("chromium took longer than {0} s to print the report")]
    Timeout(u64),
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// CSS declaring the bundled font as `Tansiq Arabic`.
pub fn font_face() -> &'static str {
    static CSS: OnceLock<String> = OnceLock::new();
    CSS.get_or_init(|| {
        format!(
            "@font-face{{font-family:'Tansiq Arabic';src:url(data:font/ttf;base64,{}) format('truetype');}}",
            base64(FONT)
        )
    })
}

fn chromium() -> String {
    std::env::var("TANSIQ_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned())
}

fn print_blocking(html: String) -> Result<Vec<u8>, PdfError> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let binary = chromium();
    if !std::path::Path::new(&binary).exists() {
        return Err(PdfError::NoChromium(binary));
    }
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir: PathBuf =
        std::env::temp_dir().join(format!("tansiq-report-{}-{n}", std::process::id()));
    let io = |e: std::io::Error| PdfError::Io(e.to_string());
    std::fs::create_dir_all(&dir).map_err(io)?;
    let result = (|| {
        let page = dir.join("report.html");
        let out = dir.join("report.pdf");
        std::fs::write(&page, html).map_err(io)?;
        let mut child = Command::new(&binary)
            .arg("--headless")
            .arg("--no-sandbox")
            .arg("--disable-gpu")
            .arg("--disable-dev-shm-usage")
            .arg("--no-first-run")
            .arg("--no-pdf-header-footer")
            .arg(format!("--user-data-dir={}", dir.join("profile").display()))
            .arg(format!("--print-to-pdf={}", out.display()))
            .arg(format!("file://{}", page.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| PdfError::Print(e.to_string()))?;
        let started = Instant::now();
        loop {
            match child.try_wait().map_err(io)? {
                Some(status) if status.success() => break,
                Some(status) => return Err(PdfError::Print(format!("exit status {status}"))),
                None if started.elapsed() > PRINT_TIMEOUT => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(PdfError::Timeout(PRINT_TIMEOUT.as_secs()));
                }
                None => std::thread::sleep(Duration::from_millis(50)),
            }
        }
        let bytes = std::fs::read(&out).map_err(io)?;
        if !bytes.starts_with(b"%PDF") {
            return Err(PdfError::Print("the output is not a pdf".to_owned()));
        }
        Ok(bytes)
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// Chromium processes printing at once; further requests wait their turn.
static PRINTERS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Prints `html` to PDF on a blocking thread (Chromium takes a second or two), at most
/// [`PRINTERS`] at a time so that report requests cannot fill the machine with browsers.
pub async fn print(html: String) -> Result<Vec<u8>, PdfError> {
    let _permit = PRINTERS.acquire().await.map_err(|e| PdfError::Print(e.to_string()))?;
    tokio::task::spawn_blocking(move || print_blocking(html))
        .await
        .map_err(|e| PdfError::Print(e.to_string()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), want);
        }
        assert!(font_face().contains("font/ttf"));
    }
}
