//! No heap allocation per message: a counting allocator watches the decode path (lines to
//! typed messages, and JSON into a reused buffer) over the whole gpsd sample.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use crate::support::read;

struct Counting;

thread_local! {
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator unchanged; only counts calls on this thread.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocs() -> u64 {
    ALLOCS.with(Cell::get)
}

#[test]
fn decoding_allocates_nothing_per_message() {
    let input = read("gpsd/test/sample.aivdm");
    let lines: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
    let mut decoder = ais::Decoder::default();
    let mut json = Vec::with_capacity(1 << 20);
    let before = allocs();
    let mut messages = 0;
    for _ in 0..10 {
        for line in &lines {
            if let Ok(Some(d)) = decoder.decode_line(line, 0, 0) {
                messages += 1;
                ais::write_json(&mut json, &d, false);
                ais::write_json(&mut json, &d, true);
            }
        }
        json.clear();
    }
    let after = allocs();
    assert!(messages > 900, "{messages} messages");
    assert_eq!(after - before, 0, "allocations while decoding {messages} messages");
}
