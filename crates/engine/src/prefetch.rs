//! Asking the processor to bring memory into the cache ahead of use, for the read-ahead (see
//! `Engine::warm`).
//!
//! The read-ahead used to load what a group of events will touch. A load that misses holds
//! up the processor's window of instructions until it returns, so only a few misses were in
//! flight at once; a prefetch retires at once, and the read-ahead can ask for every line of
//! a group before the first has come. The one `unsafe` of the engine: `bench/picture.sh`
//! measures what it buys (see the engine's README).

/// Brings the cache lines of `*value` in (all of them, up to `size_of::<T>()`), as a hint:
/// nothing the program can observe changes.
#[inline(always)]
pub(crate) fn lines<T>(value: &T) {
    let (start, size) = (std::ptr::from_ref(value).cast::<u8>(), size_of::<T>());
    let mut offset = 0;
    while offset < size {
        line(start.wrapping_add(offset));
        offset += 64;
    }
    // The last byte's line, which the steps above miss when the value starts mid-line.
    line(start.wrapping_add(size.saturating_sub(1)));
}

/// Brings in the cache line of the slice's item `index`, if it has one.
#[inline(always)]
pub(crate) fn item<T>(items: &[T], index: usize) {
    if let Some(item) = items.get(index) {
        line(std::ptr::from_ref(item).cast());
    }
}

/// Brings in the cache line holding the byte at `p`.
#[inline(always)]
#[allow(unsafe_code)]
fn line(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint to the cache: it never faults, whatever the address, and
    // reads nothing into the program. The addresses given here lie within live values (or
    // are a zero-sized value's, which is as harmless).
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}
