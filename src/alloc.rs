//! The global allocator of the binary (and the benchmarks' examples): mimalloc.
//!
//! Notes are parsed on one thread and their models dropped on another, and glibc's malloc
//! spent a fifth of `summarize`'s time there (docs/benchmarks.md).

/// Hands the memory freed so far back to the system: this thread's, and that of the parsing
/// threads when they were started (each thread's freed memory waits in its own heap, and
/// mimalloc gives it back only once that thread allocates again, after a delay). For a
/// command's second half, so that what its first half freed does not add to its peak:
/// `summarize --write` into a ten-year log with a day at both ends peaked at 59.1-61.9 MiB
/// (15 runs) without it. Does nothing where mimalloc allocated nothing.
pub fn hand_back_freed() {
    fn collect() {
        // SAFETY: `mi_collect` takes a plain flag and only tidies this thread's heap.
        unsafe { libmimalloc_sys::mi_collect(true) }
    }
    if crate::load::parsing_pool_started() {
        rayon::broadcast(|_| collect());
    }
    collect();
}

/// mimalloc, called as the `mimalloc` crate calls it except that an allocation needing no
/// more than the 8-byte alignment every mimalloc block has goes to `mi_malloc` (the crate
/// always calls `mi_malloc_aligned`, about twice the instructions; parsing a note makes a
/// few hundred allocations).
pub struct Mimalloc;

/// The alignment of every block mimalloc hands out (its blocks are multiples of a word).
const WORD: usize = std::mem::size_of::<usize>();

/// mimalloc's calls for a new block: the plain one and the one taking an alignment.
type Plain = unsafe extern "C" fn(usize) -> *mut std::ffi::c_void;
type Aligned = unsafe extern "C" fn(usize, usize) -> *mut std::ffi::c_void;

/// A block for `layout` from `plain` where it needs no more than word alignment, else from
/// `aligned`.
///
/// # Safety
/// As [`std::alloc::GlobalAlloc::alloc`]: `layout` has a non-zero size.
#[inline]
unsafe fn block(layout: std::alloc::Layout, plain: Plain, aligned: Aligned) -> *mut u8 {
    // SAFETY: both are mimalloc's, called with the layout's size (and alignment).
    unsafe {
        if layout.align() <= WORD {
            plain(layout.size()).cast()
        } else {
            aligned(layout.size(), layout.align()).cast()
        }
    }
}

// SAFETY: every call is passed on to mimalloc; the plain calls only where the layout asks
// for no more alignment than every mimalloc block has, the aligned calls otherwise.
unsafe impl std::alloc::GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys as mi;
        // SAFETY: as the trait asks (layout.size() > 0).
        unsafe { block(layout, mi::mi_malloc, mi::mi_malloc_aligned) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys as mi;
        // SAFETY: as for `alloc`.
        unsafe { block(layout, mi::mi_zalloc, mi::mi_zalloc_aligned) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: std::alloc::Layout) {
        // SAFETY: `ptr` came from this allocator.
        unsafe { libmimalloc_sys::mi_free(ptr.cast()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        use libmimalloc_sys as mi;
        // SAFETY: `ptr` came from this allocator with `layout`; new_size > 0.
        unsafe {
            if layout.align() <= WORD {
                mi::mi_realloc(ptr.cast(), new_size).cast()
            } else {
                mi::mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::{GlobalAlloc, Layout};

    /// Every block honours its layout's alignment, holds what was written, keeps it
    /// through a realloc, and zeroed blocks are zero: on both paths (word alignment and
    /// more).
    #[test]
    fn blocks_honour_their_layouts() {
        let a = Mimalloc;
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1, 3, 8, 12, 24, 40, 100, 1000, 70_000, 3 << 20] {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: non-zero sizes; every block is freed with its layout.
                unsafe {
                    let p = a.alloc(layout);
                    assert!(!p.is_null());
                    assert_eq!(p as usize % align, 0, "size {size} align {align}");
                    std::ptr::write_bytes(p, 0xAB, size);
                    let q = a.realloc(p, layout, size * 2 + 5);
                    assert_eq!(q as usize % align, 0, "realloc size {size} align {align}");
                    assert!(
                        std::slice::from_raw_parts(q, size)
                            .iter()
                            .all(|b| *b == 0xAB)
                    );
                    a.dealloc(q, Layout::from_size_align(size * 2 + 5, align).unwrap());
                    let z = a.alloc_zeroed(layout);
                    assert_eq!(z as usize % align, 0);
                    assert!(std::slice::from_raw_parts(z, size).iter().all(|b| *b == 0));
                    a.dealloc(z, layout);
                }
            }
        }
    }
}
