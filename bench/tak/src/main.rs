//! N simulated TAK clients against a TAK server: each connects over plain TCP, sends one SA
//! per second (its send time in `<remarks>`), and reads everything the server sends, timing
//! the delivery of every other client's SA. Prints percentiles, counts and, given the server's
//! pid, the server's CPU use over the measured window.
//!
//! Usage: bench-tak --addr HOST:PORT [--clients N] [--seconds S] [--warmup S] [--server-pid P]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Latency buckets: 100 µs wide up to 100 ms, then 1 ms wide up to 5 s; the last one holds
/// everything slower. Each client counts into its own histogram and adds it to the shared one
/// once, at the end, so timing a million deliveries a second costs no shared cache lines.
const FINE: usize = 1_000;
const FINE_US: u64 = 100;
const COARSE_US: u64 = 1_000;
const BUCKETS: usize = FINE + 4_900 + 1;

fn bucket(us: u64) -> usize {
    if us < FINE as u64 * FINE_US {
        (us / FINE_US) as usize
    } else {
        (FINE + ((us - FINE as u64 * FINE_US) / COARSE_US) as usize).min(BUCKETS - 1)
    }
}

/// The upper edge of a bucket, in ms.
fn bucket_ms(i: usize) -> f64 {
    let us = if i < FINE {
        (i as u64 + 1) * FINE_US
    } else {
        FINE as u64 * FINE_US + (i - FINE + 1) as u64 * COARSE_US
    };
    us as f64 / 1000.0
}

struct Stats {
    histogram: Vec<AtomicU64>,
    sent: AtomicU64,
    received: AtomicU64,
    disconnected: AtomicU64,
    connect_failed: AtomicU64,
    /// Microseconds since the epoch after which latencies count (warm-up over) …
    from_us: u64,
    /// … and before which they count.
    until_us: u64,
}

fn now_us() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_micros() as u64)
}

fn cot_time(us: u64) -> String {
    let secs = us / 1_000_000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        us / 1000 % 1000
    )
}

fn sa(i: usize, us: u64) -> String {
    let (t, stale) = (cot_time(us), cot_time(us + 60_000_000));
    let lat = 32.0 + (i % 100) as f64 * 0.01;
    let lon = 12.0 + (i / 100) as f64 * 0.01;
    format!(
        "<event version=\"2.0\" uid=\"bench-{i}\" type=\"a-f-S-X\" how=\"m-g\" time=\"{t}\" start=\"{t}\" stale=\"{stale}\"><point lat=\"{lat}\" lon=\"{lon}\" hae=\"0\" ce=\"10\" le=\"10\"/><detail><contact callsign=\"BENCH-{i}\"/><__group name=\"Cyan\" role=\"Team Member\"/><track course=\"90\" speed=\"5\"/><remarks>t={us}</remarks></detail></event>"
    )
}

const MARK: &[u8] = b"<remarks>t=";

async fn client(i: usize, addr: String, phase: Duration, end: Instant, stats: Arc<Stats>) {
    let Ok(stream) = TcpStream::connect(&addr).await else {
        stats.connect_failed.fetch_add(1, Ordering::Relaxed);
        return;
    };
    let _ = stream.set_nodelay(true);
    let (mut reader, mut writer) = stream.into_split();
    let writing = {
        let stats = stats.clone();
        tokio::spawn(async move {
            tokio::time::sleep(phase).await;
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            while Instant::now() < end {
                tick.tick().await;
                if writer.write_all(sa(i, now_us()).as_bytes()).await.is_err() {
                    return;
                }
                stats.sent.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    // One big buffer; only the unfinished tail of a read moves to its front, and the bytes
    // are scanned with memchr's SIMD search for the one stamp that matters.
    let mut buf = vec![0u8; 256 * 1024];
    let mut filled = 0;
    let finder = memchr::memmem::Finder::new(MARK);
    let mut local = vec![0u32; BUCKETS];
    let mut received = 0u64;
    while Instant::now() < end {
        let n = match tokio::time::timeout(Duration::from_secs(1), reader.read(&mut buf[filled..]))
            .await
        {
            Ok(Ok(0)) | Ok(Err(_)) => {
                stats.disconnected.fetch_add(1, Ordering::Relaxed);
                break;
            }
            Ok(Ok(n)) => n,
            Err(_) => continue,
        };
        let at = now_us();
        filled += n;
        let mut pos = 0;
        while let Some(found) = finder.find(&buf[pos..filled]) {
            let start = pos + found + MARK.len();
            let Some(len) = buf[start..filled].iter().position(|b| !b.is_ascii_digit()) else {
                break;
            };
            let sent = buf[start..start + len]
                .iter()
                .fold(0u64, |n, d| n.wrapping_mul(10).wrapping_add(u64::from(d - b'0')));
            pos = start + len;
            received += 1;
            if sent >= stats.from_us && sent < stats.until_us {
                local[bucket(at.saturating_sub(sent))] += 1;
            }
        }
        // Keep what may be the start of a stamp cut by the read's end.
        let keep_from = pos.max(filled.saturating_sub(MARK.len() + 24));
        buf.copy_within(keep_from..filled, 0);
        filled -= keep_from;
    }
    stats.received.fetch_add(received, Ordering::Relaxed);
    for (shared, n) in stats.histogram.iter().zip(local) {
        if n > 0 {
            shared.fetch_add(u64::from(n), Ordering::Relaxed);
        }
    }
    writing.abort();
}

/// utime + stime of a process, in clock ticks.
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

fn percentile(histogram: &[u64], total: u64, p: f64) -> f64 {
    let want = ((total as f64) * p).ceil() as u64;
    let mut seen = 0;
    for (i, n) in histogram.iter().enumerate() {
        seen += n;
        if seen >= want.max(1) {
            return bucket_ms(i);
        }
    }
    f64::NAN
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut addr, mut clients, mut seconds, mut warmup, mut pid) =
        ("127.0.0.1:8087".to_string(), 1000usize, 30u64, 5u64, None::<u32>);
    while let Some(arg) = args.next() {
        let value = args.next().unwrap_or_default();
        match arg.as_str() {
            "--addr" => addr = value,
            "--clients" => clients = value.parse().unwrap_or(clients),
            "--seconds" => seconds = value.parse().unwrap_or(seconds),
            "--warmup" => warmup = value.parse().unwrap_or(warmup),
            "--server-pid" => pid = value.parse().ok(),
            other => {
                eprintln!("unknown argument {other}");
                std::process::exit(2);
            }
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async move {
        let start_us = now_us();
        let from_us = start_us + warmup * 1_000_000;
        let until_us = from_us + seconds * 1_000_000;
        let stats = Arc::new(Stats {
            histogram: (0..BUCKETS).map(|_| AtomicU64::new(0)).collect(),
            sent: AtomicU64::new(0),
            received: AtomicU64::new(0),
            disconnected: AtomicU64::new(0),
            connect_failed: AtomicU64::new(0),
            from_us,
            until_us,
        });
        // A second after the window closes, so late deliveries still count.
        let end = Instant::now() + Duration::from_secs(warmup + seconds + 1);
        let mut tasks = Vec::new();
        for i in 0..clients {
            let phase = Duration::from_micros((i as u64 * 1_000_000) / clients as u64);
            tasks.push(tokio::spawn(client(i, addr.clone(), phase, end, stats.clone())));
            if i % 100 == 99 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        tokio::time::sleep_until((Instant::now() + Duration::from_secs(warmup)).into()).await;
        let (cpu0, wall0, sent0) =
            (pid.and_then(cpu_ticks), Instant::now(), stats.sent.load(Ordering::Relaxed));
        tokio::time::sleep(Duration::from_secs(seconds)).await;
        let (cpu1, wall1, sent1) =
            (pid.and_then(cpu_ticks), Instant::now(), stats.sent.load(Ordering::Relaxed));
        for task in tasks {
            let _ = task.await;
        }
        let histogram: Vec<u64> = stats.histogram.iter().map(|a| a.load(Ordering::Relaxed)).collect();
        let total: u64 = histogram.iter().sum();
        let sent = sent1 - sent0;
        println!("clients {clients}, window {seconds} s after {warmup} s warm-up");
        println!(
            "SAs sent in window {sent} ({:.0}/s); deliveries timed {total} (expected ≈ {}); disconnected {}; could not connect {}",
            sent as f64 / seconds as f64,
            sent * (clients as u64 - 1),
            stats.disconnected.load(Ordering::Relaxed),
            stats.connect_failed.load(Ordering::Relaxed)
        );
        println!(
            "delivery latency ms: p50 {:.1}  p90 {:.1}  p99 {:.1}  p99.9 {:.1}  max≤ {:.1}",
            percentile(&histogram, total, 0.50),
            percentile(&histogram, total, 0.90),
            percentile(&histogram, total, 0.99),
            percentile(&histogram, total, 0.999),
            percentile(&histogram, total, 1.0),
        );
        if let (Some(a), Some(b)) = (cpu0, cpu1) {
            let secs = (wall1 - wall0).as_secs_f64();
            println!("server cpu: {:.0}% of one core (of 200% on 2 cores)", (b - a) as f64 / secs);
        }
        if let Some(ticks) = cpu_ticks(std::process::id()) {
            println!("bench clients cpu: {:.1} s in all (same machine)", ticks as f64 / 100.0);
        }
    });
}
