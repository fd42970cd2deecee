//! `cargo test -p harness`: every scenario against the reference solution, one test each, each in
//! a child process of its own.

#[global_allocator]
static ALLOC: harness::alloc::Counting = harness::alloc::Counting;

fn main() {
    harness::runner::test_main(
        impls::solutions,
        scenarios::all,
        harness::runner::SUITE_REPLAY,
    )
}
