//! The network tier: upstream servers described once, in one vocabulary ([`World`]), and run
//! where a scenario needs them: inside a turmoil simulation on virtual time ([`sim`]), which
//! decides every timing verdict. The solution talks to them through the one client the harness
//! hands it ([`HttpClient`]), and the servers record what a solution cannot fake
//! ([`Record`]): each request's start and end on the world's clock, the requests in flight at
//! each instant, and the requests the client abandoned before their response. The same world
//! also runs on real loopback sockets ([`real`], wiremock's servers, real time) for the HTTP
//! contract itself; that tier decides no timing verdict.

mod client;
pub mod real;
mod record;
pub mod sim;
mod world;

pub use client::{HttpClient, HttpError, Page};
pub use record::{Record, Seen};
pub use world::{Reply, World};

/// How a run of a world ended, on either tier.
pub enum Ended<R> {
    /// The client returned `R` at this instant: the world's clock when simulated, the real time
    /// since it began on the real tier.
    Returned(R, std::time::Duration),
    /// The client was still running at the limit (virtual time when simulated, else real).
    TimedOut(std::time::Duration),
    /// The world could not run to the end (a host's error, turmoil's own, or a reply the real
    /// tier cannot serve).
    Failed(String),
}
