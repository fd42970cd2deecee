//! Peak heap use, for the scenarios that prove memory stays bounded whatever the input's size.
//!
//! `stats_alloc` and friends count totals, not the high-water mark a bounded-memory verdict needs,
//! hence this small wrapper. A test binary opts in with
//! `#[global_allocator] static ALLOC: harness::alloc::Counting = harness::alloc::Counting;`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// The system allocator, counting live bytes and their peak.
pub struct Counting;

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
            grow(new_size);
        }
        p
    }
}

fn grow(by: usize) {
    INSTALLED.store(true, Ordering::Relaxed);
    let now = CURRENT.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

/// Heap bytes live now (0 if the binary does not count).
pub(crate) fn current() -> usize {
    CURRENT.load(Ordering::Relaxed)
}

/// Whether the running binary counts allocations at all.
pub fn installed() -> bool {
    INSTALLED.load(Ordering::Relaxed)
}

/// Runs `f` and returns its result with the most heap, in bytes, that was live during it beyond
/// what was live when it began. Reached only through [`crate::scenario::Ctx::heap_peak_growth`]:
/// a solution that could reset the peak could pass any memory bound.
pub(crate) fn peak_growth<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let r = f();
    (r, PEAK.load(Ordering::Relaxed).saturating_sub(base))
}
