//! `cargo test -p harness`: every scenario against the reference solutions, one test each.

#[global_allocator]
static ALLOC: harness::alloc::Counting = harness::alloc::Counting;

fn main() {
    harness::runner::test_main(
        &impls::REFERENCE,
        scenarios::all(),
        harness::runner::SUITE_REPLAY,
    )
}
